//! What a host integrator implements to back `read:orders`.

use crate::capabilities::provider::{PageRequest, ProviderError};
use crate::tenant::TenantId;

use super::Order;

/// The tenant-scoped order book, read-only.
#[async_trait::async_trait]
pub trait OrderBook: Send + Sync {
    /// Orders of `tenant`, newest first, windowed by `page`.
    async fn list(&self, tenant: &TenantId, page: PageRequest) -> Result<Vec<Order>, ProviderError>;

    /// One order of `tenant`, or `None`.
    async fn get(&self, tenant: &TenantId, id: &str) -> Result<Option<Order>, ProviderError>;

    /// Whether `customer_id` has a paid (or later) order of `tenant`
    /// containing `product_id`.
    async fn has_purchased(
        &self,
        tenant: &TenantId,
        customer_id: &str,
        product_id: &str,
    ) -> Result<bool, ProviderError>;
}
