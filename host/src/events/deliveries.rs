//! The deliveries table as the worker uses it: find installs with due
//! deliveries, claim some under a lease, settle each claim. Every update of
//! a claimed delivery names the claim's token, so a worker whose lease
//! expired (and whose delivery another worker took over) changes nothing.
//!
//! States: `pending` (due at `next_at`), `leased` (claimed until `next_at`,
//! when the lease expires), `delivered`, `dead` (out of attempts; the
//! operator can redrive it). An open delivery (pending or leased) is due
//! once `next_at` has passed; the partial index `modgate_deliveries_open`
//! serves exactly that question.

use sea_orm::{ConnectionTrait, DbBackend, QueryResult, Value};

use crate::events::error::EventError;
use crate::storage::{StorageError, new_id, now_rfc3339, placeholders, statement};

/// An event as stored in the outbox.
#[derive(Debug, Clone)]
pub(crate) struct StoredEvent {
    pub id: String,
    pub name: String,
    pub source: String,
    pub occurred_at: String,
    pub payload: String,
}

/// A delivery this worker holds a lease on.
#[derive(Debug, Clone)]
pub(crate) struct Claimed {
    pub tenant: String,
    pub module: String,
    /// Attempts made before this one.
    pub attempts: u32,
    pub token: String,
    pub event: StoredEvent,
}

/// How a delivery attempt ended.
#[derive(Debug, Clone)]
pub(crate) enum Settlement {
    /// The handler returned success.
    Delivered,
    /// It failed; retry at the time given, or dead-letter when `None`.
    Failed { error: String, retry_at: Option<i64> },
    /// It was not attempted (the host was busy, the install is disabled):
    /// try again at this time without counting an attempt.
    Deferred { reason: String, retry_at: i64 },
}

/// An open delivery whose time has come (the words of the partial index).
const DUE: &str = "state IN ('pending', 'leased') AND next_at <= ?";

/// The installs subscribed to any event: the candidates for delivery.
pub(crate) async fn subscribed_installs(db: &impl ConnectionTrait) -> Result<Vec<(String, String)>, EventError> {
    let rows = db
        .query_all_raw(statement(
            db.get_database_backend(),
            "SELECT DISTINCT tenant, module FROM modgate_subscriptions ORDER BY tenant, module",
            [],
        ))
        .await
        .map_err(StorageError::db("listing subscribed installs"))?;
    rows.iter()
        .map(|row| Ok((text(row, "tenant")?, text(row, "module")?)))
        .collect()
}

/// Whether one install has a delivery due at `now` (a read: an index seek).
pub(crate) async fn has_due(db: &impl ConnectionTrait, tenant: &str, module: &str, now: i64) -> Result<bool, EventError> {
    let sql = format!("SELECT 1 AS due FROM modgate_deliveries WHERE tenant = ? AND module = ? AND {DUE} LIMIT 1");
    let row = db
        .query_one_raw(statement(db.get_database_backend(), &sql, [tenant.into(), module.into(), now.into()]))
        .await
        .map_err(StorageError::db("looking for due deliveries"))?;
    Ok(row.is_some())
}

/// Claims up to `limit` due deliveries of one install until `lease_until`
/// (on PostgreSQL skipping rows another worker is claiming right now), and
/// reads their events.
pub(crate) async fn claim(
    db: &impl ConnectionTrait,
    tenant: &str,
    module: &str,
    limit: usize,
    now: i64,
    lease_until: i64,
) -> Result<Vec<Claimed>, EventError> {
    let backend = db.get_database_backend();
    let lock = if backend == DbBackend::Postgres { " FOR UPDATE SKIP LOCKED" } else { "" };
    let token = new_id();
    let sql = format!(
        "UPDATE modgate_deliveries SET state = 'leased', lease_token = ?, next_at = ? \
         WHERE tenant = ? AND module = ? AND event_id IN (SELECT event_id FROM modgate_deliveries \
         WHERE tenant = ? AND module = ? AND {DUE} ORDER BY next_at LIMIT ?{lock}) \
         RETURNING event_id, attempts"
    );
    let values: [Value; 8] = [
        token.as_str().into(),
        lease_until.into(),
        tenant.into(),
        module.into(),
        tenant.into(),
        module.into(),
        now.into(),
        (limit as i64).into(),
    ];
    let rows = db
        .query_all_raw(statement(backend, &sql, values))
        .await
        .map_err(StorageError::db(format!("claiming deliveries of {module} for {tenant}")))?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut attempts = std::collections::HashMap::new();
    for row in &rows {
        let count: i32 = row.try_get("", "attempts").map_err(StorageError::db("reading a claim"))?;
        attempts.insert(text(row, "event_id")?, count.max(0) as u32);
    }
    let ids: Vec<Value> = attempts.keys().map(|id| id.as_str().into()).collect();
    let sql = format!(
        "SELECT id, name, source, occurred_at, payload FROM modgate_events WHERE tenant = ? AND id IN ({})",
        placeholders(ids.len())
    );
    let events = db
        .query_all_raw(statement(backend, &sql, std::iter::once(tenant.into()).chain(ids)))
        .await
        .map_err(StorageError::db("reading claimed events"))?;
    let mut claimed = Vec::with_capacity(events.len());
    for row in &events {
        let event = StoredEvent {
            id: text(row, "id")?,
            name: text(row, "name")?,
            source: text(row, "source")?,
            occurred_at: text(row, "occurred_at")?,
            payload: text(row, "payload")?,
        };
        claimed.push(Claimed {
            tenant: tenant.to_owned(),
            module: module.to_owned(),
            attempts: attempts.get(&event.id).copied().unwrap_or(0),
            token: token.clone(),
            event,
        });
    }
    Ok(claimed)
}

/// Records how a claimed delivery ended; `false` when the claim had been
/// lost (its lease expired and another worker took it).
pub(crate) async fn settle(
    db: &impl ConnectionTrait,
    claim: &Claimed,
    settlement: &Settlement,
    now: i64,
) -> Result<bool, EventError> {
    let updated_at = now_rfc3339();
    let (sql, values): (&str, Vec<Value>) = match settlement {
        Settlement::Delivered => (
            "UPDATE modgate_deliveries SET state = 'delivered', attempts = attempts + 1, next_at = ?, \
             lease_token = NULL, last_error = NULL, updated_at = ?",
            vec![now.into(), updated_at.into()],
        ),
        Settlement::Failed { error, retry_at: Some(at) } => (
            "UPDATE modgate_deliveries SET state = 'pending', attempts = attempts + 1, next_at = ?, \
             lease_token = NULL, last_error = ?, updated_at = ?",
            vec![(*at).into(), error.as_str().into(), updated_at.into()],
        ),
        Settlement::Failed { error, retry_at: None } => (
            "UPDATE modgate_deliveries SET state = 'dead', attempts = attempts + 1, next_at = ?, \
             lease_token = NULL, last_error = ?, updated_at = ?",
            vec![now.into(), error.as_str().into(), updated_at.into()],
        ),
        Settlement::Deferred { reason, retry_at } => (
            "UPDATE modgate_deliveries SET state = 'pending', next_at = ?, \
             lease_token = NULL, last_error = ?, updated_at = ?",
            vec![(*retry_at).into(), reason.as_str().into(), updated_at.into()],
        ),
    };
    let sql = format!("{sql} WHERE event_id = ? AND module = ? AND lease_token = ?");
    let values = values.into_iter().chain([
        claim.event.id.as_str().into(),
        claim.module.as_str().into(),
        claim.token.as_str().into(),
    ]);
    let result = db
        .execute_raw(statement(db.get_database_backend(), &sql, values))
        .await
        .map_err(StorageError::db("settling a delivery"))?;
    Ok(result.rows_affected() == 1)
}

/// Records the delivered ones of `claims` (all of one claim: same install,
/// same token) with one statement; returns how many were still this
/// worker's to settle.
pub(crate) async fn settle_delivered(db: &impl ConnectionTrait, claims: &[&Claimed], now: i64) -> Result<u64, EventError> {
    let Some(first) = claims.first() else { return Ok(0) };
    let sql = format!(
        "UPDATE modgate_deliveries SET state = 'delivered', attempts = attempts + 1, next_at = ?, \
         lease_token = NULL, last_error = NULL, updated_at = ? \
         WHERE module = ? AND lease_token = ? AND event_id IN ({})",
        placeholders(claims.len())
    );
    let values: Vec<Value> = [now.into(), now_rfc3339().into(), first.module.as_str().into(), first.token.as_str().into()]
        .into_iter()
        .chain(claims.iter().map(|c| c.event.id.as_str().into()))
        .collect();
    let result = db
        .execute_raw(statement(db.get_database_backend(), &sql, values))
        .await
        .map_err(StorageError::db("settling deliveries"))?;
    Ok(result.rows_affected())
}

/// Deletes delivered deliveries settled before `cutoff` and events older
/// than it that nothing still has to deliver; returns the events removed.
pub(crate) async fn forget_before(db: &impl ConnectionTrait, cutoff: i64) -> Result<u64, EventError> {
    let backend = db.get_database_backend();
    db.execute_raw(statement(
        backend,
        "DELETE FROM modgate_deliveries WHERE state = 'delivered' AND next_at < ?",
        [cutoff.into()],
    ))
    .await
    .map_err(StorageError::db("forgetting old deliveries"))?;
    let removed = db
        .execute_raw(statement(
            backend,
            "DELETE FROM modgate_events WHERE created_ms < ? AND NOT EXISTS \
             (SELECT 1 FROM modgate_deliveries d WHERE d.event_id = modgate_events.id)",
            [cutoff.into()],
        ))
        .await
        .map_err(StorageError::db("forgetting old events"))?;
    Ok(removed.rows_affected())
}

pub(crate) fn text(row: &QueryResult, column: &str) -> Result<String, EventError> {
    row.try_get::<String>("", column)
        .map_err(|e| EventError::Storage(StorageError::Database { context: format!("reading {column}"), source: e }))
}
