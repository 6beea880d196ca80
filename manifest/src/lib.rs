//! Parser and verifier for `module.toml`, the manifest of a modgate module.
//!
//! The manifest says who a module is (`name`, `version`), which host cores it runs on
//! (`compatible-core`), which permissions it wants, and what it declares: tables, storefront
//! slots, HTTP routes, hooks, event subscriptions, a settings schema, and the dependency
//! components it ships with the permissions each of them alone receives. [`verify_manifest`]
//! checks all of it and reports **every** problem at once, each with its TOML key path, a
//! stable [`ManifestErrorCode`] and a fix saying what to write instead:
//!
//! ```
//! let host = semver::Version::new(1, 0, 0);
//! let errors = modgate_manifest::verify_manifest("name = \"Shop\"\nversion = \"1.0\"", &host)
//!     .unwrap_err();
//! assert_eq!(errors.0.len(), 3); // invalid name, invalid version, missing compatible-core
//! ```
//!
//! The same function backs `modgate verify` and the host's install step; guest authors can
//! call it from their own tests. It never panics, whatever the input.

#![deny(missing_docs)]

mod catalog;
mod error;
mod file;
mod model;
mod permission;
mod slug;
mod verify;

use std::path::Path;

pub use catalog::NotInCatalog;
pub use error::{ManifestError, ManifestErrorCode, ManifestErrors, ManifestWarning};
pub use model::{
    AUTO_COLUMNS, CORE_EVENTS, ColumnDecl, ColumnType, DependencyDecl, DependencyName, HookDecl,
    HookWhen, HttpMethod, IndexDecl, MAX_COLUMNS, MAX_DEPENDENCIES, MAX_IDENTIFIER_CHARS,
    MAX_ROUTE_PATH_CHARS, Manifest, ModuleName, RouteDecl, Slot, Subscription, TableDecl, Verified,
};
pub use permission::{Permission, Risk};
pub use slug::check_slug;
pub use verify::MAX_DESCRIPTION_CHARS;

/// The version of the `modgate:host` / `modgate:commerce` contracts (their WIT
/// packages) that this host core implements. Manifests' `compatible-core` must
/// admit it; guest builds target the worlds of this version.
pub const CORE_VERSION: semver::Version = semver::Version::new(1, 0, 0);

/// Largest accepted manifest, in bytes (64 KiB).
pub const MAX_MANIFEST_BYTES: usize = 64 * 1024;

/// Verifies the text of a `module.toml` for a host running core version `host_core`.
///
/// Returns the manifest and any warnings, or every error found. Size and TOML syntax
/// problems stop verification early; all others are collected.
pub fn verify_manifest(
    text: &str,
    host_core: &semver::Version,
) -> Result<Verified, ManifestErrors> {
    verify::verify_text(text, host_core)
}

/// Reads and verifies a `module.toml` file. Read failures become a [`ManifestErrorCode::Io`]
/// error; a file over [`MAX_MANIFEST_BYTES`] is refused without being read whole.
pub fn verify_manifest_file(
    path: &Path,
    host_core: &semver::Version,
) -> Result<Verified, ManifestErrors> {
    file::verify_file(path, host_core)
}
