//! Why the guard refused a statement.

/// Whether a refusal is a security matter or a usage error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefusalKind {
    /// The statement tries something a module may not do: another table,
    /// DDL, a non-allowlisted function, writing a host-managed column, …
    Forbidden,
    /// The statement is malformed or misused: a syntax error, the wrong
    /// host function, a bad placeholder, an unsupported INSERT form, …
    Invalid,
}

/// A refused statement. The message is meant for the module's author: it
/// names only what the guest wrote (logical table names), never where the
/// tables physically live.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SqlRefusal {
    /// Security matter or usage error.
    pub kind: RefusalKind,
    /// What was refused and, where useful, what to do instead.
    pub message: String,
}

impl SqlRefusal {
    /// A [`RefusalKind::Forbidden`] refusal.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self {
            kind: RefusalKind::Forbidden,
            message: message.into(),
        }
    }

    /// A [`RefusalKind::Invalid`] refusal.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self {
            kind: RefusalKind::Invalid,
            message: message.into(),
        }
    }

    /// Whether this is a security refusal.
    pub fn is_forbidden(&self) -> bool {
        self.kind == RefusalKind::Forbidden
    }
}

/// Shorthand used throughout the guard: `Err(forbidden(..))`.
pub(super) fn forbidden(message: impl Into<String>) -> SqlRefusal {
    SqlRefusal::forbidden(message)
}

/// Shorthand used throughout the guard: `Err(invalid(..))`.
pub(super) fn invalid(message: impl Into<String>) -> SqlRefusal {
    SqlRefusal::invalid(message)
}
