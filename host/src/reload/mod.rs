//! Hot reload: a watched modules directory whose changed module folders are
//! re-installed blue-green for every tenant that has them.
//!
//! - `limits.rs` — the limits (debounce, cooldown, files, bytes, slow
//!   reloads) and their defaults, from the reference system's watcher.
//! - `policy.rs` — when a changed module is due for a reload, and when its
//!   watch pauses; time is passed in, so tests need no sleeps.
//! - `fingerprint.rs` — what a module folder's sources hash to, within the
//!   file and byte limits, skipping build output.
//! - `watcher.rs` — `notify` events turned into module folder names.
//! - `service.rs` — [`HotReload`]: the watch that runs the policy and hands
//!   each due folder to [`crate::lifecycle::Lifecycle::reload`], which
//!   installs it blue-green per tenant (staged until promoted when it has
//!   routes or hooks to approve).
//! - `status.rs` — what the operator sees of it.

mod fingerprint;
mod limits;
mod policy;
mod service;
mod status;
mod watcher;

pub use fingerprint::{Fingerprint, FingerprintError, fingerprint, is_build_output};
pub use limits::ReloadLimits;
pub use policy::{ReloadPolicy, WatchState};
pub use service::{HotReload, HotReloadError};
pub use status::{FolderStatus, ReloadReport, TenantReport};
