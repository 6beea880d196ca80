//! The mail table as the worker uses it: claim due messages under a lease,
//! settle each claim. Every update of a claimed message names the claim's
//! token, so a worker whose lease expired (and whose message another worker
//! took over) changes nothing.
//!
//! States: `pending` (due at `next_at`), `leased` (claimed until `next_at`),
//! `sent`, `dead` (out of attempts or refused for good; redrivable) and
//! `suppressed` (its customer became unreachable before it was sent).

use sea_orm::{ConnectionTrait, DbBackend, QueryResult, Value};

use crate::mail::error::MailError;
use crate::storage::{StorageError, new_id, now_rfc3339, statement};

/// A message this worker holds a lease on.
#[derive(Debug, Clone)]
pub(crate) struct ClaimedMail {
    pub id: String,
    pub tenant: String,
    pub module: String,
    pub customer_id: Option<String>,
    pub recipient: String,
    pub sender: String,
    pub subject: String,
    pub body: String,
    pub message_id: String,
    /// Attempts made before this one.
    pub attempts: u32,
    pub token: String,
}

/// How an attempt ended.
#[derive(Debug, Clone)]
pub(crate) enum Settlement {
    /// Handed to the transport (`via` names it).
    Sent { via: &'static str },
    /// Failed; retry at the time given, or dead-letter when `None`.
    Failed { error: String, retry_at: Option<i64> },
    /// The customer is no longer reachable: not sent, never will be.
    Suppressed,
}

/// The columns a claim reads.
const CLAIMED: &str = "id, tenant, module, customer_id, recipient, sender, subject, body, message_id, attempts";

/// Claims up to `limit` due messages until `lease_until` (on PostgreSQL
/// skipping rows another worker is claiming right now).
pub(crate) async fn claim(db: &impl ConnectionTrait, limit: usize, now: i64, lease_until: i64) -> Result<Vec<ClaimedMail>, MailError> {
    let backend = db.get_database_backend();
    let lock = if backend == DbBackend::Postgres { " FOR UPDATE SKIP LOCKED" } else { "" };
    let token = new_id();
    let sql = format!(
        "UPDATE modgate_mail SET state = 'leased', lease_token = ?, next_at = ? WHERE id IN \
         (SELECT id FROM modgate_mail WHERE state IN ('pending', 'leased') AND next_at <= ? ORDER BY next_at LIMIT ?{lock}) \
         RETURNING {CLAIMED}"
    );
    let values: [Value; 4] = [token.as_str().into(), lease_until.into(), now.into(), (limit as i64).into()];
    let rows = db
        .query_all_raw(statement(backend, &sql, values))
        .await
        .map_err(StorageError::db("claiming mail"))?;
    rows.iter().map(|row| claimed(row, &token)).collect()
}

fn claimed(row: &QueryResult, token: &str) -> Result<ClaimedMail, MailError> {
    Ok(ClaimedMail {
        id: text(row, "id")?,
        tenant: text(row, "tenant")?,
        module: text(row, "module")?,
        customer_id: optional_text(row, "customer_id")?,
        recipient: text(row, "recipient")?,
        sender: text(row, "sender")?,
        subject: text(row, "subject")?,
        body: text(row, "body")?,
        message_id: text(row, "message_id")?,
        attempts: attempts(row)?,
        token: token.to_owned(),
    })
}

/// Records how a claimed message's attempt ended; `false` when the claim
/// had been lost (its lease expired and another worker took it).
pub(crate) async fn settle(db: &impl ConnectionTrait, claim: &ClaimedMail, settlement: &Settlement, now: i64) -> Result<bool, MailError> {
    let updated_at = now_rfc3339();
    let (sql, values): (&str, Vec<Value>) = match settlement {
        Settlement::Sent { via } => (
            "UPDATE modgate_mail SET state = 'sent', attempts = attempts + 1, next_at = ?, lease_token = NULL, \
             last_error = NULL, via = ?, sent_at = ?, updated_at = ?",
            vec![now.into(), (*via).into(), updated_at.as_str().into(), updated_at.as_str().into()],
        ),
        Settlement::Failed { error, retry_at: Some(at) } => (
            "UPDATE modgate_mail SET state = 'pending', attempts = attempts + 1, next_at = ?, lease_token = NULL, \
             last_error = ?, updated_at = ?",
            vec![(*at).into(), error.as_str().into(), updated_at.into()],
        ),
        Settlement::Failed { error, retry_at: None } => (
            "UPDATE modgate_mail SET state = 'dead', attempts = attempts + 1, next_at = ?, lease_token = NULL, \
             last_error = ?, updated_at = ?",
            vec![now.into(), error.as_str().into(), updated_at.into()],
        ),
        Settlement::Suppressed => (
            "UPDATE modgate_mail SET state = 'suppressed', next_at = ?, lease_token = NULL, \
             last_error = 'the customer is no longer reachable', updated_at = ?",
            vec![now.into(), updated_at.into()],
        ),
    };
    let sql = format!("{sql} WHERE id = ? AND lease_token = ?");
    let values = values.into_iter().chain([claim.id.as_str().into(), claim.token.as_str().into()]);
    let result = db
        .execute_raw(statement(db.get_database_backend(), &sql, values))
        .await
        .map_err(StorageError::db("settling mail"))?;
    Ok(result.rows_affected() == 1)
}

/// Records who a claimed message goes from and to as it is sent (the
/// tenant's sender, a customer's address, may have changed since it was
/// queued).
pub(crate) async fn readdress(db: &impl ConnectionTrait, claim: &ClaimedMail, sender: &str, recipient: &str) -> Result<(), MailError> {
    db.execute_raw(statement(
        db.get_database_backend(),
        "UPDATE modgate_mail SET sender = ?, recipient = ? WHERE id = ? AND lease_token = ?",
        [sender.into(), recipient.into(), claim.id.as_str().into(), claim.token.as_str().into()],
    ))
    .await
    .map_err(StorageError::db("readdressing mail"))?;
    Ok(())
}

/// Deletes sent and suppressed messages settled before `cutoff`; returns
/// how many.
pub(crate) async fn forget_before(db: &impl ConnectionTrait, cutoff: i64) -> Result<u64, MailError> {
    let removed = db
        .execute_raw(statement(
            db.get_database_backend(),
            "DELETE FROM modgate_mail WHERE state IN ('sent', 'suppressed') AND next_at < ?",
            [cutoff.into()],
        ))
        .await
        .map_err(StorageError::db("forgetting old mail"))?;
    Ok(removed.rows_affected())
}

pub(crate) fn text(row: &QueryResult, column: &str) -> Result<String, MailError> {
    column_of(row, column)
}

pub(crate) fn optional_text(row: &QueryResult, column: &str) -> Result<Option<String>, MailError> {
    column_of(row, column)
}

pub(crate) fn attempts(row: &QueryResult) -> Result<u32, MailError> {
    column_of::<i32>(row, "attempts").map(|n| n.max(0) as u32)
}

fn column_of<T: sea_orm::TryGetable>(row: &QueryResult, column: &str) -> Result<T, MailError> {
    row.try_get::<T>("", column)
        .map_err(|e| MailError::Storage(StorageError::Database { context: format!("reading {column}"), source: e }))
}
