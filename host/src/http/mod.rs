//! Serving modules over HTTP (axum/hyper): the bridge to each module's
//! `wasi:http/incoming-handler` under `/modules/<name>/`, and slot widgets.
//!
//! The units at the module boundary, each in its own file:
//! - [`identity`]: customer JWTs verified by the host (the module only
//!   sees the verified customer id);
//! - [`session`] and [`csrf`]: the integrator's own browser sessions,
//!   verified through its [`SessionResolver`], and the same-origin rule for
//!   state-changing requests they authenticate (`authentication.rs` puts
//!   tokens and sessions together);
//! - [`client_ip`] and [`rate_limit`]: who the client is (trusted proxies)
//!   and its token bucket;
//! - [`breaker`]: per-module circuit breaker;
//! - [`hygiene`]: headers stripped from requests, credentials refused in
//!   query strings, response headers dropped by class, and the sandboxing
//!   policy on everything a module serves;
//! - [`widgets`]: validation of slot widgets.

mod authentication;
pub mod breaker;
mod bridge;
pub mod client_ip;
mod config;
pub mod csrf;
mod error;
pub mod hygiene;
pub mod identity;
pub mod rate_limit;
mod routes;
mod serving;
pub mod session;
mod slots_api;
pub mod widgets;

pub use bridge::{HttpConfigError, ModuleBridge};
pub use config::HttpConfig;
pub use error::BridgeError;
pub use session::{SessionRefused, SessionResolver};
