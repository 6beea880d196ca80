//! `modgate:commerce/orders` (permission `read:orders`): the tenant's orders, read-only, and the yes/no has-purchased.

mod host;
mod provider;

use modgate_manifest::Permission;
use wasmtime::component::{HasSelf, Linker};

use crate::bindings::modgate;
use crate::capabilities::{Availability, Capability};
use crate::engine::InvocationState;

pub use crate::bindings::modgate::commerce::orders::{Order, OrderLine, OrderStatus};
pub use provider::OrderBook;

/// The orders capability.
#[derive(Debug, Clone, Copy)]
pub struct Orders;

impl Capability for Orders {
    fn name(&self) -> &'static str {
        "orders"
    }

    fn availability(&self) -> Availability {
        Availability::Granted(Permission::ReadOrders)
    }

    fn provides(&self, interface: &str) -> bool {
        interface == "modgate:commerce/orders"
    }

    fn add_to_linker(&self, linker: &mut Linker<InvocationState>) -> wasmtime::Result<()> {
        modgate::commerce::orders::add_to_linker::<_, HasSelf<_>>(linker, |s| s)
    }
}
