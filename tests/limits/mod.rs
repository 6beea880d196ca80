//! One module must not take memory or capacity from the host or from other
//! modules: hostile components against every per-invocation and per-module
//! limit (`docs/limits.md` lists them with their defaults).

mod agreement;
mod capacity;
pub mod host_state;
mod memory;
mod output;
mod published;
