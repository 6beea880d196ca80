//! Dead letters for the operator: the deliveries that ran out of attempts,
//! with their last error, and redriving them (back to `pending` with a
//! fresh count of attempts). Counts per install are in `modgate show`.

use sea_orm::{ConnectionTrait, Value};
use serde::Serialize;

use crate::events::deliveries::text;
use crate::events::error::EventError;
use crate::storage::changes::{WorkQueue, announce_work};
use crate::storage::now_millis;
use crate::storage::{StorageError, now_rfc3339, statement};
use crate::tenant::TenantId;

/// A delivery that ran out of attempts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadLetter {
    /// The event.
    pub event_id: String,
    /// Its name.
    pub event: String,
    /// The tenant.
    pub tenant: String,
    /// The subscribing module.
    pub module: String,
    /// Attempts made.
    pub attempts: u32,
    /// The last attempt's error.
    pub last_error: String,
    /// When it was dead-lettered (RFC 3339 UTC).
    pub at: String,
}

/// The dead letters, optionally of one tenant and module, oldest first.
pub async fn list(
    db: &impl ConnectionTrait,
    tenant: Option<&TenantId>,
    module: Option<&str>,
) -> Result<Vec<DeadLetter>, EventError> {
    let mut sql = String::from(
        "SELECT d.event_id, e.name, d.tenant, d.module, d.attempts, d.last_error, d.updated_at \
         FROM modgate_deliveries d JOIN modgate_events e ON e.id = d.event_id WHERE d.state = 'dead'",
    );
    let mut values: Vec<Value> = Vec::new();
    if let Some(tenant) = tenant {
        sql.push_str(" AND d.tenant = ?");
        values.push(tenant.as_str().into());
    }
    if let Some(module) = module {
        sql.push_str(" AND d.module = ?");
        values.push(module.into());
    }
    sql.push_str(" ORDER BY d.updated_at, d.event_id");
    let rows = db
        .query_all_raw(statement(db.get_database_backend(), &sql, values))
        .await
        .map_err(StorageError::db("listing dead letters"))?;
    rows.iter()
        .map(|row| {
            let attempts: i32 = row.try_get("", "attempts").map_err(StorageError::db("reading a dead letter"))?;
            let last_error: Option<String> =
                row.try_get("", "last_error").map_err(StorageError::db("reading a dead letter"))?;
            Ok(DeadLetter {
                event_id: text(row, "event_id")?,
                event: text(row, "name")?,
                tenant: text(row, "tenant")?,
                module: text(row, "module")?,
                attempts: attempts.max(0) as u32,
                last_error: last_error.unwrap_or_default(),
                at: text(row, "updated_at")?,
            })
        })
        .collect()
}

/// Puts dead letters of `module` for `tenant` back to `pending`, due now
/// with no attempts counted: one event, or all with `event_id` `None`.
/// Returns how many; none matching is `no-such-delivery`.
pub async fn redrive(
    db: &impl ConnectionTrait,
    tenant: &TenantId,
    module: &str,
    event_id: Option<&str>,
) -> Result<u64, EventError> {
    let mut sql = String::from(
        "UPDATE modgate_deliveries SET state = 'pending', attempts = 0, next_at = ?, lease_token = NULL, \
         updated_at = ? WHERE state = 'dead' AND tenant = ? AND module = ?",
    );
    let mut values: Vec<Value> = vec![now_millis().into(), now_rfc3339().into(), tenant.as_str().into(), module.into()];
    if let Some(event_id) = event_id {
        sql.push_str(" AND event_id = ?");
        values.push(event_id.into());
    }
    let result = db
        .execute_raw(statement(db.get_database_backend(), &sql, values))
        .await
        .map_err(StorageError::db("redriving dead letters"))?;
    if result.rows_affected() > 0 {
        // Workers of other processes (the CLI runs none) look at once.
        announce_work(db, WorkQueue::Events).await.map_err(StorageError::db("announcing the redriven deliveries"))?;
    }
    match result.rows_affected() {
        0 => Err(EventError::NoSuchDelivery {
            tenant: tenant.to_string(),
            module: module.to_owned(),
            selection: event_id.map_or_else(|| "any event".to_owned(), |id| format!("event {id}")),
        }),
        n => Ok(n),
    }
}
