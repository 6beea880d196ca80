//! The WIT package `modgate-example:deps@0.1.0` (in `wit/deps.wit`) shared
//! by the test components of per-dependency grants; not a component itself.
//!
//! A module may ship dependency components, each linked by the host with
//! only its own permissions; a dependency's exports satisfy the imports of
//! the component that depends on it. The host wires them at link time —
//! nothing is composed at build time — so the interfaces here must be the
//! same text on both sides, which is why every `dep-*` crate generates its
//! bindings from this one folder:
//!
//! ```text
//! dep-user ──imports greeter──▶ dep-greeter ──imports casing──▶ dep-casing
//!          └─imports fetcher──▶ dep-fetcher (wasi:http/outgoing-handler)
//! dep-user-notes ──imports notes──▶ dep-notes (modgate:host/tables)
//! ```
//!
//! Each crate names its world from `deps.wit` and passes the repository's
//! `wit/host` first, because the worlds use `modgate:host/log` and the SDK's
//! worlds (which the main modules also use) live there:
//!
//! ```ignore
//! wit_bindgen::generate!({
//!     path: ["../../../wit/host", "../dep-wit/wit"],
//!     world: "modgate-example:deps/casing-provider",
//!     generate_all,
//! });
//! ```
