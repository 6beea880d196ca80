//! Host side of `modgate:commerce/orders`: op budget first, then the
//! tenant-scoped provider.

use crate::bindings::WitError;
use crate::bindings::modgate::commerce::orders::Host;
use crate::bindings::modgate::commerce::types::Page;
use crate::capabilities::provider::{PageRequest, check_id, not_found, provided};
use crate::engine::CapabilityView;

use super::{Order, Orders};

impl Host for CapabilityView<'_, Orders> {
    async fn list(&mut self, page: Page) -> Result<Vec<Order>, WitError> {
        self.core.take_op("orders.list")?;
        let provider = provided(self.module, "orders")?;
        provider
            .list(self.core.tenant(), PageRequest::capped(page))
            .await
            .map_err(|e| e.into_wit("orders.list"))
    }

    async fn get(&mut self, id: String) -> Result<Order, WitError> {
        self.core.take_op("orders.get")?;
        check_id("orders.get", &id)?;
        let provider = provided(self.module, "orders")?;
        match provider.get(self.core.tenant(), &id).await {
            Ok(Some(found)) => Ok(found),
            Ok(None) => Err(not_found("orders.get", &id)),
            Err(e) => Err(e.into_wit("orders.get")),
        }
    }

    async fn has_purchased(&mut self, customer_id: String, product_id: String) -> Result<bool, WitError> {
        self.core.take_op("orders.has-purchased")?;
        check_id("orders.has-purchased", &customer_id)?;
        check_id("orders.has-purchased", &product_id)?;
        let provider = provided(self.module, "orders")?;
        provider
            .has_purchased(self.core.tenant(), &customer_id, &product_id)
            .await
            .map_err(|e| e.into_wit("orders.has-purchased"))
    }
}
