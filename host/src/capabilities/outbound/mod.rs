//! `wasi:http/outgoing-handler` (permission `http:outbound`, acknowledged
//! by the operator at install): a module sends HTTP requests with its
//! language's ordinary wasi:http client, and the host decides where they
//! may go.
//!
//! Every request costs one op and passes, in order, before any byte leaves
//! the host:
//!
//! 1. the destination ([`target`]): `http` or `https`, no user information,
//!    the host normalised whatever notation it was written in;
//! 2. the operator's [`Allowlist`] for this (module, tenant): the most
//!    specific entry for the host that allows the port, else refused — no
//!    name outside the allowlist is even looked up;
//! 3. the in-flight cap per module;
//! 4. the credential: the entry's secret replaces whatever the module put
//!    in that header ([`secrets`]);
//! 5. one lookup ([`resolve`]), and **every** address it gave must be
//!    globally reachable or inside an exception of the entry ([`ranges`]);
//! 6. the connection goes to those checked addresses — never to a second
//!    lookup's — and TLS verifies the host *name* ([`exchange`]).
//!
//! Redirects come back to the module as they are; each new request starts
//! at step 1. Refusals reach the guest as wasi:http error codes
//! (`HTTP-request-denied` for the allowlist and the guard) with one module
//! log line naming the rule; the line never shows an address a name
//! resolved to. Bounds are [`OutboundLimits`].

pub mod allowlist;
mod body;
mod exchange;
pub mod ranges;
pub mod resolve;
pub mod secrets;
mod send;
pub mod target;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::{Duration, Instant};

use std::sync::OnceLock;

use wasmtime::component::Linker;
use wasmtime_wasi_http::p2::bindings::http::outgoing_handler;
use wasmtime_wasi_http::{WasiHttp, WasiHttpCtx, WasiHttpCtxView};

use crate::engine::{Capability, CapabilityView, InvocationFacts, InvocationState, ModuleFacts};
use send::GuardedSender;

pub use allowlist::{Allowlist, AllowlistEntry, AllowlistError, Credential, HostPattern};
pub use resolve::{Resolve, StaticResolver, SystemResolver};
pub use secrets::{EnvSecrets, SecretStore, SecretValue, StaticSecrets};

/// What bounds a module's outbound requests. Every knob has a default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboundLimits {
    /// For the name lookup, the TCP connection and the TLS handshake, each.
    /// Default 5 s.
    pub connect_timeout: Duration,
    /// From the request being handed over to the response's last byte,
    /// and never past the invocation's deadline. Default 30 s.
    pub total_timeout: Duration,
    /// Largest request body. Default 1 MiB.
    pub max_request_body_bytes: u64,
    /// Largest response body. Default 4 MiB.
    pub max_response_body_bytes: u64,
    /// Largest response status line and headers. Default 64 KiB (at
    /// least 8 KiB).
    pub max_response_head_bytes: usize,
    /// Requests of one module (per tenant) in flight at once. Default 8.
    pub max_in_flight_per_module: usize,
}

impl Default for OutboundLimits {
    fn default() -> Self {
        OutboundLimits {
            connect_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(30),
            max_request_body_bytes: 1 << 20,
            max_response_body_bytes: 4 << 20,
            max_response_head_bytes: 64 << 10,
            max_in_flight_per_module: 8,
        }
    }
}

/// What every module's requests share: the bounds, the resolver, the
/// secrets and the TLS configuration.
pub(crate) struct Shared {
    limits: OutboundLimits,
    resolver: Arc<dyn Resolve>,
    secrets: Arc<dyn SecretStore>,
    tls: Arc<rustls::ClientConfig>,
}

/// The `http:outbound` capability.
#[derive(Clone)]
pub struct Outbound {
    shared: Arc<Shared>,
}

impl Default for Outbound {
    fn default() -> Self {
        Outbound::new(OutboundLimits::default())
    }
}

impl Outbound {
    /// Bounded by `limits`; names resolved by the system, secrets from the
    /// environment ([`EnvSecrets`]), TLS trusting the Mozilla roots.
    pub fn new(limits: OutboundLimits) -> Self {
        let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.into() };
        Outbound {
            shared: Arc::new(Shared {
                limits,
                resolver: Arc::new(SystemResolver),
                secrets: Arc::new(EnvSecrets),
                tls: tls_config(roots),
            }),
        }
    }

    /// Resolves names with `resolver` instead.
    pub fn with_resolver(self, resolver: impl Resolve + 'static) -> Self {
        self.rebuilt(|shared| shared.resolver = Arc::new(resolver))
    }

    /// Takes secret values from `secrets` instead.
    pub fn with_secrets(self, secrets: impl SecretStore + 'static) -> Self {
        self.rebuilt(|shared| shared.secrets = Arc::new(secrets))
    }

    /// Trusts `roots` for TLS instead of the Mozilla roots.
    pub fn with_tls_roots(self, roots: rustls::RootCertStore) -> Self {
        self.rebuilt(|shared| shared.tls = tls_config(roots))
    }

    /// Its bounds.
    pub fn limits(&self) -> OutboundLimits {
        self.shared.limits
    }

    fn rebuilt(self, change: impl FnOnce(&mut Shared)) -> Self {
        let mut shared = Shared {
            limits: self.shared.limits,
            resolver: self.shared.resolver.clone(),
            secrets: self.shared.secrets.clone(),
            tls: self.shared.tls.clone(),
        };
        change(&mut shared);
        Outbound { shared: Arc::new(shared) }
    }
}

/// HTTP/1.1 only (the connection is made by hand, to the checked address),
/// with the ring provider the rest of the host uses.
fn tls_config(roots: rustls::RootCertStore) -> Arc<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Arc::new(config)
}

/// What the capability keeps per loaded module (one per install): the
/// shared services and the module's in-flight cap.
pub struct OutboundOfModule {
    shared: Arc<Shared>,
    in_flight: Arc<tokio::sync::Semaphore>,
}

/// What it keeps per invocation: the operator's allowlist (handed along by
/// whoever invokes, [`crate::lifecycle::InstallInputs`]; none = refuse
/// all), the deadline, wasmtime-wasi-http's context, and the sender once
/// the first request needs it.
pub struct OutboundSession {
    allowlist: Arc<Allowlist>,
    deadline: Option<Instant>,
    ctx: WasiHttpCtx,
    sender: Option<GuardedSender>,
}

impl Default for OutboundSession {
    fn default() -> Self {
        OutboundSession { allowlist: Arc::new(Allowlist::default()), deadline: None, ctx: WasiHttpCtx::new(), sender: None }
    }
}

impl Capability for Outbound {
    type PerModule = OutboundOfModule;
    type PerInvocation = OutboundSession;

    const NAME: &'static str = "outbound";
    const INTERFACES: &'static [&'static str] = &["wasi:http/outgoing-handler"];

    fn add_to_linker(linker: &mut Linker<InvocationState>) -> wasmtime::Result<()> {
        // wasmtime-wasi-http's own `handle` builds the request from the
        // guest's resources; the guarded sender decides what happens to it.
        outgoing_handler::add_to_linker::<_, WasiHttp>(linker, http_view)
    }

    fn per_module(&self, _module: &ModuleFacts<'_>) -> OutboundOfModule {
        OutboundOfModule {
            shared: self.shared.clone(),
            in_flight: Arc::new(tokio::sync::Semaphore::new(self.shared.limits.max_in_flight_per_module)),
        }
    }

    fn per_invocation(_module: &OutboundOfModule, invocation: &InvocationFacts<'_>) -> OutboundSession {
        OutboundSession {
            allowlist: Arc::new(invocation.extensions.get::<Allowlist>().cloned().unwrap_or_default()),
            deadline: Some(invocation.deadline),
            ctx: WasiHttpCtx::new(),
            sender: None,
        }
    }
}

/// wasmtime-wasi-http's view of the invocation, with this invocation's
/// guarded sender as its hooks (made on the first request: it takes ops
/// from the invocation's budget and writes to its log).
fn http_view(state: &mut InvocationState) -> WasiHttpCtxView<'_> {
    let CapabilityView { core, module, state } = state.view::<Outbound>();
    let module = module.unwrap_or_else(|| unlinked());
    let OutboundSession { allowlist, deadline, ctx, sender } = state;
    let sender = sender.get_or_insert_with(|| GuardedSender::new(module, allowlist.clone(), *deadline, core));
    WasiHttpCtxView { ctx, table: &mut core.table, hooks: sender }
}

/// The per-module state of a module the capability is not linked for —
/// which no guest can reach (the linker and the states come from the same
/// grants) — refusing everything like an empty allowlist.
fn unlinked() -> &'static OutboundOfModule {
    static UNLINKED: OnceLock<OutboundOfModule> = OnceLock::new();
    UNLINKED.get_or_init(|| {
        let outbound = Outbound::default();
        OutboundOfModule { shared: outbound.shared, in_flight: Arc::new(tokio::sync::Semaphore::new(0)) }
    })
}
