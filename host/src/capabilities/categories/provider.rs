//! What a host integrator implements to back `read:categories`.

use crate::capabilities::provider::{PageRequest, ProviderError};
use crate::tenant::TenantId;

use super::Category;

/// The tenant-scoped category tree.
#[async_trait::async_trait]
pub trait CategoryCatalog: Send + Sync {
    /// Categories of `tenant` in a stable order, windowed by `page`.
    async fn list(&self, tenant: &TenantId, page: PageRequest) -> Result<Vec<Category>, ProviderError>;

    /// One category of `tenant`, or `None`.
    async fn get(&self, tenant: &TenantId, id: &str) -> Result<Option<Category>, ProviderError>;
}
