//! What a host integrator implements to back `read:products`.

use crate::capabilities::provider::{PageRequest, ProviderError};
use crate::tenant::TenantId;

use super::Product;

/// The tenant-scoped product catalogue. Return only the fields of
/// [`Product`]: it is the whole of what modules may see.
#[async_trait::async_trait]
pub trait ProductCatalog: Send + Sync {
    /// Products of `tenant` in a stable order, windowed by `page`.
    async fn list(&self, tenant: &TenantId, page: PageRequest) -> Result<Vec<Product>, ProviderError>;

    /// One product of `tenant`, or `None` (also when another tenant has it).
    async fn get(&self, tenant: &TenantId, id: &str) -> Result<Option<Product>, ProviderError>;
}
