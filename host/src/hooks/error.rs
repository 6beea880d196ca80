//! What the integrator did wrong when calling the hooks, or what failed on
//! the host's side. A module's misbehaviour is never one of these: it is a
//! [`super::HookRun`] in the report (and, before a write, a
//! [`super::Rejection`] under the fail-closed policy).

use crate::hookable::InvalidEntity;
use crate::lifecycle::InstallError;

/// Why the hooks could not be run.
#[derive(Debug, thiserror::Error)]
pub enum HookError {
    /// The integrator called a moment of an entity it did not register
    /// (code `not-registered`: its own mistake, unlike a module's
    /// `not-hookable` refusal at install).
    #[error("{entity} is not hookable {when} (fix: register it with that moment, or do not call it)")]
    NotHookable {
        /// The entity named.
        entity: String,
        /// The moment (with the action for `on-action`).
        when: String,
    },
    /// A record the integrator passed is not an object, or a field hooks
    /// see does not have its declared type.
    #[error("{entity} record: {problem} (fix: pass a JSON object whose hookable fields have their registered types)")]
    InvalidRecord {
        /// The entity.
        entity: String,
        /// What is wrong.
        problem: String,
    },
    /// The integrator's registry is malformed.
    #[error(transparent)]
    InvalidEntity(#[from] InvalidEntity),
    /// Reading the installs or publishing the entities failed.
    #[error("hooks: {0}")]
    Lifecycle(#[from] InstallError),
}

impl HookError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            HookError::NotHookable { .. } => "not-registered",
            HookError::InvalidRecord { .. } => "invalid-record",
            HookError::InvalidEntity(e) => e.code(),
            HookError::Lifecycle(e) => e.code(),
        }
    }
}
