//! The modgate host: runs untrusted modules as WebAssembly components.
//!
//! A module is a component plus a `module.toml` manifest. The manifest asks
//! for permissions; the operator grants them; the host links **only** the
//! interfaces of granted permissions (plus the always-available and inert
//! sets), so a component importing anything else is refused before it runs.
//! Every call into a module is an invocation with its own fresh
//! instance and store, bounded by fuel, host-counted operations, a
//! wall-clock deadline and a memory limit.
//!
//! Where things live:
//! - [`contract`]: what the WIT contracts say (interface → permission).
//! - [`verify`]: install-time checks of a manifest and a component.
//! - [`engine`]: compiling, linking, budgets and invocations.
//! - [`capabilities`]: one folder per capability; the engine knows only the
//!   [`engine::Capability`] trait.
//! - [`http`]: the HTTP bridge, a request's steps in `http/pipeline/`.
//! - [`breaker`]: the circuit breaker (per install for HTTP, per hook for data hooks).
//! - [`hookable`], [`hooks`]: the integrator's hookable entities, and the
//!   dispatcher that runs modules' data hooks on them.
//! - [`storage`], [`lifecycle`]: the database, installs and approvals.
//! - [`events`], [`mail`]: the outboxes and their workers.
//! - [`metrics`], [`usage`]: what invocations cost and which capabilities
//!   they used (Prometheus, the usage audit and least-privilege report).
//! - [`admin`]: the operator's HTTP API and web page.
//! - [`authoring`]: `modgate new` and `modgate run`, for guest authors.
//! - [`default_host`]: the built-in capabilities over one database.
//! - [`testing`]: sample commerce data and the capability test kit.

#![deny(missing_docs)]

pub mod admin;
pub mod authoring;
mod backoff;
pub mod bindings;
pub mod breaker;
pub mod capabilities;
pub mod contract;
pub mod default_host;
mod drain;
pub mod engine;
pub mod events;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod hookable;
pub mod hooks;
pub mod http;
pub mod lifecycle;
pub mod mail;
pub mod metrics;
pub mod reload;
mod seconds;
pub mod storage;
mod sync;
pub mod tenant;
pub mod testing;
pub mod usage;
pub mod verify;

pub use modgate_manifest as manifest;

pub use modgate_manifest::CORE_VERSION;
