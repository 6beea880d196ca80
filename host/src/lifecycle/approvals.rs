//! The breaker-reset marker, and reading back what a serving process needs
//! to know about an install (its approvals come from `approving`).

use std::collections::BTreeSet;

use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};

use modgate_manifest::Permission;

use super::approving::{ApprovalKind, approved_subjects};

use super::{InstallError, Lifecycle, records};
use crate::capabilities::outbound::Allowlist;
use crate::engine::{Extensions, InstallSettings, LoadedModule};
use crate::tenant::TenantId;
use crate::storage::entities::{install, module_version};
use crate::storage::{StorageError, WriteTurn, now_rfc3339};

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
    /// What its invocations are handed.
    pub inputs: InstallInputs,
    /// The permissions granted to the installed version.
    pub granted: BTreeSet<Permission>,
}

/// What every invocation of an install is handed, as of the last read:
/// its settings and the operator's outbound allowlist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallInputs {
    /// The install's current settings document.
    pub settings: InstallSettings,
    /// The operator's outbound HTTP allowlist.
    pub allowlist: Allowlist,
}

impl InstallInputs {
    /// Both, for an invocation.
    pub fn extensions(&self) -> Extensions {
        Extensions::new().with(self.settings.clone()).with(self.allowlist.clone())
    }
}

impl Lifecycle {
    /// Marks the install's circuit breaker for reset; every serving process
    /// closes its breaker on its next refresh.
    pub async fn reset_breaker(&self, tenant: &TenantId, module: &str) -> Result<(), InstallError> {
        let (_turn, tx, stored) = self.begin_on_install(tenant, module, "breaker reset").await?;
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
        // One snapshot: read apart, a promotion or upgrade committed between
        // the install row and its approvals would pair the old version with
        // the new approvals (none of them its own) — its routes would answer
        // 404 and its hooks be skipped for that moment.
        let snapshot = self.storage.begin_snapshot().await.map_err(StorageError::db("starting a read"))?;
        let Some(install) = records::find_install_row(&snapshot, tenant, module).await? else {
            return Ok(None);
        };
        let approved_routes = approved_subjects(&snapshot, &install.id, &install.version_id, ApprovalKind::Route).await?;
        let approved_hooks = approved_subjects(&snapshot, &install.id, &install.version_id, ApprovalKind::Hook).await?;
        // Read only: ends the snapshot (and frees its connection) now rather
        // than at a rollback queued by a drop.
        snapshot.commit().await.map_err(StorageError::db("ending a read"))?;
        let allowlist = records::parse_allowlist(module, &install.outbound_allowlist)?;
        let granted = records::parse_permissions(module, &install.granted)?;
        Ok(Some(ServingRecord {
            version_id: install.version_id,
            enabled: install.enabled,
            approved_routes,
            approved_hooks,
            breaker_reset_at: install.breaker_reset_at,
            hooks_reset_at: install.hooks_reset_at,
            inputs: InstallInputs { settings: InstallSettings::new(install.settings), allowlist },
            granted,
        }))
    }

    /// The module for an install whose record was just read: `cached` (a
    /// module and the version row it was loaded from) while that is still
    /// the installed version, otherwise the record's version, loaded with
    /// the record's grants — exactly the version the record's approvals are
    /// for, even if another promotion or upgrade committed since; `None`
    /// when that version is gone. How serving processes and event workers
    /// follow upgrades made anywhere.
    pub async fn module_for(
        &self,
        tenant: &TenantId,
        module: &str,
        record: &ServingRecord,
        cached: Option<(&str, &LoadedModule)>,
    ) -> Result<Option<LoadedModule>, InstallError> {
        if let Some((version_id, loaded)) = cached
            && version_id == record.version_id
        {
            return Ok(Some(loaded.clone()));
        }
        let version = module_version::Entity::find_by_id(record.version_id.clone())
            .one(self.storage.connection())
            .await
            .map_err(StorageError::db(format!("reading the installed version of {module}")))?;
        match version {
            Some(version) => self.load_version(tenant, module, version, record.granted.clone()).await.map(Some),
            None => Ok(None),
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
        let grants = records::parse_permissions(module, &stored.install.granted)?;
        let loaded = self.load_version(tenant, module, stored.version, grants).await?;
        Ok(Some((loaded, stored.install.version_id)))
    }

    /// A stored version of `module` loaded with `grants` and remembered,
    /// or the one already remembered when it is that version.
    async fn load_version(
        &self,
        tenant: &TenantId,
        module: &str,
        version: module_version::Model,
        grants: BTreeSet<Permission>,
    ) -> Result<LoadedModule, InstallError> {
        // Already loaded (installed by this process, or loaded before): keep
        // that one, so there is one in-flight cap and one log per install.
        if let Some(loaded) = self.module(tenant, module)
            && hex::encode(loaded.content_hash()) == version.component_hash
            && loaded.manifest().version.to_string() == version.version
            && loaded.grants() == &grants
        {
            return Ok(loaded);
        }
        let manifest = records::stored_manifest(module, &version.manifest)?;
        let dependencies = records::version_dependencies(self.storage.connection(), module, &version.id).await?;
        let loaded = self.load_with_artifacts(manifest, version.component, dependencies, grants).await?;
        if hex::encode(loaded.content_hash()) != version.component_hash {
            return Err(InstallError::Corrupt {
                module: module.to_owned(),
                message: "the stored components do not hash to the version's recorded identity".to_owned(),
            });
        }
        self.remember(tenant, loaded.clone());
        Ok(loaded)
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
    /// Takes the write turn, starts a transaction and reads the install in
    /// it; `not-installed` when there is none. Keep the turn until the
    /// transaction ends.
    pub(super) async fn begin_on_install(
        &self,
        tenant: &TenantId,
        module: &str,
        what: &str,
    ) -> Result<(WriteTurn<'_>, DatabaseTransaction, records::StoredInstall), InstallError> {
        // The install is read, then changed: on SQLite the transaction must
        // hold the write lock from its start, or the change fails at once
        // under concurrent writes (see `Storage::begin_write`).
        let (turn, tx) = self
            .storage
            .begin_write()
            .await
            .map_err(StorageError::db(format!("starting the {what} transaction")))?;
        let stored = records::find_install(&tx, tenant, module)
            .await?
            .ok_or_else(|| not_installed(tenant, module))?;
        Ok((turn, tx, stored))
    }
}

fn not_installed(tenant: &TenantId, module: &str) -> InstallError {
    InstallError::NotInstalled {
        module: module.to_owned(),
        tenant: tenant.to_string(),
    }
}
