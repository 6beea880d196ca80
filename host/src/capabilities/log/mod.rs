//! `modgate:host/log`: always available, bounded (see `engine::module_log`).

mod host;

use wasmtime::component::{HasSelf, Linker};

use crate::bindings::modgate;
use crate::capabilities::{Availability, Capability};
use crate::engine::InvocationState;

/// The log capability.
#[derive(Debug, Clone, Copy)]
pub struct Log;

impl Capability for Log {
    fn name(&self) -> &'static str {
        "log"
    }

    fn availability(&self) -> Availability {
        Availability::Always
    }

    fn provides(&self, interface: &str) -> bool {
        interface == "modgate:host/log"
    }

    fn add_to_linker(&self, linker: &mut Linker<InvocationState>) -> wasmtime::Result<()> {
        modgate::host::log::add_to_linker::<_, HasSelf<_>>(linker, |s| s)
    }
}
