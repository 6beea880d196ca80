//! The operator's outbound HTTP allowlist of an install: read it, change
//! it. A change is audited (entries with their credential's header and
//! secret *name*; a secret's value is never stored) and reaches serving
//! processes on their next refresh, like settings.

use sea_orm::{ActiveModelTrait, Set};

use super::{InstallError, Lifecycle, records};
use crate::capabilities::outbound::Allowlist;
use crate::storage::entities::install;
use crate::storage::{StorageError, now_rfc3339};
use crate::tenant::TenantId;

impl Lifecycle {
    /// The install's allowlist.
    pub async fn allowlist(&self, tenant: &TenantId, module: &str) -> Result<Allowlist, InstallError> {
        let install = records::find_install_row(self.storage.connection(), tenant, module)
            .await?
            .ok_or_else(|| InstallError::NotInstalled { module: module.to_owned(), tenant: tenant.to_string() })?;
        records::parse_allowlist(module, &install.outbound_allowlist)
    }

    /// Replaces the install's allowlist with what `change` makes of it, in
    /// one transaction; returns the new one.
    pub async fn change_allowlist(
        &self,
        tenant: &TenantId,
        module: &str,
        change: impl FnOnce(Allowlist) -> Result<Allowlist, InstallError>,
    ) -> Result<Allowlist, InstallError> {
        let (_turn, tx, stored) = self.begin_on_install(tenant, module, "allowlist change").await?;
        let current = records::parse_allowlist(module, &stored.install.outbound_allowlist)?;
        let changed = change(current)?;
        let mut update: install::ActiveModel = stored.install.into();
        update.outbound_allowlist = Set(records::allowlist_json(&changed));
        update.updated_at = Set(now_rfc3339());
        update
            .update(&tx)
            .await
            .map_err(StorageError::db(format!("changing the allowlist of {module}")))?;
        records::audit(&tx, tenant, module, "allowlist", serde_json::json!({ "outbound-allowlist": changed })).await?;
        tx.commit().await.map_err(StorageError::db("committing the allowlist change"))?;
        Ok(changed)
    }
}
