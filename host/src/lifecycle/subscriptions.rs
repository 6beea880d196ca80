//! The installs subscribed to each event name (`modgate_subscriptions`),
//! kept in step with the installed manifest inside the install's own
//! transaction: the outbox fans an event out to exactly the installs
//! subscribed when it was raised.

use std::collections::BTreeSet;

use modgate_manifest::{Manifest, Permission};
use sea_orm::{ConnectionTrait, Value};

use super::DeliveryCounts;
use crate::storage::{StorageError, statement};
use crate::tenant::TenantId;

/// Replaces the install's subscriptions with those of `manifest` (none
/// unless `subscribe:events` is granted) and drops its undelivered
/// deliveries of events it no longer subscribes to.
pub(crate) async fn save(
    conn: &impl ConnectionTrait,
    tenant: &TenantId,
    manifest: &Manifest,
    grants: &BTreeSet<Permission>,
) -> Result<(), StorageError> {
    let module = manifest.name.as_str();
    delete(conn, tenant, module).await?;
    if grants.contains(&Permission::SubscribeEvents) {
        for event in &manifest.subscriptions {
            run(
                conn,
                "INSERT INTO modgate_subscriptions (tenant, event, module) VALUES (?, ?, ?)",
                [tenant.as_str().into(), event.as_str().into(), module.into()],
                "recording a subscription",
            )
            .await?;
        }
    }
    run(
        conn,
        "DELETE FROM modgate_deliveries WHERE tenant = ? AND module = ? AND state IN ('pending', 'leased') \
         AND event_id IN (SELECT e.id FROM modgate_events e WHERE e.tenant = ? AND e.name NOT IN \
         (SELECT s.event FROM modgate_subscriptions s WHERE s.tenant = ? AND s.module = ?))",
        [
            tenant.as_str().into(),
            module.into(),
            tenant.as_str().into(),
            tenant.as_str().into(),
            module.into(),
        ],
        "dropping deliveries of events no longer subscribed",
    )
    .await
}

/// Removes the install's subscriptions and its undelivered deliveries (at
/// uninstall). Dead letters stay for the operator to read.
pub(crate) async fn remove(conn: &impl ConnectionTrait, tenant: &TenantId, module: &str) -> Result<(), StorageError> {
    delete(conn, tenant, module).await?;
    run(
        conn,
        "DELETE FROM modgate_deliveries WHERE tenant = ? AND module = ? AND state IN ('pending', 'leased')",
        [tenant.as_str().into(), module.into()],
        "dropping undelivered deliveries",
    )
    .await
}

/// The install's subscriptions as recorded.
pub(crate) async fn of_install(
    conn: &impl ConnectionTrait,
    tenant: &TenantId,
    module: &str,
) -> Result<Vec<String>, StorageError> {
    let rows = conn
        .query_all_raw(statement(
            conn.get_database_backend(),
            "SELECT event FROM modgate_subscriptions WHERE tenant = ? AND module = ? ORDER BY event",
            [tenant.as_str().into(), module.into()],
        ))
        .await
        .map_err(StorageError::db("reading subscriptions"))?;
    rows.iter()
        .map(|row| row.try_get::<String>("", "event").map_err(StorageError::db("reading subscriptions")))
        .collect()
}

async fn delete(conn: &impl ConnectionTrait, tenant: &TenantId, module: &str) -> Result<(), StorageError> {
    run(
        conn,
        "DELETE FROM modgate_subscriptions WHERE tenant = ? AND module = ?",
        [tenant.as_str().into(), module.into()],
        "clearing subscriptions",
    )
    .await
}

async fn run<const N: usize>(
    conn: &impl ConnectionTrait,
    sql: &str,
    values: [Value; N],
    context: &str,
) -> Result<(), StorageError> {
    conn.execute_raw(statement(conn.get_database_backend(), sql, values))
        .await
        .map(|_| ())
        .map_err(StorageError::db(context))
}

/// Deliveries of `module` for `tenant` by state.
pub(crate) async fn delivery_counts(
    conn: &impl ConnectionTrait,
    tenant: &TenantId,
    module: &str,
) -> Result<DeliveryCounts, StorageError> {
    let rows = conn
        .query_all_raw(statement(
            conn.get_database_backend(),
            "SELECT state, count(*) AS n FROM modgate_deliveries WHERE tenant = ? AND module = ? GROUP BY state",
            [tenant.as_str().into(), module.into()],
        ))
        .await
        .map_err(StorageError::db("counting deliveries"))?;
    let mut counts = DeliveryCounts::default();
    for row in &rows {
        let read = StorageError::db("counting deliveries");
        let state: String = row.try_get("", "state").map_err(StorageError::db("counting deliveries"))?;
        let n = row.try_get::<i64>("", "n").map_err(read)?.max(0) as u64;
        match state.as_str() {
            "pending" | "leased" => counts.pending += n,
            "delivered" => counts.delivered += n,
            "dead" => counts.dead += n,
            _ => {}
        }
    }
    Ok(counts)
}
