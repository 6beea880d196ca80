//! What the operator sees of the watch: per module folder, whether it is
//! watched, waiting, reloading or paused, and how its last reload ended —
//! per tenant, with the stable code of any failure.

use serde::Serialize;

/// One module folder under the watched directory.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FolderStatus {
    /// The folder's name under the modules directory.
    pub folder: String,
    /// `watching`, `pending`, `reloading` or `paused`.
    pub state: &'static str,
    /// Consecutive slow reloads (over the limit, the watch pauses).
    pub slow_reloads: u32,
    /// The last reload, if there was one since the host started.
    pub last: Option<ReloadReport>,
}

/// How one reload of a folder ended.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReloadReport {
    /// When it ended (RFC 3339 UTC).
    pub at: String,
    /// How long it took, building included.
    pub millis: u64,
    /// `unchanged` (nothing in the sources changed), `reloaded` (every
    /// tenant's reload succeeded: see `tenants`), or `failed`.
    pub outcome: &'static str,
    /// For `failed` before any tenant was reached (the folder, its build or
    /// its manifest): the stable code and the message.
    pub code: Option<String>,
    /// The message that goes with `code`.
    pub message: Option<String>,
    /// Per tenant that has the module installed.
    pub tenants: Vec<TenantReport>,
}

/// One tenant's part of a reload.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TenantReport {
    /// The tenant.
    pub tenant: String,
    /// `unchanged`, `staged` (waits for `modgate promote`), `switched`, or
    /// `failed` (the serving version is unchanged).
    pub outcome: &'static str,
    /// The version the folder holds.
    pub version: Option<String>,
    /// For `failed`: the stable code, e.g. `destructive-change`.
    pub code: Option<String>,
    /// For `failed`: what went wrong and how to fix it.
    pub message: Option<String>,
}
