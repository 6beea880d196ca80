//! Serving modules over HTTP (axum/hyper): the bridge to each module's
//! `wasi:http/incoming-handler` under `/modules/<name>/`, and slot widgets.
//!
//! Where to start: [`ModuleBridge`] (`bridge.rs`) is what an integrator
//! builds and serves; `pipeline/` is the way a request takes through it,
//! one step per file in the order of `docs/http.md`, and `pipeline/mod.rs`
//! lists that order in one short function.
//!
//! The concerns the steps use, each in its own file:
//! - `tenants.rs`: which tenant a `Host` is;
//! - [`identity`]: customer JWTs verified by the host (the module only
//!   sees the verified customer id);
//! - [`session`] and [`csrf`]: the integrator's own browser sessions,
//!   verified through its [`SessionResolver`], and the same-origin rule for
//!   state-changing requests they authenticate (`authentication.rs` puts
//!   tokens and sessions together);
//! - [`client_ip`] and [`rate_limit`]: who the client is (trusted proxies)
//!   and its token bucket;
//! - `routes.rs` and `serving.rs`: the approved routes of an install, and
//!   what this process keeps per install (the loaded module, its routes, its
//!   [circuit breaker](crate::breaker));
//! - [`hygiene`]: headers stripped from requests, credentials refused in
//!   query strings, response headers dropped by class, and the sandboxing
//!   policy on everything a module serves;
//! - `error.rs`: [`BridgeError`], every refusal as a status and a stable
//!   code, turned into a response in one place;
//! - [`widgets`] and `slots_api.rs`: slot widgets, validated.

mod authentication;
mod bridge;
pub mod client_ip;
mod config;
pub mod csrf;
mod error;
pub mod hygiene;
pub mod identity;
mod pipeline;
pub mod rate_limit;
mod routes;
mod serving;
pub mod session;
mod slots_api;
mod tenants;
pub mod widgets;

pub use bridge::ModuleBridge;
pub use config::{HttpConfig, HttpConfigError};
pub use error::BridgeError;
pub use session::{SessionRefused, SessionResolver};
