//! Host side of `modgate:commerce/products`: op budget first, then the
//! tenant-scoped provider.

use crate::bindings::WitError;
use crate::bindings::modgate::commerce::products::Host;
use crate::bindings::modgate::commerce::types::Page;
use crate::capabilities::provider::{PageRequest, check_id, not_found, provided};
use crate::engine::CapabilityView;

use super::{Product, Products};

impl Host for CapabilityView<'_, Products> {
    async fn list(&mut self, page: Page) -> Result<Vec<Product>, WitError> {
        self.core.take_op("products.list")?;
        let provider = provided(self.module, "products")?;
        provider
            .list(self.core.tenant(), PageRequest::capped(page))
            .await
            .map_err(|e| e.into_wit("products.list"))
    }

    async fn get(&mut self, id: String) -> Result<Product, WitError> {
        self.core.take_op("products.get")?;
        check_id("products.get", &id)?;
        let provider = provided(self.module, "products")?;
        match provider.get(self.core.tenant(), &id).await {
            Ok(Some(found)) => Ok(found),
            Ok(None) => Err(not_found("products.get", &id)),
            Err(e) => Err(e.into_wit("products.get")),
        }
    }
}
