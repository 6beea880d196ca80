//! The outbox gauges read from the database at scrape time: per install,
//! the deliveries waiting, the age of the oldest, and the dead letters.
//!
//! Two fixed statements written once for both backends (`?` placeholders
//! through [`statement`], as `lifecycle::subscriptions` counts deliveries):
//! the subscribed installs, so an install with nothing waiting reports 0
//! rather than no series; and the open and dead deliveries grouped by
//! install and state. Delivered rows are skipped by the `state` index, so
//! the cost follows the backlog, not the outbox's history. Dead letters of
//! an uninstalled module stay (the operator still has to read them), and so
//! does their series.

use std::collections::BTreeMap;
use std::time::Duration;

use sea_orm::{ConnectionTrait, QueryResult};

use super::snapshot::OutboxGauge;
use crate::storage::{Storage, StorageError, now_millis, statement};

const SUBSCRIBED: &str = "SELECT DISTINCT tenant, module FROM modgate_subscriptions";

/// The age of a delivery is its event's: both are written in one
/// transaction, and a redriven dead letter keeps the age of its event.
const BY_STATE: &str = "SELECT d.tenant, d.module, d.state, count(*) AS n, min(e.created_ms) AS oldest_ms \
     FROM modgate_deliveries d JOIN modgate_events e ON e.id = d.event_id \
     WHERE d.state IN ('pending', 'leased', 'dead') GROUP BY d.tenant, d.module, d.state";

/// Reads the event outbox per (tenant, module): deliveries waiting
/// (pending or leased), the age of the oldest waiting one, and dead
/// letters. Every subscribed install is listed, and every install with
/// dead letters; sorted by tenant, then module.
pub async fn outbox_gauges(storage: &Storage) -> Result<Vec<OutboxGauge>, StorageError> {
    outbox_gauges_at(storage.connection(), now_millis()).await
}

/// [`outbox_gauges`] with ages measured from `now_ms` (milliseconds since
/// the Unix epoch), so tests need no clock.
pub(super) async fn outbox_gauges_at(
    db: &impl ConnectionTrait,
    now_ms: i64,
) -> Result<Vec<OutboxGauge>, StorageError> {
    let backend = db.get_database_backend();
    let mut installs: BTreeMap<(String, String), OutboxGauge> = BTreeMap::new();
    let subscribed = db
        .query_all_raw(statement(backend, SUBSCRIBED, []))
        .await
        .map_err(StorageError::db("listing subscribed installs for metrics"))?;
    for row in &subscribed {
        let key = (get(row, "tenant")?, get(row, "module")?);
        installs
            .entry(key)
            .or_insert_with_key(|(tenant, module)| OutboxGauge::empty(tenant, module));
    }
    let rows = db
        .query_all_raw(statement(backend, BY_STATE, []))
        .await
        .map_err(StorageError::db("counting deliveries for metrics"))?;
    for row in &rows {
        let key = (get::<String>(row, "tenant")?, get::<String>(row, "module")?);
        let state: String = get(row, "state")?;
        let n = get::<i64>(row, "n")?.max(0) as u64;
        let oldest_ms: Option<i64> = get(row, "oldest_ms")?;
        let gauge = installs
            .entry(key)
            .or_insert_with_key(|(tenant, module)| OutboxGauge::empty(tenant, module));
        match state.as_str() {
            "pending" | "leased" => {
                gauge.pending += n;
                if let Some(oldest_ms) = oldest_ms {
                    // A clock step back between nodes must not read as a negative age.
                    let age = Duration::from_millis(
                        u64::try_from(now_ms.saturating_sub(oldest_ms)).unwrap_or(0),
                    );
                    gauge.oldest_pending_age = gauge.oldest_pending_age.max(Some(age));
                }
            }
            "dead" => gauge.dead += n,
            _ => {}
        }
    }
    Ok(installs.into_values().collect())
}

fn get<T: sea_orm::TryGetable>(row: &QueryResult, column: &str) -> Result<T, StorageError> {
    row.try_get("", column).map_err(StorageError::db(format!(
        "reading {column} of the outbox counts"
    )))
}
