//! Host side of `modgate:commerce/customers`: op budget first, then the
//! tenant-scoped provider.

use crate::bindings::WitError;
use crate::bindings::modgate::commerce::customers::Host;
use crate::bindings::modgate::commerce::types::Page;
use crate::capabilities::provider::{PageRequest, check_id, not_found};
use crate::engine::InvocationState;

use super::{Customer, CustomerDirectory};

impl Host for InvocationState {
    async fn list(&mut self, page: Page) -> Result<Vec<Customer>, WitError> {
        self.take_op("customers.list")?;
        let provider = self.provider::<dyn CustomerDirectory>("customers")?;
        provider
            .list(self.tenant(), PageRequest::capped(page))
            .await
            .map_err(|e| e.into_wit("customers.list"))
    }

    async fn get(&mut self, id: String) -> Result<Customer, WitError> {
        self.take_op("customers.get")?;
        check_id("customers.get", &id)?;
        let provider = self.provider::<dyn CustomerDirectory>("customers")?;
        match provider.get(self.tenant(), &id).await {
            Ok(Some(found)) => Ok(found),
            Ok(None) => Err(not_found("customers.get", &id)),
            Err(e) => Err(e.into_wit("customers.get")),
        }
    }
}
