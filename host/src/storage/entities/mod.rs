//! sea-orm entities of the core tables (created by [`super::migrations`]).
//!
//! Timestamps are RFC 3339 UTC text on every backend, lists are JSON text:
//! the same rows read the same on SQLite and PostgreSQL.

pub mod approval;
pub mod artifact;
pub mod audit_entry;
pub mod install;
pub mod module;
pub mod module_version;
pub mod tenant;
pub mod usage_call;
pub mod usage_latency;
pub mod usage_path_call;
pub mod usage_series;
pub mod version_dependency;
