//! The type-only interfaces of the contracts (`modgate:host/types`,
//! `modgate:commerce/types`): always available, nothing to call.

use wasmtime::component::{HasSelf, Linker};

use crate::bindings::modgate;
use crate::capabilities::{Availability, Capability};
use crate::engine::InvocationState;

/// The shared-types capability.
#[derive(Debug, Clone, Copy)]
pub struct ContractTypes;

impl modgate::host::types::Host for InvocationState {}
impl modgate::commerce::types::Host for InvocationState {}

impl Capability for ContractTypes {
    fn name(&self) -> &'static str {
        "types"
    }

    fn availability(&self) -> Availability {
        Availability::Always
    }

    fn provides(&self, interface: &str) -> bool {
        matches!(interface, "modgate:host/types" | "modgate:commerce/types")
    }

    fn add_to_linker(&self, linker: &mut Linker<InvocationState>) -> wasmtime::Result<()> {
        modgate::host::types::add_to_linker::<_, HasSelf<_>>(linker, |s| s)?;
        modgate::commerce::types::add_to_linker::<_, HasSelf<_>>(linker, |s| s)
    }
}
