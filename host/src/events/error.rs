//! Event errors, each with a stable code.

use crate::storage::StorageError;

/// Why raising, emitting or operating on events failed.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    /// The event the integrator raised is malformed.
    #[error("{message}")]
    InvalidEvent {
        /// What is wrong and how to fix it.
        message: String,
    },
    /// No delivery matches what the operator named.
    #[error("no dead-lettered delivery of {module} for tenant {tenant} matches {selection}: list them with `modgate events dead`")]
    NoSuchDelivery {
        /// The tenant.
        tenant: String,
        /// The module.
        module: String,
        /// The event id, or "any event".
        selection: String,
    },
    /// A stored event could not be read back.
    #[error("stored event {event_id} is unreadable: {message}")]
    Corrupt {
        /// The event.
        event_id: String,
        /// Why.
        message: String,
    },
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl EventError {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        EventError::InvalidEvent { message: message.into() }
    }

    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            EventError::InvalidEvent { .. } => "invalid-event",
            EventError::NoSuchDelivery { .. } => "no-such-delivery",
            EventError::Corrupt { .. } => "corrupt-event",
            EventError::Storage(_) => "storage",
        }
    }
}
