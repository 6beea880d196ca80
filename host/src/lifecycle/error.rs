//! Why an install, uninstall or lookup failed: one variant per step, each
//! with a stable code.

use modgate_manifest::{ManifestErrors, Permission};

use super::settings::SettingsProblem;
use crate::capabilities::outbound::AllowlistError;
use crate::engine::{InvocationError, LoadError};
use crate::storage::StorageError;
use crate::verify::Problem;

/// A lifecycle operation failed; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// `module.toml` is invalid.
    #[error("module.toml is invalid:\n{0}")]
    InvalidManifest(ManifestErrors),
    /// The module folder has no usable component.
    #[error("{}{}: {} ({})", .0.path.as_ref().map(|p| format!("{p}: ")).unwrap_or_default(), .0.subject, .0.message, .0.fix)]
    Source(Problem),
    /// A permission was granted that the manifest does not ask for.
    #[error("permission {0} was granted but module.toml does not ask for it; grant only requested permissions")]
    GrantNotRequested(Permission),
    /// High-risk permissions were granted without the operator's acknowledgement.
    #[error(
        "these permissions are high risk and need the operator's acknowledgement: {}; re-run with --acknowledge-risk after reviewing them",
        .0.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ")
    )]
    AcknowledgementRequired(Vec<Permission>),
    /// The settings do not satisfy the manifest's schema.
    #[error("invalid settings:\n{}", .0.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    InvalidSettings(Vec<SettingsProblem>),
    /// The component check, compilation or linking refused the module.
    #[error("{0}")]
    Load(Box<LoadError>),
    /// The new version changes tables destructively and the operator did not allow it.
    #[error(
        "the upgrade changes tables destructively:\n{}\nre-run with --allow-destructive to apply it (data will be lost)",
        .0.iter().map(|s| format!("  - {s}")).collect::<Vec<_>>().join("\n")
    )]
    DestructiveChange(Vec<String>),
    /// Tables kept from an earlier install differ from the declaration.
    #[error(
        "tables kept from an earlier install do not match module.toml:\n{}\ndrop them with `modgate uninstall --purge` first, or restore them",
        .0.iter().map(|c| format!("  - {c}")).collect::<Vec<_>>().join("\n")
    )]
    KeptTableConflict(Vec<String>),
    /// The module's `activate` refused the install or failed.
    #[error("activation failed: {0}")]
    Activation(InvocationError),
    /// An approval named a route the manifest does not declare.
    #[error("module {module} declares no route {route:?}; declared routes: {}", declared.join(", "))]
    UnknownRoute {
        /// The module.
        module: String,
        /// What was asked for.
        route: String,
        /// The declared routes, as `METHOD /path`.
        declared: Vec<String>,
    },
    /// An approval named a hook the manifest does not declare.
    #[error("module {module} declares no hook {hook:?}; declared hooks: {}", declared.join(", "))]
    UnknownHook {
        /// The module.
        module: String,
        /// What was asked for.
        hook: String,
        /// The declared hooks, as `modgate show` lists them.
        declared: Vec<String>,
    },
    /// The manifest hooks an entity, moment or action the host integrator
    /// did not make hookable.
    #[error(
        "module {module} hooks what this host does not offer:\n{}",
        problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n")
    )]
    NotHookable {
        /// The module.
        module: String,
        /// One line per hook, with its fix.
        problems: Vec<String>,
    },
    /// An outbound allowlist entry the operator wrote is not usable.
    #[error("{0}")]
    Allowlist(#[from] AllowlistError),
    /// The allowlist has no entry to remove by that `HOST[:PORT]`.
    #[error("the outbound allowlist of {module} has no entry {entry}; `modgate allowlist show` lists them")]
    UnknownAllowlistEntry {
        /// The module.
        module: String,
        /// The entry asked for.
        entry: String,
    },
    /// The module is not installed for the tenant.
    #[error("module {module} is not installed for tenant {tenant}")]
    NotInstalled {
        /// The module.
        module: String,
        /// The tenant.
        tenant: String,
    },
    /// A switch was asked for, but no reload has staged a version.
    #[error(
        "module {module} has no staged version for tenant {tenant}: a reload of its folder stages one (`modgate show {module}` says when)"
    )]
    NothingStaged {
        /// The module.
        module: String,
        /// The tenant.
        tenant: String,
    },
    /// The database failed.
    #[error("{0}")]
    Storage(#[from] StorageError),
    /// A stored record could not be read back (corrupted or edited by hand).
    #[error("stored record of {module} is unreadable: {message}")]
    Corrupt {
        /// The module.
        module: String,
        /// What is wrong.
        message: String,
    },
}

impl InstallError {
    /// The stable code, e.g. `invalid-settings`.
    pub fn code(&self) -> &'static str {
        match self {
            InstallError::InvalidManifest(_) => "invalid-manifest",
            InstallError::Source(problem) => problem.code.as_str(),
            InstallError::GrantNotRequested(_) => "grant-not-requested",
            InstallError::AcknowledgementRequired(_) => "acknowledgement-required",
            InstallError::InvalidSettings(_) => "invalid-settings",
            InstallError::Load(e) => match **e {
                LoadError::Refused { .. } | LoadError::GrantNotRequested { .. } => "component-refused",
                LoadError::Link { .. } => "link-failed",
            },
            InstallError::DestructiveChange(_) => "destructive-change",
            InstallError::KeptTableConflict(_) => "kept-table-conflict",
            InstallError::Activation(_) => "activation-failed",
            InstallError::UnknownRoute { .. } => "unknown-route",
            InstallError::UnknownHook { .. } => "unknown-hook",
            InstallError::NotHookable { .. } => "not-hookable",
            InstallError::Allowlist(e) => e.code(),
            InstallError::UnknownAllowlistEntry { .. } => "unknown-allowlist-entry",
            InstallError::NotInstalled { .. } => "not-installed",
            InstallError::NothingStaged { .. } => "nothing-staged",
            InstallError::Storage(_) => "storage",
            InstallError::Corrupt { .. } => "corrupt-record",
        }
    }
}

impl From<LoadError> for InstallError {
    fn from(error: LoadError) -> Self {
        InstallError::Load(Box::new(error))
    }
}
