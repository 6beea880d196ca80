//! `modgate:host/log`: always available, bounded (see `engine::module_log`).

mod host;
#[cfg(test)]
mod tests;

use wasmtime::component::Linker;

use crate::bindings::modgate;
use crate::engine::{Capability, InvocationFacts, InvocationState, ModuleFacts, Via};

/// The log capability.
#[derive(Debug, Clone, Copy, Default)]
pub struct Log;

impl Capability for Log {
    type PerModule = ();
    type PerInvocation = ();

    const NAME: &'static str = "log";
    const INTERFACES: &'static [&'static str] = &["modgate:host/log"];

    fn add_to_linker(linker: &mut Linker<InvocationState>) -> wasmtime::Result<()> {
        modgate::host::log::add_to_linker::<_, Via<Self>>(linker, InvocationState::view::<Self>)
    }

    fn per_module(&self, _module: &ModuleFacts<'_>) {}

    fn per_invocation(_module: &(), _invocation: &InvocationFacts<'_>) {}
}
