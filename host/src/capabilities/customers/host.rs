//! Host side of `modgate:commerce/customers`: op budget first, then the
//! tenant-scoped provider.

use crate::bindings::WitError;
use crate::bindings::modgate::commerce::customers::Host;
use crate::bindings::modgate::commerce::types::Page;
use crate::capabilities::provider::{PageRequest, check_id, not_found, provided};
use crate::engine::CapabilityView;

use super::{Customer, Customers};

impl Host for CapabilityView<'_, Customers> {
    async fn list(&mut self, page: Page) -> Result<Vec<Customer>, WitError> {
        self.core.take_op("customers.list")?;
        let provider = provided(self.module, "customers")?;
        provider
            .list(self.core.tenant(), PageRequest::capped(page))
            .await
            .map_err(|e| e.into_wit("customers.list"))
    }

    async fn get(&mut self, id: String) -> Result<Customer, WitError> {
        self.core.take_op("customers.get")?;
        check_id("customers.get", &id)?;
        let provider = provided(self.module, "customers")?;
        match provider.get(self.core.tenant(), &id).await {
            Ok(Some(found)) => Ok(found),
            Ok(None) => Err(not_found("customers.get", &id)),
            Err(e) => Err(e.into_wit("customers.get")),
        }
    }
}
