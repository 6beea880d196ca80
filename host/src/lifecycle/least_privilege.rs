//! The least-privilege report of an install: the permissions its manifest
//! declares against those its invocations used (`crate::usage`), with the
//! minimal `permissions` line, and for a module with dependency
//! components the same per component path. What `modgate audit` prints and
//! the admin API answers.

use super::{InstallError, Lifecycle, records};
use crate::tenant::TenantId;
use crate::usage::{LeastPrivilegeReport, least_privilege};

impl Lifecycle {
    /// The report over the last `window_days` days.
    pub async fn least_privilege(
        &self,
        tenant: &TenantId,
        module: &str,
        window_days: u32,
    ) -> Result<LeastPrivilegeReport, InstallError> {
        let Some(stored) = records::find_install(self.storage.connection(), tenant, module).await? else {
            return Err(InstallError::NotInstalled { module: module.to_owned(), tenant: tenant.to_string() });
        };
        let manifest = stored.manifest()?;
        let report = least_privilege(&self.storage, tenant, module, &manifest.permissions, window_days).await?;
        Ok(report.with_paths(&self.storage, tenant, &manifest).await?)
    }
}
