//! What operators see of the mail: the messages (the local mailbox when no
//! relay is configured), one message in full, and the redrive of dead ones.
//! The CLI's `modgate mail` and the storefront's mailbox page read these.

use sea_orm::{ConnectionTrait, QueryResult, Value};

use crate::mail::error::MailError;
use crate::mail::messages::{attempts, optional_text, text};
use crate::storage::changes::{WorkQueue, announce_work};
use crate::storage::{Storage, StorageError, now_millis, now_rfc3339, statement};

/// Which messages to list. Empty fields match everything.
#[derive(Debug, Clone, Default)]
pub struct MailFilter {
    /// Only this tenant's.
    pub tenant: Option<String>,
    /// Only this module's.
    pub module: Option<String>,
    /// Only in this state (`pending`, `leased`, `sent`, `dead`, `suppressed`).
    pub state: Option<String>,
    /// At most this many, newest first (default 50).
    pub limit: Option<u32>,
}

/// One message as listed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MailSummary {
    /// Its id (ULID).
    pub id: String,
    /// The tenant it was sent for.
    pub tenant: String,
    /// The module that sent it.
    pub module: String,
    /// The recipient's address.
    pub to: String,
    /// The subject.
    pub subject: String,
    /// `pending`, `leased`, `sent`, `dead` or `suppressed`.
    pub state: String,
    /// Attempts made.
    pub attempts: u32,
    /// When it was queued (RFC 3339 UTC).
    pub queued_at: String,
    /// When it was sent, if it was.
    pub sent_at: Option<String>,
    /// `smtp` or `mailbox`, once sent.
    pub via: Option<String>,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
}

/// One message in full.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MailMessage {
    /// What the listing shows.
    #[serde(flatten)]
    pub summary: MailSummary,
    /// The From mailbox.
    pub from: String,
    /// The Message-ID (without angle brackets).
    pub message_id: String,
    /// The customer it was addressed to by the host, if any.
    pub customer_id: Option<String>,
    /// The text.
    pub body: String,
}

/// States an operator can filter on.
pub const STATES: [&str; 5] = ["pending", "leased", "sent", "dead", "suppressed"];

/// Default and largest page of [`list`].
const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 1000;

const SUMMARY: &str = "id, tenant, module, recipient, subject, state, attempts, created_at, sent_at, via, last_error";
const FULL: &str = "id, tenant, module, recipient, subject, state, attempts, created_at, sent_at, via, last_error, sender, message_id, customer_id, body";

/// Messages matching `filter`, newest first.
pub async fn list(storage: &Storage, filter: &MailFilter) -> Result<Vec<MailSummary>, MailError> {
    let rows = matching(storage, SUMMARY, filter).await?;
    rows.iter().map(summary).collect()
}

/// Messages matching `filter` in full, newest first (one query: for a page
/// that shows the texts).
pub async fn read(storage: &Storage, filter: &MailFilter) -> Result<Vec<MailMessage>, MailError> {
    let rows = matching(storage, FULL, filter).await?;
    rows.iter().map(message).collect()
}

/// The message `id`.
pub async fn show(storage: &Storage, id: &str) -> Result<MailMessage, MailError> {
    let db = storage.connection();
    let sql = format!("SELECT {FULL} FROM modgate_mail WHERE id = ?");
    let row = db
        .query_one_raw(statement(db.get_database_backend(), &sql, [id.into()]))
        .await
        .map_err(StorageError::db("reading a message"))?
        .ok_or_else(|| MailError::NoSuchMessage { what: "message", selection: id.to_owned() })?;
    message(&row)
}

async fn matching(storage: &Storage, columns: &str, filter: &MailFilter) -> Result<Vec<QueryResult>, MailError> {
    let mut sql = format!("SELECT {columns} FROM modgate_mail WHERE 1 = 1");
    let mut values: Vec<Value> = Vec::new();
    for (column, value) in [("tenant", &filter.tenant), ("module", &filter.module), ("state", &filter.state)] {
        if let Some(value) = value {
            sql.push_str(&format!(" AND {column} = ?"));
            values.push(value.as_str().into());
        }
    }
    let limit = filter.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    sql.push_str(&format!(" ORDER BY created_ms DESC, id DESC LIMIT {limit}"));
    let db = storage.connection();
    Ok(db
        .query_all_raw(statement(db.get_database_backend(), &sql, values))
        .await
        .map_err(StorageError::db("listing mail"))?)
}

fn message(row: &QueryResult) -> Result<MailMessage, MailError> {
    Ok(MailMessage {
        summary: summary(row)?,
        from: text(row, "sender")?,
        message_id: text(row, "message_id")?,
        customer_id: optional_text(row, "customer_id")?,
        body: text(row, "body")?,
    })
}

/// Which dead messages to send again.
#[derive(Debug, Clone)]
pub enum Redrive {
    /// This one.
    One(String),
    /// Every dead message of this tenant (and module, if given).
    AllDead {
        /// The tenant.
        tenant: String,
        /// Only this module's.
        module: Option<String>,
    },
}

/// Puts dead messages back in the queue with fresh attempts; returns how
/// many. Refuses when none matches.
pub async fn redrive(storage: &Storage, which: &Redrive) -> Result<u64, MailError> {
    let mut sql = "UPDATE modgate_mail SET state = 'pending', attempts = 0, next_at = ?, last_error = NULL, updated_at = ? \
                   WHERE state = 'dead'"
        .to_owned();
    let mut values: Vec<Value> = vec![now_millis().into(), now_rfc3339().into()];
    let selection = match which {
        Redrive::One(id) => {
            sql.push_str(" AND id = ?");
            values.push(id.as_str().into());
            id.clone()
        }
        Redrive::AllDead { tenant, module } => {
            sql.push_str(" AND tenant = ?");
            values.push(tenant.as_str().into());
            if let Some(module) = module {
                sql.push_str(" AND module = ?");
                values.push(module.as_str().into());
            }
            format!("tenant {tenant}{}", module.as_ref().map(|m| format!(", module {m}")).unwrap_or_default())
        }
    };
    let _turn = storage.write_turn().await;
    let db = storage.connection();
    let result = db
        .execute_raw(statement(db.get_database_backend(), &sql, values))
        .await
        .map_err(StorageError::db("redriving mail"))?;
    if result.rows_affected() > 0 {
        // Workers of other processes (the CLI runs none) look at once.
        announce_work(db, WorkQueue::Mail).await.map_err(StorageError::db("announcing the redriven mail"))?;
    }
    match result.rows_affected() {
        0 => Err(MailError::NoSuchMessage { what: "dead message", selection }),
        n => Ok(n),
    }
}

fn summary(row: &QueryResult) -> Result<MailSummary, MailError> {
    Ok(MailSummary {
        id: text(row, "id")?,
        tenant: text(row, "tenant")?,
        module: text(row, "module")?,
        to: text(row, "recipient")?,
        subject: text(row, "subject")?,
        state: text(row, "state")?,
        attempts: attempts(row)?,
        queued_at: text(row, "created_at")?,
        sent_at: optional_text(row, "sent_at")?,
        via: optional_text(row, "via")?,
        last_error: optional_text(row, "last_error")?,
    })
}
