//! Serving modules over HTTP (axum/hyper): the bridge to each module's
//! `wasi:http/incoming-handler` under `/modules/<name>/`, and slot widgets.
//!
//! The units at the module boundary, each in its own file:
//! - [`identity`]: customer JWTs verified by the host (the module only
//!   sees the verified customer id);
//! - [`client_ip`] and [`rate_limit`]: who the client is (trusted proxies)
//!   and its token bucket;
//! - [`breaker`]: per-module circuit breaker;
//! - [`hygiene`]: headers stripped from requests and responses;
//! - [`widgets`]: validation of slot widgets.

pub mod breaker;
mod bridge;
pub mod client_ip;
mod config;
mod error;
pub mod hygiene;
pub mod identity;
pub mod rate_limit;
mod routes;
mod serving;
mod slots_api;
pub mod widgets;

pub use bridge::{HttpConfigError, ModuleBridge};
pub use config::HttpConfig;
pub use error::BridgeError;
