//! What a host integrator implements so modules can mail customers without
//! ever seeing an address: the `email` capability asks it when a module
//! calls `send-to-customer`, and the mail worker again just before sending.

use crate::capabilities::provider::ProviderError;
use crate::tenant::TenantId;

/// The tenant-scoped customer contact book. It knows what the module must
/// not: addresses, consent and erasure.
#[async_trait::async_trait]
pub trait CustomerContacts: Send + Sync {
    /// The address to email customer `customer_id` of `tenant` at, or
    /// `None` when there is no such customer, they opted out of email, or
    /// they were erased. The host treats the three alike, so a module
    /// cannot tell them apart.
    async fn reachable_address(&self, tenant: &TenantId, customer_id: &str) -> Result<Option<String>, ProviderError>;
}
