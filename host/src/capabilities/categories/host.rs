//! Host side of `modgate:commerce/categories`: op budget first, then the
//! tenant-scoped provider.

use crate::bindings::WitError;
use crate::bindings::modgate::commerce::categories::Host;
use crate::bindings::modgate::commerce::types::Page;
use crate::capabilities::provider::{PageRequest, check_id, not_found};
use crate::engine::InvocationState;

use super::{Category, CategoryCatalog};

impl Host for InvocationState {
    async fn list(&mut self, page: Page) -> Result<Vec<Category>, WitError> {
        self.take_op("categories.list")?;
        let provider = self.provider::<dyn CategoryCatalog>("categories")?;
        provider
            .list(self.tenant(), PageRequest::capped(page))
            .await
            .map_err(|e| e.into_wit("categories.list"))
    }

    async fn get(&mut self, id: String) -> Result<Category, WitError> {
        self.take_op("categories.get")?;
        check_id("categories.get", &id)?;
        let provider = self.provider::<dyn CategoryCatalog>("categories")?;
        match provider.get(self.tenant(), &id).await {
            Ok(Some(found)) => Ok(found),
            Ok(None) => Err(not_found("categories.get", &id)),
            Err(e) => Err(e.into_wit("categories.get")),
        }
    }
}
