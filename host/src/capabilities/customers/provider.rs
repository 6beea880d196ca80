//! What a host integrator implements to back `read:customers`.

use crate::capabilities::provider::{PageRequest, ProviderError};
use crate::tenant::TenantId;

use super::Customer;

/// The tenant-scoped customer directory. [`Customer`] has no email or other
/// personal data by construction.
#[async_trait::async_trait]
pub trait CustomerDirectory: Send + Sync {
    /// Customers of `tenant` in a stable order, windowed by `page`.
    async fn list(&self, tenant: &TenantId, page: PageRequest) -> Result<Vec<Customer>, ProviderError>;

    /// One customer of `tenant`, or `None`.
    async fn get(&self, tenant: &TenantId, id: &str) -> Result<Option<Customer>, ProviderError>;
}
