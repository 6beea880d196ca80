//! `modgate:commerce/orders` (permission `read:orders`): the tenant's orders, and whether a customer bought a product (a yes or no only).
//! The integrator supplies the data through [`OrderBook`]; without one every
//! call answers `not-available`.

mod host;
mod provider;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use wasmtime::component::Linker;

use crate::bindings::modgate;
use crate::engine::{Capability, InvocationFacts, InvocationState, ModuleFacts, Via};

pub use crate::bindings::modgate::commerce::orders::{Order, OrderLine, OrderStatus};
pub use provider::OrderBook;

/// The orders capability, built with the integrator's provider.
#[derive(Clone, Default)]
pub struct Orders {
    provider: Option<Arc<dyn OrderBook>>,
}

impl Orders {
    /// Serves `provider`'s data; `None`: every call answers `not-available`.
    pub fn new(provider: Option<Arc<dyn OrderBook>>) -> Self {
        Orders { provider }
    }
}

impl Capability for Orders {
    type PerModule = Option<Arc<dyn OrderBook>>;
    type PerInvocation = ();

    const NAME: &'static str = "orders";
    const INTERFACES: &'static [&'static str] = &["modgate:commerce/orders"];

    fn add_to_linker(linker: &mut Linker<InvocationState>) -> wasmtime::Result<()> {
        modgate::commerce::orders::add_to_linker::<_, Via<Self>>(linker, InvocationState::view::<Self>)
    }

    fn per_module(&self, _module: &ModuleFacts<'_>) -> Self::PerModule {
        self.provider.clone()
    }

    fn per_invocation(_module: &Self::PerModule, _invocation: &InvocationFacts<'_>) {}
}
