//! WASI 0.2: clocks and random (always available, real) and the inert set
//! language runtimes import by habit (`wasi:io`, `wasi:cli`,
//! `wasi:filesystem`, `wasi:sockets`), linked from a context that grants
//! nothing (see `engine::state`). Any 0.2.x version links: wasmtime matches
//! 0.2.x imports against the 0.2 definitions it provides.

use wasmtime::component::Linker;

use crate::capabilities::{Availability, Capability};
use crate::contract::{WasiAccess, wasi_access};
use crate::engine::InvocationState;

/// The WASI capability.
#[derive(Debug, Clone, Copy)]
pub struct Wasi;

impl Capability for Wasi {
    fn name(&self) -> &'static str {
        "wasi"
    }

    fn availability(&self) -> Availability {
        Availability::Always
    }

    fn provides(&self, interface: &str) -> bool {
        // wasi:http/types is inert too, but wasmtime-wasi-http links it
        // (`capabilities::http_types`).
        !interface.starts_with("wasi:http/")
            && matches!(wasi_access(interface), Some(WasiAccess::Always | WasiAccess::Inert))
    }

    fn add_to_linker(&self, linker: &mut Linker<InvocationState>) -> wasmtime::Result<()> {
        wasmtime_wasi::p2::add_to_linker_async(linker)
    }
}
