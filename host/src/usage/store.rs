//! Writing a flush: every count is added to its row in one transaction
//! (`INSERT … ON CONFLICT DO UPDATE SET n = table.n + excluded.n`, the same
//! statement on SQLite and PostgreSQL), so flushes from several host nodes
//! into the same day or minute add up, and a failed flush changes nothing.
//! Rows past retention go in the same transaction.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, IntoIden, OnConflict};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set, TransactionTrait};

use super::keys::{day_text, minute_text, unix_day, unix_minute};
use super::operations::permission_of_operation;
use super::pending::Pending;
use crate::storage::entities::{usage_call, usage_latency, usage_path_call, usage_series};
use crate::storage::{Storage, StorageError};

/// How long the per-minute series is kept: a week of minutes (10,080 rows
/// per install at most) is what a dashboard of recent behaviour shows.
pub const SERIES_RETENTION_DAYS: i64 = 7;

/// How long the per-day operation counts are kept: past a year, so that a
/// permission used once a year (an annual export) does not look unused to
/// the least-privilege report.
pub const CALLS_RETENTION_DAYS: i64 = 400;

/// Rows per `INSERT`: far below SQLite's and PostgreSQL's limits on bound
/// values (the widest row binds 8).
const ROWS_PER_STATEMENT: usize = 200;

/// Adds `pending` to the tables and drops rows past retention as of `now`,
/// all in one transaction.
pub(crate) async fn write(
    storage: &Storage,
    pending: &Pending,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    let _turn = storage.write_turn().await;
    let tx = storage
        .connection()
        .begin()
        .await
        .map_err(StorageError::db("starting the usage flush"))?;
    let (calls, series, latency) = rows(pending);
    upsert_calls(&tx, calls).await?;
    upsert_path_calls(&tx, path_rows(pending)).await?;
    upsert_series(&tx, series).await?;
    upsert_latency(&tx, latency).await?;
    expire(&tx, now).await?;
    tx.commit()
        .await
        .map_err(StorageError::db("committing the usage flush"))
}

type Rows = (
    Vec<usage_call::ActiveModel>,
    Vec<usage_series::ActiveModel>,
    Vec<usage_latency::ActiveModel>,
);

/// The rows of `pending`, in key order: two nodes flushing into the same
/// rows then lock them in the same order, so PostgreSQL never has to break
/// a deadlock between them.
fn rows(pending: &Pending) -> Rows {
    let (mut calls, mut series, mut latency) = (Vec::new(), Vec::new(), Vec::new());
    let mut tenants: Vec<_> = pending.installs.iter().collect();
    tenants.sort_by_key(|(tenant, _)| *tenant);
    for (tenant, modules) in tenants {
        let mut modules: Vec<_> = modules.iter().collect();
        modules.sort_by_key(|(module, _)| *module);
        for (module, usage) in modules {
            let mut operations: Vec<_> = usage
                .calls
                .iter()
                // Operations no permission gates have nothing to tell the
                // least-privilege report (there are none today: the
                // operations test keeps every capability operation mapped).
                .filter_map(|((operation, day), count)| {
                    Some((
                        permission_of_operation(operation)?,
                        *operation,
                        *day,
                        *count,
                    ))
                })
                .collect();
            operations.sort();
            for (permission, operation, day, count) in operations {
                calls.push(usage_call::ActiveModel {
                    tenant: Set(tenant.as_str().to_owned()),
                    module: Set(module.clone()),
                    permission: Set(permission.as_str().to_owned()),
                    operation: Set(operation.to_owned()),
                    day: Set(day_text(day)),
                    calls: Set(stored(count)),
                });
            }
            let mut minutes: Vec<_> = usage.minutes.iter().collect();
            minutes.sort_by_key(|(minute, _)| **minute);
            for (minute, usage) in minutes {
                let minute = minute_text(*minute);
                series.push(usage_series::ActiveModel {
                    tenant: Set(tenant.as_str().to_owned()),
                    module: Set(module.clone()),
                    minute: Set(minute.clone()),
                    invocations: Set(stored(usage.invocations)),
                    errors: Set(stored(usage.errors)),
                    fuel: Set(stored(usage.fuel)),
                    ops: Set(stored(usage.ops)),
                    memory_peak_bytes: Set(stored(usage.memory_peak_bytes)),
                });
                for (bucket, count) in usage.latency.buckets() {
                    latency.push(usage_latency::ActiveModel {
                        tenant: Set(tenant.as_str().to_owned()),
                        module: Set(module.clone()),
                        minute: Set(minute.clone()),
                        bucket: Set(i32::try_from(bucket).unwrap_or(i32::MAX)),
                        invocations: Set(stored(count)),
                    });
                }
            }
        }
    }
    (calls, series, latency)
}

/// The dependency components' calls of `pending`, in key order (as [`rows`]).
fn path_rows(pending: &Pending) -> Vec<usage_path_call::ActiveModel> {
    let mut keyed: Vec<_> = pending
        .installs
        .iter()
        .flat_map(|(tenant, modules)| modules.iter().map(move |(module, usage)| (tenant, module, usage)))
        .flat_map(|(tenant, module, usage)| {
            usage.dependency_calls.iter().filter_map(move |((path, operation, day), count)| {
                let permission = permission_of_operation(operation)?;
                Some((tenant.as_str(), module.as_str(), &**path, permission.as_str(), *operation, *day, *count))
            })
        })
        .collect();
    keyed.sort();
    keyed
        .into_iter()
        .map(|(tenant, module, path, permission, operation, day, count)| usage_path_call::ActiveModel {
            tenant: Set(tenant.to_owned()),
            module: Set(module.to_owned()),
            path: Set(path.to_owned()),
            permission: Set(permission.to_owned()),
            operation: Set(operation.to_owned()),
            day: Set(day_text(day)),
            calls: Set(stored(count)),
        })
        .collect()
}

/// Counts are `BIGINT`: a sum past `i64::MAX` is stored as the maximum.
fn stored(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// `table.column + excluded.column`: the stored count plus this flush's.
fn added<T, C>(table: T, column: C) -> Expr
where
    T: IntoIden + Copy,
    C: IntoIden + Copy,
{
    Expr::col((table, column)).add(Expr::col((Alias::new("excluded"), column)))
}

/// The larger of the stored and the flushed value (`GREATEST` and
/// two-argument `MAX` differ between the backends; `CASE` does not).
fn larger<T, C>(table: T, column: C) -> Expr
where
    T: IntoIden + Copy,
    C: IntoIden + Copy,
{
    let flushed = Expr::col((Alias::new("excluded"), column));
    Expr::case(flushed.clone().gt(Expr::col((table, column))), flushed)
        .finally(Expr::col((table, column)))
        .into()
}

async fn upsert_calls(tx: &DatabaseTransaction, rows: Vec<usage_call::ActiveModel>) -> Result<(), StorageError> {
    use usage_call::{Column, Entity};
    let on_conflict = OnConflict::columns([Column::Tenant, Column::Module, Column::Permission, Column::Operation, Column::Day])
        .value(Column::Calls, added(Entity, Column::Calls))
        .to_owned();
    insert_adding(tx, rows, on_conflict, "adding operation calls to modgate_usage_calls").await
}

async fn upsert_path_calls(tx: &DatabaseTransaction, rows: Vec<usage_path_call::ActiveModel>) -> Result<(), StorageError> {
    use usage_path_call::{Column, Entity};
    let on_conflict =
        OnConflict::columns([Column::Tenant, Column::Module, Column::Path, Column::Permission, Column::Operation, Column::Day])
            .value(Column::Calls, added(Entity, Column::Calls))
            .to_owned();
    insert_adding(tx, rows, on_conflict, "adding dependency calls to modgate_usage_path_calls").await
}

async fn upsert_series(tx: &DatabaseTransaction, rows: Vec<usage_series::ActiveModel>) -> Result<(), StorageError> {
    use usage_series::{Column, Entity};
    let on_conflict = OnConflict::columns([Column::Tenant, Column::Module, Column::Minute])
        .values([
            (Column::Invocations, added(Entity, Column::Invocations)),
            (Column::Errors, added(Entity, Column::Errors)),
            (Column::Fuel, added(Entity, Column::Fuel)),
            (Column::Ops, added(Entity, Column::Ops)),
            (Column::MemoryPeakBytes, larger(Entity, Column::MemoryPeakBytes)),
        ])
        .to_owned();
    insert_adding(tx, rows, on_conflict, "adding invocations to modgate_usage_series").await
}

async fn upsert_latency(tx: &DatabaseTransaction, rows: Vec<usage_latency::ActiveModel>) -> Result<(), StorageError> {
    use usage_latency::{Column, Entity};
    let on_conflict = OnConflict::columns([Column::Tenant, Column::Module, Column::Minute, Column::Bucket])
        .value(Column::Invocations, added(Entity, Column::Invocations))
        .to_owned();
    insert_adding(tx, rows, on_conflict, "adding latencies to modgate_usage_latency").await
}

/// Inserts `rows`, [`ROWS_PER_STATEMENT`] per statement, each conflict
/// resolved by `on_conflict` (adding to the row).
async fn insert_adding<A>(
    tx: &DatabaseTransaction,
    rows: Vec<A>,
    on_conflict: OnConflict,
    what: &'static str,
) -> Result<(), StorageError>
where
    A: sea_orm::ActiveModelTrait + Clone + Send,
{
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        <A::Entity as EntityTrait>::insert_many(chunk.to_vec())
            .on_conflict(on_conflict.clone())
            .exec_without_returning(tx)
            .await
            .map_err(StorageError::db(what))?;
    }
    Ok(())
}

/// Deletes the series older than [`SERIES_RETENTION_DAYS`] and the call
/// counts older than [`CALLS_RETENTION_DAYS`] before `now`.
async fn expire(tx: &DatabaseTransaction, now: DateTime<Utc>) -> Result<(), StorageError> {
    let oldest_minute = minute_text(unix_minute(now) - SERIES_RETENTION_DAYS * 24 * 60);
    let oldest_day = day_text(unix_day(now) - CALLS_RETENTION_DAYS);
    usage_series::Entity::delete_many()
        .filter(usage_series::Column::Minute.lt(oldest_minute.as_str()))
        .exec(tx)
        .await
        .map_err(StorageError::db("expiring modgate_usage_series"))?;
    usage_latency::Entity::delete_many()
        .filter(usage_latency::Column::Minute.lt(oldest_minute.as_str()))
        .exec(tx)
        .await
        .map_err(StorageError::db("expiring modgate_usage_latency"))?;
    usage_call::Entity::delete_many()
        .filter(usage_call::Column::Day.lt(oldest_day.as_str()))
        .exec(tx)
        .await
        .map_err(StorageError::db("expiring modgate_usage_calls"))?;
    usage_path_call::Entity::delete_many()
        .filter(usage_path_call::Column::Day.lt(oldest_day.as_str()))
        .exec(tx)
        .await
        .map_err(StorageError::db("expiring modgate_usage_path_calls"))?;
    Ok(())
}
