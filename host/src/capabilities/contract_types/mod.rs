//! The type-only interfaces of the contracts (`modgate:host/types`,
//! `modgate:commerce/types`, `modgate:commerce/core-events`): always available, nothing to call.

#[cfg(test)]
mod tests;

use wasmtime::component::Linker;

use crate::bindings::modgate;
use crate::engine::{Capability, CapabilityView, InvocationFacts, InvocationState, ModuleFacts, Via};

/// The shared-types capability.
#[derive(Debug, Clone, Copy, Default)]
pub struct ContractTypes;

impl modgate::host::types::Host for CapabilityView<'_, ContractTypes> {}
impl modgate::commerce::types::Host for CapabilityView<'_, ContractTypes> {}
impl modgate::commerce::core_events::Host for CapabilityView<'_, ContractTypes> {}

impl Capability for ContractTypes {
    type PerModule = ();
    type PerInvocation = ();

    const NAME: &'static str = "types";
    const INTERFACES: &'static [&'static str] = &["modgate:host/types", "modgate:commerce/types", "modgate:commerce/core-events"];

    fn add_to_linker(linker: &mut Linker<InvocationState>) -> wasmtime::Result<()> {
        modgate::host::types::add_to_linker::<_, Via<Self>>(linker, InvocationState::view::<Self>)?;
        modgate::commerce::types::add_to_linker::<_, Via<Self>>(linker, InvocationState::view::<Self>)?;
        modgate::commerce::core_events::add_to_linker::<_, Via<Self>>(linker, InvocationState::view::<Self>)
    }

    fn per_module(&self, _module: &ModuleFacts<'_>) {}

    fn per_invocation(_module: &(), _invocation: &InvocationFacts<'_>) {}
}
