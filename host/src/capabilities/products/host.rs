//! Host side of `modgate:commerce/products`: op budget first, then the
//! tenant-scoped provider.

use crate::bindings::WitError;
use crate::bindings::modgate::commerce::products::Host;
use crate::bindings::modgate::commerce::types::Page;
use crate::capabilities::provider::{PageRequest, check_id, not_found};
use crate::engine::InvocationState;

use super::{Product, ProductCatalog};

impl Host for InvocationState {
    async fn list(&mut self, page: Page) -> Result<Vec<Product>, WitError> {
        self.take_op("products.list")?;
        let provider = self.provider::<dyn ProductCatalog>("products")?;
        provider
            .list(self.tenant(), PageRequest::capped(page))
            .await
            .map_err(|e| e.into_wit("products.list"))
    }

    async fn get(&mut self, id: String) -> Result<Product, WitError> {
        self.take_op("products.get")?;
        check_id("products.get", &id)?;
        let provider = self.provider::<dyn ProductCatalog>("products")?;
        match provider.get(self.tenant(), &id).await {
            Ok(Some(found)) => Ok(found),
            Ok(None) => Err(not_found("products.get", &id)),
            Err(e) => Err(e.into_wit("products.get")),
        }
    }
}
