//! Route approvals (and the approval storage hooks share), the breaker-reset
//! marker, and reading back what a serving process needs to know about an
//! install.
//!
//! Routes and hooks start unapproved; the operator approves each one (or
//! all) for the installed version. A new version starts with none: an
//! approval names the version it was given for.

use std::collections::BTreeSet;

use modgate_manifest::{Manifest, RouteDecl};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set, TransactionTrait};

use super::{InstallError, Lifecycle, records};
use crate::engine::{InstallSettings, LoadedModule};
use crate::tenant::TenantId;
use crate::storage::entities::{approval, install};
use crate::storage::{StorageError, new_id, now_rfc3339};

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

    /// As the audit log names a batch of them.
    fn plural(self) -> &'static str {
        match self {
            ApprovalKind::Route => "routes",
            ApprovalKind::Hook => "hooks",
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

/// What a serving process needs to know about one install, read in one go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServingRecord {
    /// The installed version's row id; it changes on upgrade.
    pub version_id: String,
    /// Whether the install is enabled.
    pub enabled: bool,
    /// Approved route subjects of the installed version.
    pub approved_routes: BTreeSet<String>,
    /// Approved hook subjects of the installed version
    /// ([`modgate_manifest::HookDecl::subject`]).
    pub approved_hooks: BTreeSet<String>,
    /// When an operator last reset the circuit breaker.
    pub breaker_reset_at: Option<String>,
    /// When an operator last re-armed the hook breakers.
    pub hooks_reset_at: Option<String>,
    /// The install's current settings document.
    pub settings: InstallSettings,
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
        self.approve(tenant, module, ApprovalKind::Route, approved_by, |manifest| {
            selected_subjects(manifest, selection)
        })
        .await
    }

    /// Withdraws approvals; returns the subjects that were approved before.
    pub async fn revoke_routes(
        &self,
        tenant: &TenantId,
        module: &str,
        selection: &RouteSelection,
    ) -> Result<Vec<String>, InstallError> {
        self.revoke(tenant, module, ApprovalKind::Route, |manifest| selected_subjects(manifest, selection))
            .await
    }

    /// Approves the subjects `select` picks from the installed version's
    /// manifest; returns those newly approved.
    pub(super) async fn approve(
        &self,
        tenant: &TenantId,
        module: &str,
        kind: ApprovalKind,
        approved_by: &str,
        select: impl FnOnce(&Manifest) -> Result<Vec<String>, InstallError>,
    ) -> Result<Vec<String>, InstallError> {
        let (tx, stored) = self.begin_on_install(tenant, module, "approval").await?;
        let subjects = select(&stored.manifest()?)?;
        let already = approved_subjects(&tx, &stored.install.id, &stored.install.version_id, kind).await?;
        let now = now_rfc3339();
        let mut added = Vec::new();
        for subject in subjects.into_iter().filter(|s| !already.contains(s)) {
            approval::ActiveModel {
                id: Set(new_id()),
                install_id: Set(stored.install.id.clone()),
                version_id: Set(stored.install.version_id.clone()),
                kind: Set(kind.as_str().to_owned()),
                subject: Set(subject.clone()),
                approved_by: Set(approved_by.to_owned()),
                approved_at: Set(now.clone()),
            }
            .insert(&tx)
            .await
            .map_err(StorageError::db(format!("approving {subject} of {module}")))?;
            added.push(subject);
        }
        if !added.is_empty() {
            let detail = serde_json::json!({ kind.plural(): added, "version": stored.version.version, "by": approved_by });
            records::audit(&tx, tenant, module, &format!("approve-{}", kind.plural()), detail).await?;
        }
        tx.commit().await.map_err(StorageError::db("committing the approval"))?;
        Ok(added)
    }

    /// Withdraws the approvals of the subjects `select` picks; returns
    /// those that were approved.
    pub(super) async fn revoke(
        &self,
        tenant: &TenantId,
        module: &str,
        kind: ApprovalKind,
        select: impl FnOnce(&Manifest) -> Result<Vec<String>, InstallError>,
    ) -> Result<Vec<String>, InstallError> {
        let (tx, stored) = self.begin_on_install(tenant, module, "revocation").await?;
        let subjects = select(&stored.manifest()?)?;
        let already = approved_subjects(&tx, &stored.install.id, &stored.install.version_id, kind).await?;
        let removed: Vec<String> = subjects.into_iter().filter(|s| already.contains(s)).collect();
        if !removed.is_empty() {
            approval::Entity::delete_many()
                .filter(approval::Column::InstallId.eq(stored.install.id.clone()))
                .filter(approval::Column::Kind.eq(kind.as_str()))
                .filter(approval::Column::Subject.is_in(removed.clone()))
                .exec(&tx)
                .await
                .map_err(StorageError::db(format!("revoking {} of {module}", kind.plural())))?;
            let detail = serde_json::json!({ kind.plural(): removed });
            records::audit(&tx, tenant, module, &format!("revoke-{}", kind.plural()), detail).await?;
        }
        tx.commit().await.map_err(StorageError::db("committing the revocation"))?;
        Ok(removed)
    }

    /// Marks the install's circuit breaker for reset; every serving process
    /// closes its breaker on its next refresh.
    pub async fn reset_breaker(&self, tenant: &TenantId, module: &str) -> Result<(), InstallError> {
        let (tx, stored) = self.begin_on_install(tenant, module, "breaker reset").await?;
        let mut update: install::ActiveModel = stored.install.into();
        update.breaker_reset_at = Set(Some(now_rfc3339()));
        update
            .update(&tx)
            .await
            .map_err(StorageError::db(format!("resetting the breaker of {module}")))?;
        records::audit(&tx, tenant, module, "reset-breaker", serde_json::json!({})).await?;
        tx.commit().await.map_err(StorageError::db("committing the breaker reset"))?;
        Ok(())
    }

    /// The install as a serving process sees it; `None` when not installed.
    pub async fn serving_record(
        &self,
        tenant: &TenantId,
        module: &str,
    ) -> Result<Option<ServingRecord>, InstallError> {
        let conn = self.storage.connection();
        let Some(install) = records::find_install_row(conn, tenant, module).await? else {
            return Ok(None);
        };
        let approved_routes = approved_subjects(conn, &install.id, &install.version_id, ApprovalKind::Route).await?;
        let approved_hooks = approved_subjects(conn, &install.id, &install.version_id, ApprovalKind::Hook).await?;
        Ok(Some(ServingRecord {
            version_id: install.version_id,
            enabled: install.enabled,
            approved_routes,
            approved_hooks,
            breaker_reset_at: install.breaker_reset_at,
            hooks_reset_at: install.hooks_reset_at,
            settings: InstallSettings::new(install.settings),
        }))
    }

    /// The module for an install whose record was just read: `cached` (a
    /// module and the version row it was loaded from) while that is still
    /// the installed version, otherwise the stored one, loaded; `None` when
    /// it was uninstalled meanwhile. How serving processes and event
    /// workers follow upgrades made anywhere.
    pub async fn module_for(
        &self,
        tenant: &TenantId,
        module: &str,
        record: &ServingRecord,
        cached: Option<(&str, &LoadedModule)>,
    ) -> Result<Option<LoadedModule>, InstallError> {
        match cached {
            Some((version_id, loaded)) if version_id == record.version_id => Ok(Some(loaded.clone())),
            _ => Ok(self.load_installed(tenant, module).await?.map(|(loaded, _)| loaded)),
        }
    }

    /// Names of the modules installed and enabled for `tenant` (reads only
    /// the install rows).
    pub async fn enabled_modules(&self, tenant: &TenantId) -> Result<Vec<String>, InstallError> {
        let rows = install::Entity::find()
            .filter(install::Column::Tenant.eq(tenant.as_str()))
            .filter(install::Column::Enabled.eq(true))
            .all(self.storage.connection())
            .await
            .map_err(StorageError::db(format!("listing the modules of {tenant}")))?;
        let mut names: Vec<String> = rows.into_iter().map(|row| row.module).collect();
        names.sort();
        Ok(names)
    }

    /// The module as installed in the database, loaded into the engine
    /// (compiled once per content hash) and remembered; `None` when it is not
    /// installed. Used at start-up and when another process installed or
    /// upgraded it.
    pub async fn load_installed(
        &self,
        tenant: &TenantId,
        module: &str,
    ) -> Result<Option<(LoadedModule, String)>, InstallError> {
        let Some(stored) = records::find_install(self.storage.connection(), tenant, module).await? else {
            return Ok(None);
        };
        // Already loaded (installed by this process, or loaded before): keep
        // that one, so there is one in-flight cap and one log per install.
        if let Some(loaded) = self.module(tenant, module)
            && hex::encode(loaded.content_hash()) == stored.version.component_hash
            && loaded.manifest().version.to_string() == stored.version.version
        {
            return Ok(Some((loaded, stored.install.version_id)));
        }
        let manifest = stored.manifest()?;
        let grants = records::parse_permissions(module, &stored.install.granted)?;
        let engine = self.engine.clone();
        let component = stored.version.component.clone();
        // Compiling can take a while: keep it off the async workers.
        let loaded = tokio::task::spawn_blocking(move || engine.load(manifest, &component, grants))
            .await
            .map_err(|e| InstallError::Corrupt {
                module: module.to_owned(),
                message: format!("loading the stored component failed: {e}"),
            })?
            .map_err(|e| InstallError::Load(Box::new(e)))?;
        self.remember(tenant, loaded.clone());
        Ok(Some((loaded, stored.install.version_id)))
    }

    /// Loads every installed module (at start-up); returns `(tenant, module)`
    /// of each. One that fails to load is reported, not skipped silently.
    pub async fn load_all_installed(&self) -> Result<Vec<(TenantId, String)>, InstallError> {
        let installs = records::all_installs(self.storage.connection(), None).await?;
        let mut loaded = Vec::new();
        for stored in installs {
            let tenant = TenantId::new(&stored.install.tenant).map_err(|e| InstallError::Corrupt {
                module: stored.install.module.clone(),
                message: format!("stored tenant: {e}"),
            })?;
            if self.load_installed(&tenant, &stored.install.module).await?.is_some() {
                loaded.push((tenant, stored.install.module));
            }
        }
        Ok(loaded)
    }
}

impl Lifecycle {
    /// Starts a transaction and reads the install in it; `not-installed`
    /// when there is none.
    pub(super) async fn begin_on_install(
        &self,
        tenant: &TenantId,
        module: &str,
        what: &str,
    ) -> Result<(DatabaseTransaction, records::StoredInstall), InstallError> {
        let tx = self
            .storage
            .connection()
            .begin()
            .await
            .map_err(StorageError::db(format!("starting the {what} transaction")))?;
        let stored = records::find_install(&tx, tenant, module)
            .await?
            .ok_or_else(|| not_installed(tenant, module))?;
        Ok((tx, stored))
    }
}

fn not_installed(tenant: &TenantId, module: &str) -> InstallError {
    InstallError::NotInstalled {
        module: module.to_owned(),
        tenant: tenant.to_string(),
    }
}

fn selected_subjects(manifest: &Manifest, selection: &RouteSelection) -> Result<Vec<String>, InstallError> {
    let declared: Vec<String> = manifest.routes.iter().map(route_subject).collect();
    match selection {
        RouteSelection::All => Ok(declared),
        RouteSelection::Only(asked) => {
            let mut subjects = Vec::new();
            for subject in asked {
                let normalised = normalise_subject(subject);
                if !declared.contains(&normalised) {
                    return Err(InstallError::UnknownRoute {
                        module: manifest.name.as_str().to_owned(),
                        route: subject.clone(),
                        declared,
                    });
                }
                if !subjects.contains(&normalised) {
                    subjects.push(normalised);
                }
            }
            Ok(subjects)
        }
    }
}

/// `get   /items` → `GET /items`.
fn normalise_subject(subject: &str) -> String {
    let mut parts = subject.split_whitespace();
    let method = parts.next().unwrap_or_default().to_ascii_uppercase();
    let path: Vec<&str> = parts.collect();
    format!("{method} {}", path.join(" "))
}

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
