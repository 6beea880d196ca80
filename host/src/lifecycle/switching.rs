//! Enabling and disabling an install: a disabled module is never invoked
//! (its routes answer 404, its slots render nothing, its hooks are skipped
//! and its event deliveries wait) but keeps its tables, settings and
//! approvals for when it is enabled again.

use sea_orm::{ActiveModelTrait, Set};

use super::{InstallError, Lifecycle, records};
use crate::storage::entities::install;
use crate::storage::{StorageError, now_rfc3339};
use crate::tenant::TenantId;

impl Lifecycle {
    /// Enables or disables `module` for `tenant`; serving processes follow
    /// on their next refresh. Returns whether anything changed (setting the
    /// state it already has is not an error, and is not audited).
    pub async fn set_enabled(&self, tenant: &TenantId, module: &str, enabled: bool) -> Result<bool, InstallError> {
        let what = if enabled { "enable" } else { "disable" };
        let (_turn, tx, stored) = self.begin_on_install(tenant, module, what).await?;
        if stored.install.enabled == enabled {
            return Ok(false);
        }
        let mut update: install::ActiveModel = stored.install.into();
        update.enabled = Set(enabled);
        update.updated_at = Set(now_rfc3339());
        update.update(&tx).await.map_err(StorageError::db(format!("{what} {module}")))?;
        records::audit(&tx, tenant, module, what, serde_json::json!({})).await?;
        tx.commit().await.map_err(StorageError::db(format!("committing {what} of {module}")))?;
        Ok(true)
    }
}
