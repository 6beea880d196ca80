//! `modgate:commerce/customers` (permission `read:customers`): the tenant's customers without email or other personal data.
//! The integrator supplies the data through [`CustomerDirectory`]; without one every
//! call answers `not-available`.

mod host;
mod provider;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use wasmtime::component::Linker;

use crate::bindings::modgate;
use crate::engine::{Capability, InvocationFacts, InvocationState, ModuleFacts, Via};

pub use crate::bindings::modgate::commerce::customers::Customer;
pub use provider::CustomerDirectory;

/// The customers capability, built with the integrator's provider.
#[derive(Clone, Default)]
pub struct Customers {
    provider: Option<Arc<dyn CustomerDirectory>>,
}

impl Customers {
    /// Serves `provider`'s data; `None`: every call answers `not-available`.
    pub fn new(provider: Option<Arc<dyn CustomerDirectory>>) -> Self {
        Customers { provider }
    }
}

impl Capability for Customers {
    type PerModule = Option<Arc<dyn CustomerDirectory>>;
    type PerInvocation = ();

    const NAME: &'static str = "customers";
    const INTERFACES: &'static [&'static str] = &["modgate:commerce/customers"];

    fn add_to_linker(linker: &mut Linker<InvocationState>) -> wasmtime::Result<()> {
        modgate::commerce::customers::add_to_linker::<_, Via<Self>>(linker, InvocationState::view::<Self>)
    }

    fn per_module(&self, _module: &ModuleFacts<'_>) -> Self::PerModule {
        self.provider.clone()
    }

    fn per_invocation(_module: &Self::PerModule, _invocation: &InvocationFacts<'_>) {}
}
