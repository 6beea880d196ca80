//! Reloading a module from its folder: the new source is installed again for
//! every tenant that has the module, with that install's own grants,
//! settings and allowlist — never more permissions than the operator gave.
//!
//! Per (module, tenant), all or nothing, through the install pipeline:
//! verified, compiled, its table migration planned and applied (additive
//! only: a destructive one is refused), `activate` run — and only then does
//! the new version take over. A version with routes or hooks is *staged*:
//! it starts with no approvals (the operator approved code, not a name or a
//! number), so the serving version keeps its traffic and approvals until
//! the operator promotes the staged one (`promote.rs`), approving its
//! routes and hooks in the same step. A version with nothing to approve, or
//! any version in dev mode, takes over at once. A failure at any step leaves
//! the serving version as it was and is audited as `reload-failed` with its
//! code.

use modgate_manifest::{Manifest, verify_manifest};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::install::{InstallRequest, Takeover};
use super::{InstallError, InstallOutcome, Lifecycle, ModuleSource, records};
use crate::CORE_VERSION;
use crate::lifecycle::approving::{Approvals, HookSelection, RouteSelection};
use crate::storage::StorageError;
use crate::storage::entities::install;
use crate::tenant::TenantId;

/// What a reload did for one tenant.
#[derive(Debug)]
pub struct TenantReload {
    /// The tenant.
    pub tenant: TenantId,
    /// What happened; on an error the serving version is unchanged.
    pub result: Result<ReloadStep, InstallError>,
}

/// How a reload ended for one tenant.
#[derive(Debug)]
pub enum ReloadStep {
    /// The folder holds the version already serving (or already staged).
    Unchanged,
    /// Ready beside the serving version; takes traffic once promoted.
    Staged(Box<InstallOutcome>),
    /// Took over at once (nothing to approve, or dev mode).
    Switched(Box<InstallOutcome>),
}

impl Lifecycle {
    /// Reloads `source` for every tenant that has its module installed (in
    /// tenant order; none installed: an empty list). Each tenant's reload
    /// is independent: one failing leaves the others' results standing.
    pub async fn reload(&self, source: &ModuleSource) -> Result<Vec<TenantReload>, InstallError> {
        let manifest = verify_manifest(&source.manifest_text, &CORE_VERSION)
            .map_err(InstallError::InvalidManifest)?
            .manifest;
        let name = manifest.name.as_str();
        // Hashed once: the component is up to the size limit, and every
        // tenant's install compares against it.
        let hash = hex::encode(source.content_hash());
        let installs = install::Entity::find()
            .filter(install::Column::Module.eq(name))
            .order_by_asc(install::Column::Tenant)
            .all(self.storage.connection())
            .await
            .map_err(StorageError::db(format!("listing the installs of {name}")))?;
        let mut reloads = Vec::with_capacity(installs.len());
        for installed in installs {
            let tenant = TenantId::new(&installed.tenant).map_err(|e| InstallError::Corrupt {
                module: name.to_owned(),
                message: e.to_string(),
            })?;
            let result = self.reload_for(&tenant, &installed, &manifest, source, &hash).await;
            if let Err(error) = &result {
                self.audit_failed_reload(&tenant, name, &manifest, error).await;
            }
            reloads.push(TenantReload { tenant, result });
        }
        Ok(reloads)
    }

    async fn reload_for(
        &self,
        tenant: &TenantId,
        installed: &install::Model,
        manifest: &Manifest,
        source: &ModuleSource,
        hash: &str,
    ) -> Result<ReloadStep, InstallError> {
        let name = manifest.name.as_str();
        let candidates = [Some(&installed.version_id), installed.staged_version_id.as_ref()];
        for version_id in candidates.into_iter().flatten() {
            let head = records::find_version_head(self.storage.connection(), name, version_id).await?;
            // Exactly this source: the same version, manifest and component.
            if head.is_some_and(|stored| {
                stored.version == manifest.version.to_string()
                    && stored.manifest == source.manifest_text
                    && stored.component_hash == hash
            }) {
                return Ok(ReloadStep::Unchanged);
            }
        }
        // The grants the operator gave that the new manifest still asks for:
        // a permission it newly asks for waits for the operator's install.
        let granted = records::parse_permissions(name, &installed.granted)?
            .into_iter()
            .filter(|permission| manifest.permissions.contains(permission))
            .collect();
        let settings = serde_json::from_str(&installed.settings).map_err(|e| InstallError::Corrupt {
            module: name.to_owned(),
            message: format!("stored settings: {e}"),
        })?;
        let nothing_to_approve = manifest.routes.is_empty() && manifest.hooks.is_empty();
        let takeover = if self.dev_mode() || nothing_to_approve { Takeover::Reload } else { Takeover::OnSwitch };
        let request = InstallRequest {
            source: source.clone(),
            tenant: tenant.clone(),
            grants: Some(granted),
            // Only permissions the operator granted (and acknowledged, if
            // high risk) before are granted again.
            acknowledge_risk: true,
            allow_destructive: false,
            settings: Some(settings),
            allowlist: None,
        };
        let outcome = self.install_recorded(request, None, takeover).await?;
        if outcome.staged {
            return Ok(ReloadStep::Staged(Box::new(outcome)));
        }
        if self.dev_mode() {
            // Dev mode grants everything unreviewed; its routes and hooks
            // likewise, or the author's reload would answer 404.
            let all = Approvals { routes: Some(RouteSelection::All), hooks: Some(HookSelection::All) };
            self.approve(tenant, name, &all, "dev-mode reload").await?;
        }
        Ok(ReloadStep::Switched(Box::new(outcome)))
    }

    /// Audits a reload that failed before reaching any tenant (its folder
    /// could not be read or built) for every tenant that has the module.
    pub async fn audit_failed_reload_everywhere(&self, manifest: &Manifest, error: &InstallError) {
        self.audit_everywhere(manifest, "reload-failed", failure_detail(manifest, error)).await;
    }

    /// Audits, for every tenant that has the module, that its watch paused
    /// after `slow_reloads` slow reloads in a row (the last good version
    /// keeps serving).
    pub async fn audit_reload_paused(&self, manifest: &Manifest, slow_reloads: u32) {
        let detail = serde_json::json!({
            "version": manifest.version.to_string(),
            "code": "reload-paused",
            "message": format!(
                "{slow_reloads} slow reloads in a row: the watch of this module is paused and its last good version serves; resume it from the admin API or page"
            ),
        });
        self.audit_everywhere(manifest, "reload-paused", detail).await;
    }

    /// Audits, for every tenant that has the module, that an operator
    /// resumed its paused watch.
    pub async fn audit_reload_resumed(&self, manifest: &Manifest) {
        let detail = serde_json::json!({ "version": manifest.version.to_string() });
        self.audit_everywhere(manifest, "reload-resumed", detail).await;
    }

    async fn audit_everywhere(&self, manifest: &Manifest, action: &str, detail: serde_json::Value) {
        let name = manifest.name.as_str();
        let installs = install::Entity::find()
            .filter(install::Column::Module.eq(name))
            .all(self.storage.connection())
            .await;
        for installed in installs.into_iter().flatten() {
            if let Ok(tenant) = TenantId::new(&installed.tenant) {
                self.audit_apart(&tenant, name, action, detail.clone()).await;
            }
        }
    }

    async fn audit_failed_reload(&self, tenant: &TenantId, module: &str, manifest: &Manifest, error: &InstallError) {
        self.audit_apart(tenant, module, "reload-failed", failure_detail(manifest, error)).await;
    }

    /// Audits in a transaction of its own (a failed reload's own was rolled
    /// back). Best effort: what is audited is also the reload's result.
    async fn audit_apart(&self, tenant: &TenantId, module: &str, action: &str, detail: serde_json::Value) {
        let audited = async {
            let (_turn, tx) = self.storage.begin_write().await.map_err(StorageError::db("starting the reload audit"))?;
            records::audit(&tx, tenant, module, action, detail).await?;
            tx.commit().await.map_err(StorageError::db("committing the reload audit"))
        };
        if let Err(e) = audited.await {
            tracing::warn!(module, %tenant, "auditing {action}: {e}");
        }
    }
}

/// What a failed reload's audit entry holds: the version, the code, the
/// message (bounded).
fn failure_detail(manifest: &Manifest, error: &InstallError) -> serde_json::Value {
    serde_json::json!({
        "version": manifest.version.to_string(),
        "code": error.code(),
        "message": crate::engine::guest_text::bounded_message(&error.to_string()),
    })
}
