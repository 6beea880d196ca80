//! Changing an install's settings: the same version is installed again with
//! the new settings, so they are validated against the module's JSON Schema
//! and the module's `activate` sees them — all or nothing, like an install.

use super::install::{InstallRequest, Takeover};
use super::{InstallError, InstallOutcome, Lifecycle, ModuleSource, records};
use crate::tenant::TenantId;

impl Lifecycle {
    /// Replaces the settings of `module` for `tenant` (validated by the
    /// module's schema; defaults filled in), then runs its `activate` with
    /// them. Grants, acknowledgements, the allowlist and approvals stay.
    pub async fn change_settings(
        &self,
        tenant: &TenantId,
        module: &str,
        settings: serde_json::Value,
    ) -> Result<InstallOutcome, InstallError> {
        let Some(stored) = records::find_install(self.storage.connection(), tenant, module).await? else {
            return Err(InstallError::NotInstalled { module: module.to_owned(), tenant: tenant.to_string() });
        };
        let grants = records::parse_permissions(module, &stored.install.granted)?;
        let acknowledged = records::parse_permissions(module, &stored.install.acknowledged)?;
        let dependencies = records::version_dependencies(self.storage.connection(), module, &stored.version.id).await?;
        let request = InstallRequest {
            source: ModuleSource { dependencies, ..ModuleSource::new(stored.version.manifest, stored.version.component) },
            tenant: tenant.clone(),
            // Acknowledged when they were granted; nothing new is granted.
            acknowledge_risk: grants.iter().filter(|p| p.requires_acknowledgement()).all(|p| acknowledged.contains(p)),
            grants: Some(grants),
            allow_destructive: false,
            settings: Some(settings),
            allowlist: None,
        };
        self.install_recorded(request, Some("settings"), Takeover::AtOnce).await
    }
}
