//! Mail errors, each with a stable code.

use crate::storage::StorageError;

/// Why configuring, queueing or operating on mail failed.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// A From address the operator configured is not a mailbox.
    #[error("the sender {address:?} is not a valid mailbox ({reason}); write it as `Shop name <shop@example.com>` or `shop@example.com`")]
    InvalidSender {
        /// What was configured.
        address: String,
        /// Why it does not parse.
        reason: String,
    },
    /// The relay URL or credentials are unusable.
    #[error("the SMTP relay configuration is unusable: {message}")]
    RelayConfig {
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The relay URL would send mail unencrypted beyond this machine.
    #[error("the SMTP relay {host} would be reached without TLS: use smtps://{host} (TLS) or smtp://{host}?tls=required (STARTTLS); plain smtp:// is accepted only for a relay on loopback")]
    InsecureRelay {
        /// The relay's host.
        host: String,
    },
    /// No message matches what the operator named.
    #[error("no {what} matches {selection}: list messages with `modgate mail list`")]
    NoSuchMessage {
        /// What was looked for ("message", "dead message").
        what: &'static str,
        /// The id, or the filter.
        selection: String,
    },
    /// A stored message could not be turned into mail.
    #[error("stored message {id} is unusable: {message}")]
    Corrupt {
        /// The message.
        id: String,
        /// Why.
        message: String,
    },
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl MailError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            MailError::InvalidSender { .. } => "invalid-sender",
            MailError::RelayConfig { .. } => "relay-config",
            MailError::InsecureRelay { .. } => "relay-insecure",
            MailError::NoSuchMessage { .. } => "no-such-message",
            MailError::Corrupt { .. } => "corrupt-mail",
            MailError::Storage(_) => "storage",
        }
    }
}
