//! The mail outbox: a queued message is one row of `modgate_mail`, written
//! on the caller's connection (the install's transaction during
//! `activate`), with the tenant's From address and a Message-ID fixed now.

use std::sync::Arc;

use sea_orm::{ConnectionTrait, Value};
use sha2::{Digest, Sha256};
use tokio::sync::Notify;

use crate::events::HandledEvent;
use crate::mail::error::MailError;
use crate::mail::senders::Senders;
use crate::storage::changes::WorkQueue;
use crate::storage::{Storage, StorageError, new_id, now_millis, now_rfc3339, statement};
use crate::tenant::TenantId;

/// A message checked by the email capability, ready to queue.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewMail<'a> {
    pub tenant: &'a TenantId,
    pub module: &'a str,
    /// The customer it is addressed to, when the host resolved the address.
    pub customer_id: Option<&'a str>,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// The event being handled, if any: the message is queued once per event.
    pub cause: Option<&'a HandledEvent>,
}

/// What queueing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Queued {
    /// A new message, with its id.
    New(String),
    /// The same message was already queued while handling the same event.
    Duplicate,
}

/// Queues mail for the mail worker. Cheap to clone; clones share the
/// wake-up signal of this process's worker.
#[derive(Clone)]
pub struct MailOutbox {
    storage: Storage,
    senders: Arc<Senders>,
    wake: Arc<Notify>,
}

impl MailOutbox {
    /// An outbox over `storage`, sending as `senders` say.
    pub fn new(storage: Storage, senders: Senders) -> Self {
        MailOutbox { storage, senders: Arc::new(senders), wake: Arc::new(Notify::new()) }
    }

    /// The database.
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// The From mailbox of `tenant`'s mail, as this host is configured.
    pub(crate) fn sender_of(&self, tenant: &TenantId) -> &lettre::message::Mailbox {
        self.senders.of(tenant)
    }

    /// Records `mail` on `db`. A conflict can only be on the dedupe key
    /// (the id is fresh): the conflict target is left out because SQLite
    /// matches it against the schema a pooled connection loaded, which may
    /// predate the index.
    pub(crate) async fn queue(&self, db: &impl ConnectionTrait, mail: &NewMail<'_>) -> Result<Queued, MailError> {
        let id = new_id();
        let sender = self.sender_of(mail.tenant);
        let message_id = format!("{}@{}", id.to_ascii_lowercase(), sender.email.domain());
        let now = now_rfc3339();
        let values: [Value; 14] = [
            id.as_str().into(),
            mail.tenant.as_str().into(),
            mail.module.into(),
            mail.customer_id.map(str::to_owned).into(),
            mail.recipient.into(),
            sender.to_string().into(),
            mail.subject.into(),
            mail.body.into(),
            message_id.into(),
            mail.cause.map(|event| dedupe_key(mail, event)).into(),
            now_millis().into(),
            now.as_str().into(),
            now_millis().into(),
            now.as_str().into(),
        ];
        let inserted = db
            .execute_raw(statement(
                db.get_database_backend(),
                "INSERT INTO modgate_mail (id, tenant, module, customer_id, recipient, sender, subject, body, message_id, \
                 dedupe_key, state, attempts, next_at, created_at, created_ms, updated_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                values,
            ))
            .await
            .map_err(StorageError::db(format!("queueing mail of {}", mail.module)))?;
        Ok(if inserted.rows_affected() == 1 { Queued::New(id) } else { Queued::Duplicate })
    }

    /// Whether `mail`, queued while handling an event, was already queued
    /// for that event (always `false` without an event).
    pub(crate) async fn already_queued(&self, db: &impl ConnectionTrait, mail: &NewMail<'_>) -> Result<bool, MailError> {
        let Some(cause) = mail.cause else { return Ok(false) };
        let row = db
            .query_one_raw(statement(
                db.get_database_backend(),
                "SELECT 1 AS queued FROM modgate_mail WHERE dedupe_key = ?",
                [dedupe_key(mail, cause).into()],
            ))
            .await
            .map_err(StorageError::db("looking up queued mail"))?;
        Ok(row.is_some())
    }

    /// Tells this process's worker that messages were committed, and (on
    /// PostgreSQL, coalesced) other processes' workers too.
    pub fn committed(&self) {
        self.wake.notify_waiters();
        self.wake.notify_one();
        self.storage.changes().work_committed(WorkQueue::Mail);
    }

    pub(crate) fn wake_signal(&self) -> &Arc<Notify> {
        &self.wake
    }
}

impl std::fmt::Debug for MailOutbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailOutbox").field("storage", &self.storage).finish()
    }
}

/// The same module sending the same text to the same recipient while
/// handling the same event is the same message. Fields are
/// length-prefixed, so no two different messages share a key.
fn dedupe_key(mail: &NewMail<'_>, cause: &HandledEvent) -> String {
    let recipient = match mail.customer_id {
        Some(customer) => format!("customer:{customer}"),
        None => format!("address:{}", mail.recipient),
    };
    let mut hash = Sha256::new();
    for field in [mail.tenant.as_str(), mail.module, cause.id(), &recipient, mail.subject, mail.body] {
        hash.update((field.len() as u64).to_be_bytes());
        hash.update(field.as_bytes());
    }
    hex::encode(hash.finalize())
}
