//! `modgate:commerce/categories` (permission `read:categories`): the tenant's categories as a field-limited view.
//! The integrator supplies the data through [`CategoryCatalog`]; without one every
//! call answers `not-available`.

mod host;
mod provider;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use wasmtime::component::Linker;

use crate::bindings::modgate;
use crate::engine::{Capability, InvocationFacts, InvocationState, ModuleFacts, Via};

pub use crate::bindings::modgate::commerce::categories::Category;
pub use provider::CategoryCatalog;

/// The categories capability, built with the integrator's provider.
#[derive(Clone, Default)]
pub struct Categories {
    provider: Option<Arc<dyn CategoryCatalog>>,
}

impl Categories {
    /// Serves `provider`'s data; `None`: every call answers `not-available`.
    pub fn new(provider: Option<Arc<dyn CategoryCatalog>>) -> Self {
        Categories { provider }
    }
}

impl Capability for Categories {
    type PerModule = Option<Arc<dyn CategoryCatalog>>;
    type PerInvocation = ();

    const NAME: &'static str = "categories";
    const INTERFACES: &'static [&'static str] = &["modgate:commerce/categories"];

    fn add_to_linker(linker: &mut Linker<InvocationState>) -> wasmtime::Result<()> {
        modgate::commerce::categories::add_to_linker::<_, Via<Self>>(linker, InvocationState::view::<Self>)
    }

    fn per_module(&self, _module: &ModuleFacts<'_>) -> Self::PerModule {
        self.provider.clone()
    }

    fn per_invocation(_module: &Self::PerModule, _invocation: &InvocationFacts<'_>) {}
}
