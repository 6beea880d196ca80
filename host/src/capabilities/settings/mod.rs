//! `modgate:host/settings`: always available, in every context. The
//! caller of each invocation hands the install's current settings along
//! ([`InstallSettings`]: the lifecycle at activation, the HTTP bridge and
//! the event worker from the install record they refresh), so a change the
//! operator makes reaches the module's next invocation.

mod host;
#[cfg(test)]
mod tests;

use wasmtime::component::Linker;

use crate::bindings::modgate;
use crate::engine::{Capability, InstallSettings, InvocationFacts, InvocationState, ModuleFacts, Via};

/// The settings capability.
#[derive(Debug, Clone, Copy, Default)]
pub struct Settings;

/// The settings of the invocation's install.
#[derive(Debug, Default)]
pub struct SettingsOfInvocation {
    settings: Option<InstallSettings>,
}

impl Capability for Settings {
    type PerModule = ();
    type PerInvocation = SettingsOfInvocation;

    const NAME: &'static str = "settings";
    const INTERFACES: &'static [&'static str] = &["modgate:host/settings"];

    fn add_to_linker(linker: &mut Linker<InvocationState>) -> wasmtime::Result<()> {
        modgate::host::settings::add_to_linker::<_, Via<Self>>(linker, InvocationState::view::<Self>)
    }

    fn per_module(&self, _module: &ModuleFacts<'_>) {}

    fn per_invocation(_module: &(), invocation: &InvocationFacts<'_>) -> SettingsOfInvocation {
        SettingsOfInvocation {
            settings: invocation.extensions.get::<InstallSettings>().cloned(),
        }
    }
}
