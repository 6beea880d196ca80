//! Host side of `modgate:commerce/categories`: op budget first, then the
//! tenant-scoped provider.

use crate::bindings::WitError;
use crate::bindings::modgate::commerce::categories::Host;
use crate::bindings::modgate::commerce::types::Page;
use crate::capabilities::provider::{PageRequest, check_id, not_found, provided};
use crate::engine::CapabilityView;

use super::{Category, Categories};

impl Host for CapabilityView<'_, Categories> {
    async fn list(&mut self, page: Page) -> Result<Vec<Category>, WitError> {
        self.core.take_op("categories.list")?;
        let provider = provided(self.module, "categories")?;
        provider
            .list(self.core.tenant(), PageRequest::capped(page))
            .await
            .map_err(|e| e.into_wit("categories.list"))
    }

    async fn get(&mut self, id: String) -> Result<Category, WitError> {
        self.core.take_op("categories.get")?;
        check_id("categories.get", &id)?;
        let provider = provided(self.module, "categories")?;
        match provider.get(self.core.tenant(), &id).await {
            Ok(Some(found)) => Ok(found),
            Ok(None) => Err(not_found("categories.get", &id)),
            Err(e) => Err(e.into_wit("categories.get")),
        }
    }
}
