//! Host side of `modgate:commerce/orders`: op budget first, then the
//! tenant-scoped provider.

use crate::bindings::WitError;
use crate::bindings::modgate::commerce::orders::Host;
use crate::bindings::modgate::commerce::types::Page;
use crate::capabilities::provider::{PageRequest, check_id, not_found};
use crate::engine::InvocationState;

use super::{Order, OrderBook};

impl Host for InvocationState {
    async fn list(&mut self, page: Page) -> Result<Vec<Order>, WitError> {
        self.take_op("orders.list")?;
        let provider = self.provider::<dyn OrderBook>("orders")?;
        provider
            .list(self.tenant(), PageRequest::capped(page))
            .await
            .map_err(|e| e.into_wit("orders.list"))
    }

    async fn get(&mut self, id: String) -> Result<Order, WitError> {
        self.take_op("orders.get")?;
        check_id("orders.get", &id)?;
        let provider = self.provider::<dyn OrderBook>("orders")?;
        match provider.get(self.tenant(), &id).await {
            Ok(Some(found)) => Ok(found),
            Ok(None) => Err(not_found("orders.get", &id)),
            Err(e) => Err(e.into_wit("orders.get")),
        }
    }

    async fn has_purchased(&mut self, customer_id: String, product_id: String) -> Result<bool, WitError> {
        self.take_op("orders.has-purchased")?;
        check_id("orders.has-purchased", &customer_id)?;
        check_id("orders.has-purchased", &product_id)?;
        let provider = self.provider::<dyn OrderBook>("orders")?;
        provider
            .has_purchased(self.tenant(), &customer_id, &product_id)
            .await
            .map_err(|e| e.into_wit("orders.has-purchased"))
    }
}
