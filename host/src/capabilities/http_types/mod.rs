//! `wasi:http/types`: the request and response types a serving module
//! needs. Inert on its own (always linked): it defines resources, it cannot
//! reach the network. Sending requests is `wasi:http/outgoing-handler`, the
//! `http:outbound` capability, which this does not link. Every object a
//! guest creates through it is charged to the invocation's memory
//! ([`accounted`]).

pub mod accounted;

use wasmtime::component::Linker;
use wasmtime_wasi_http::p2::bindings::{LinkOptions, http::types};

use accounted::AccountedHttp;

use crate::capabilities::{Availability, Capability};
use crate::engine::InvocationState;

/// The `wasi:http/types` capability.
#[derive(Debug, Clone, Copy)]
pub struct HttpTypes;

impl Capability for HttpTypes {
    fn name(&self) -> &'static str {
        "wasi-http-types"
    }

    fn availability(&self) -> Availability {
        Availability::Always
    }

    fn provides(&self, interface: &str) -> bool {
        // Names arrive without their version; wasmtime links any 0.2.x.
        interface.split('@').next() == Some("wasi:http/types")
    }

    fn add_to_linker(&self, linker: &mut Linker<InvocationState>) -> wasmtime::Result<()> {
        types::add_to_linker::<_, AccountedHttp>(linker, &LinkOptions::default().into(), |state| {
            state.accounted_http_view()
        })
    }
}
