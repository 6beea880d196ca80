//! Approving and revoking routes and hooks. Both start unapproved (an
//! unapproved route answers 404, an unapproved hook is skipped); the
//! operator approves each one, or all, for the installed version. A new
//! version starts with none: an approval names the version it was given for.
//! One approval or revocation is one transaction, whatever it names.

use std::collections::BTreeSet;

use modgate_manifest::{Manifest, RouteDecl};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::{InstallError, Lifecycle, records};
use crate::storage::entities::approval;
use crate::storage::{StorageError, new_id, now_rfc3339};
use crate::tenant::TenantId;

/// What an approval in `modgate_approvals` is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ApprovalKind {
    /// A route, subject `METHOD /path`.
    Route,
    /// A hook, subject [`modgate_manifest::HookDecl::subject`].
    Hook,
}

impl ApprovalKind {
    /// The stored `kind`.
    fn as_str(self) -> &'static str {
        match self {
            ApprovalKind::Route => "route",
            ApprovalKind::Hook => "hook",
        }
    }
}

/// Which declared routes an approval or revocation is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteSelection {
    /// Every route the manifest declares.
    All,
    /// These routes, each written `METHOD /path` exactly as declared, e.g.
    /// `GET /items/{product_id}`.
    Only(Vec<String>),
}

/// The subject an approval of `route` is stored under: `METHOD /path`.
pub fn route_subject(route: &RouteDecl) -> String {
    format!("{} {}", route.method, route.path)
}

/// Which declared hooks an approval or revocation is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookSelection {
    /// Every hook the manifest declares.
    All,
    /// These hooks, each written as `modgate show` lists it:
    /// `before-create review`, `on-action order gift-wrap`.
    Only(Vec<String>),
}

/// The routes and hooks one approval or revocation names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Approvals {
    /// Routes, if any.
    pub routes: Option<RouteSelection>,
    /// Hooks, if any.
    pub hooks: Option<HookSelection>,
}

impl Lifecycle {
    /// Approves routes of the installed version; returns the subjects that
    /// were newly approved. A subject the manifest does not declare is
    /// refused with `unknown-route`, naming the declared ones.
    pub async fn approve_routes(
        &self,
        tenant: &TenantId,
        module: &str,
        selection: &RouteSelection,
        approved_by: &str,
    ) -> Result<Vec<String>, InstallError> {
        let asked = Approvals { routes: Some(selection.clone()), hooks: None };
        self.approve(tenant, module, &asked, approved_by).await
    }

    /// Withdraws route approvals; returns the routes that were approved.
    pub async fn revoke_routes(
        &self,
        tenant: &TenantId,
        module: &str,
        selection: &RouteSelection,
    ) -> Result<Vec<String>, InstallError> {
        self.revoke(tenant, module, &Approvals { routes: Some(selection.clone()), hooks: None }).await
    }

    /// Approves hooks of the installed version; returns those newly
    /// approved. A hook the manifest does not declare is refused with
    /// `unknown-hook`, naming the declared ones.
    pub async fn approve_hooks(
        &self,
        tenant: &TenantId,
        module: &str,
        selection: &HookSelection,
        approved_by: &str,
    ) -> Result<Vec<String>, InstallError> {
        let asked = Approvals { routes: None, hooks: Some(selection.clone()) };
        self.approve(tenant, module, &asked, approved_by).await
    }

    /// Withdraws hook approvals; returns the hooks that were approved.
    pub async fn revoke_hooks(
        &self,
        tenant: &TenantId,
        module: &str,
        selection: &HookSelection,
    ) -> Result<Vec<String>, InstallError> {
        self.revoke(tenant, module, &Approvals { routes: None, hooks: Some(selection.clone()) }).await
    }

    /// Approves the routes and hooks `asked` names, all or none (an
    /// undeclared one refuses the whole approval); returns those newly
    /// approved, routes first.
    pub async fn approve(
        &self,
        tenant: &TenantId,
        module: &str,
        asked: &Approvals,
        approved_by: &str,
    ) -> Result<Vec<String>, InstallError> {
        let (_turn, tx, stored) = self.begin_on_install(tenant, module, "approval").await?;
        let selected = selected(&stored.manifest()?, asked)?;
        let added = insert_approvals(&tx, &stored.install, &stored.install.version_id, selected, approved_by).await?;
        if !added.is_empty() {
            let detail = serde_json::json!({ "approved": added, "version": stored.version.version, "by": approved_by });
            records::audit(&tx, tenant, module, "approve", detail).await?;
        }
        tx.commit().await.map_err(StorageError::db("committing the approval"))?;
        Ok(added)
    }

    /// Withdraws the approvals of the routes and hooks `asked` names;
    /// returns those that were approved.
    pub async fn revoke(&self, tenant: &TenantId, module: &str, asked: &Approvals) -> Result<Vec<String>, InstallError> {
        let (_turn, tx, stored) = self.begin_on_install(tenant, module, "revocation").await?;
        let selected = selected(&stored.manifest()?, asked)?;
        let mut removed = Vec::new();
        for (kind, subjects) in selected {
            let already = approved_subjects(&tx, &stored.install.id, &stored.install.version_id, kind).await?;
            let revoked: Vec<String> = subjects.into_iter().filter(|s| already.contains(s)).collect();
            if revoked.is_empty() {
                continue;
            }
            approval::Entity::delete_many()
                .filter(approval::Column::InstallId.eq(stored.install.id.clone()))
                .filter(approval::Column::VersionId.eq(stored.install.version_id.clone()))
                .filter(approval::Column::Kind.eq(kind.as_str()))
                .filter(approval::Column::Subject.is_in(revoked.clone()))
                .exec(&tx)
                .await
                .map_err(StorageError::db(format!("revoking approvals of {module}")))?;
            removed.extend(revoked);
        }
        if !removed.is_empty() {
            records::audit(&tx, tenant, module, "revoke", serde_json::json!({ "revoked": removed })).await?;
        }
        tx.commit().await.map_err(StorageError::db("committing the revocation"))?;
        Ok(removed)
    }
}

/// Approves the `selected` subjects of `install`'s version `version_id`
/// that are not approved yet; returns them.
pub(super) async fn insert_approvals(
    tx: &sea_orm::DatabaseTransaction,
    install: &crate::storage::entities::install::Model,
    version_id: &str,
    selected: Vec<(ApprovalKind, Vec<String>)>,
    approved_by: &str,
) -> Result<Vec<String>, InstallError> {
    let now = now_rfc3339();
    let mut added = Vec::new();
    for (kind, subjects) in selected {
        let already = approved_subjects(tx, &install.id, version_id, kind).await?;
        for subject in subjects.into_iter().filter(|s| !already.contains(s)) {
            approval::ActiveModel {
                id: Set(new_id()),
                install_id: Set(install.id.clone()),
                version_id: Set(version_id.to_owned()),
                kind: Set(kind.as_str().to_owned()),
                subject: Set(subject.clone()),
                approved_by: Set(approved_by.to_owned()),
                approved_at: Set(now.clone()),
            }
            .insert(tx)
            .await
            .map_err(StorageError::db(format!("approving {subject} of {}", install.module)))?;
            added.push(subject);
        }
    }
    Ok(added)
}

/// The subjects `asked` names, per kind, each checked against `manifest`.
pub(super) fn selected(manifest: &Manifest, asked: &Approvals) -> Result<Vec<(ApprovalKind, Vec<String>)>, InstallError> {
    let mut selected = Vec::new();
    if let Some(routes) = &asked.routes {
        selected.push((ApprovalKind::Route, selected_routes(manifest, routes)?));
    }
    if let Some(hooks) = &asked.hooks {
        selected.push((ApprovalKind::Hook, selected_hooks(manifest, hooks)?));
    }
    Ok(selected)
}

fn selected_routes(manifest: &Manifest, selection: &RouteSelection) -> Result<Vec<String>, InstallError> {
    let declared: Vec<String> = manifest.routes.iter().map(route_subject).collect();
    let RouteSelection::Only(asked) = selection else {
        return Ok(declared);
    };
    pick(asked, &declared, normalise_route, |route| InstallError::UnknownRoute {
        module: manifest.name.as_str().to_owned(),
        route,
        declared: declared.clone(),
    })
}

fn selected_hooks(manifest: &Manifest, selection: &HookSelection) -> Result<Vec<String>, InstallError> {
    let declared: Vec<String> = manifest.hooks.iter().map(|hook| hook.subject()).collect();
    let HookSelection::Only(asked) = selection else {
        return Ok(declared);
    };
    let normalise = |subject: &str| subject.split_whitespace().collect::<Vec<_>>().join(" ");
    pick(asked, &declared, normalise, |hook| InstallError::UnknownHook {
        module: manifest.name.as_str().to_owned(),
        hook,
        declared: declared.clone(),
    })
}

/// The asked subjects, normalised, each once; the first undeclared one refuses.
fn pick(
    asked: &[String],
    declared: &[String],
    normalise: impl Fn(&str) -> String,
    unknown: impl Fn(String) -> InstallError,
) -> Result<Vec<String>, InstallError> {
    let mut subjects = Vec::new();
    for subject in asked {
        let normalised = normalise(subject);
        if !declared.contains(&normalised) {
            return Err(unknown(subject.clone()));
        }
        if !subjects.contains(&normalised) {
            subjects.push(normalised);
        }
    }
    Ok(subjects)
}

/// `get   /items` → `GET /items`.
fn normalise_route(subject: &str) -> String {
    let mut parts = subject.split_whitespace();
    let method = parts.next().unwrap_or_default().to_ascii_uppercase();
    let path: Vec<&str> = parts.collect();
    format!("{method} {}", path.join(" "))
}

/// The approved subjects of one kind for an install's version.
pub(super) async fn approved_subjects(
    conn: &impl sea_orm::ConnectionTrait,
    install_id: &str,
    version_id: &str,
    kind: ApprovalKind,
) -> Result<BTreeSet<String>, InstallError> {
    let rows = approval::Entity::find()
        .filter(approval::Column::InstallId.eq(install_id))
        .filter(approval::Column::VersionId.eq(version_id))
        .filter(approval::Column::Kind.eq(kind.as_str()))
        .all(conn)
        .await
        .map_err(StorageError::db("reading approvals"))?;
    Ok(rows.into_iter().map(|row| row.subject).collect())
}
