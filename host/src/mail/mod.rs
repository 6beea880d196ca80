//! Mail: the outbox email goes through, and its delivery.
//!
//! - **Queueing.** The `email` capability checks a module's message and
//!   queues it with [`MailOutbox`]: one row of `modgate_mail`, in the
//!   install's transaction during `activate`, with the From address the
//!   operator set for the tenant ([`Senders`]). A message queued while an
//!   event is handled carries a dedupe key, so a redelivered event queues
//!   it once.
//! - **Delivery.** A [`MailWorker`] claims due messages under expiring
//!   leases and hands them to the [`MailTransport`]: the operator's SMTP
//!   relay (`MODGATE_SMTP_URL`, TLS or STARTTLS, credentials from the
//!   environment), or, when none is configured, the local mailbox in the
//!   database. Transient failures retry with backoff; a permanent refusal
//!   or the last attempt dead-letters the message. A customer who became
//!   unreachable before the send is not mailed (`suppressed`).
//! - **Operators** list, read and redrive messages ([`mailbox`]; the CLI's
//!   `modgate mail`).
//!
//! Every message keeps its Message-ID from queueing on: a message resent
//! after a crash between the relay's acceptance and the bookkeeping is the
//! same message to every mail system on the way.
//!
//! See `docs/email.md`.

mod address;
pub(crate) mod compose;
mod contacts;
mod config;
mod error;
pub mod mailbox;
pub(crate) mod messages;
pub(crate) mod outbox;
pub(crate) mod send_rate;
mod senders;
mod transport;
mod worker;

pub use address::check_address;
pub use config::MailConfig;
pub use contacts::CustomerContacts;
pub use error::MailError;
pub use outbox::MailOutbox;
pub use senders::Senders;
pub use transport::{MailTransport, RelayAccess, SMTP_CA_FILE_ENV, SMTP_PASSWORD_ENV, SMTP_URL_ENV, SMTP_USERNAME_ENV};
pub use worker::{MailStats, MailWorker};

/// A relay's user name and password ([`RelayAccess::credentials`]).
pub use lettre::transport::smtp::authentication::Credentials;
