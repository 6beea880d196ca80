//! `wasi:http/types`: the request and response types a serving module
//! needs. Inert on its own (always linked): it defines resources, it cannot
//! reach the network. Sending requests is `wasi:http/outgoing-handler`, the
//! `http:outbound` capability, which this does not link. Every object a
//! guest creates through it is charged to the invocation's memory
//! ([`accounted`]). Per invocation it keeps wasmtime-wasi-http's context
//! and hooks.

pub mod accounted;
#[cfg(test)]
mod tests;

use wasmtime::component::Linker;
use wasmtime_wasi_http::p2::bindings::{LinkOptions, http::types};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView};

use crate::engine::{Capability, CapabilityView, InvocationFacts, InvocationState, ModuleFacts, NoOutboundHooks};
use accounted::{AccountedHttp, AccountedHttpView};

/// What bounds the objects a module builds. Every knob has a default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpTypesConfig {
    /// Largest header map (`fields`) a guest may build, in wasmtime's
    /// in-memory measure; past it `set`/`append` answer `header-error`.
    /// Default 64 KiB.
    pub max_fields_bytes: usize,
    /// Largest single write to a body stream (one such chunk is buffered
    /// per body). Default 64 KiB.
    pub body_chunk_bytes: usize,
}

impl Default for HttpTypesConfig {
    fn default() -> Self {
        HttpTypesConfig {
            max_fields_bytes: 64 << 10,
            body_chunk_bytes: 64 << 10,
        }
    }
}

/// The `wasi:http/types` capability.
#[derive(Debug, Clone, Copy, Default)]
pub struct HttpTypes {
    config: HttpTypesConfig,
}

impl HttpTypes {
    /// `wasi:http/types` bounded by `config`.
    pub fn new(config: HttpTypesConfig) -> Self {
        HttpTypes { config }
    }
}

/// What it keeps per invocation: wasmtime-wasi-http's context and hooks.
pub struct HttpState {
    ctx: WasiHttpCtx,
    hooks: NoOutboundHooks,
}

impl HttpState {
    fn new(config: &HttpTypesConfig) -> Self {
        let mut ctx = WasiHttpCtx::new();
        ctx.set_field_size_limit(config.max_fields_bytes);
        HttpState {
            ctx,
            hooks: NoOutboundHooks {
                body_chunk_bytes: config.body_chunk_bytes,
            },
        }
    }
}

impl Default for HttpState {
    fn default() -> Self {
        HttpState::new(&HttpTypesConfig::default())
    }
}

impl Capability for HttpTypes {
    type PerModule = HttpTypesConfig;
    type PerInvocation = HttpState;

    const NAME: &'static str = "wasi-http-types";
    const INTERFACES: &'static [&'static str] = &["wasi:http/types"];

    fn add_to_linker(linker: &mut Linker<InvocationState>) -> wasmtime::Result<()> {
        types::add_to_linker::<_, AccountedHttp>(linker, &LinkOptions::default().into(), |state| {
            accounted_view(state.view::<HttpTypes>())
        })
    }

    fn per_module(&self, _module: &ModuleFacts<'_>) -> HttpTypesConfig {
        self.config
    }

    fn per_invocation(config: &HttpTypesConfig, _invocation: &InvocationFacts<'_>) -> HttpState {
        HttpState::new(config)
    }
}

/// The view the guest's calls run on: wasmtime-wasi-http's, over the
/// store's table, with the invocation's memory to charge.
fn accounted_view(view: CapabilityView<'_, HttpTypes>) -> AccountedHttpView<'_> {
    let CapabilityView { core, state, .. } = view;
    let body_buffer_bytes = state.hooks.body_chunk_bytes.saturating_mul(2);
    let memory = core.limiter.memory().as_ref();
    AccountedHttpView {
        inner: WasiHttpCtxView {
            ctx: &mut state.ctx,
            table: &mut core.table,
            hooks: &mut state.hooks,
        },
        memory,
        body_buffer_bytes,
    }
}
