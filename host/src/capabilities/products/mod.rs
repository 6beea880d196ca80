//! `modgate:commerce/products` (permission `read:products`): the tenant's catalogue as a field-limited view.
//! The integrator supplies the data through [`ProductCatalog`]; without one every
//! call answers `not-available`.

mod host;
mod provider;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use wasmtime::component::Linker;

use crate::bindings::modgate;
use crate::engine::{Capability, InvocationFacts, InvocationState, ModuleFacts, Via};

pub use crate::bindings::modgate::commerce::products::Product;
pub use provider::ProductCatalog;

/// The products capability, built with the integrator's provider.
#[derive(Clone, Default)]
pub struct Products {
    provider: Option<Arc<dyn ProductCatalog>>,
}

impl Products {
    /// Serves `provider`'s data; `None`: every call answers `not-available`.
    pub fn new(provider: Option<Arc<dyn ProductCatalog>>) -> Self {
        Products { provider }
    }
}

impl Capability for Products {
    type PerModule = Option<Arc<dyn ProductCatalog>>;
    type PerInvocation = ();

    const NAME: &'static str = "products";
    const INTERFACES: &'static [&'static str] = &["modgate:commerce/products"];

    fn add_to_linker(linker: &mut Linker<InvocationState>) -> wasmtime::Result<()> {
        modgate::commerce::products::add_to_linker::<_, Via<Self>>(linker, InvocationState::view::<Self>)
    }

    fn per_module(&self, _module: &ModuleFacts<'_>) -> Self::PerModule {
        self.provider.clone()
    }

    fn per_invocation(_module: &Self::PerModule, _invocation: &InvocationFacts<'_>) {}
}
