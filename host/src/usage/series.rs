//! The per-minute usage series of one install, for dashboards: counts and
//! sums as stored, percentiles read from the minute's merged histogram.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::histogram::LatencyHistogram;
use super::keys::{self, minute_text, unix_minute};
use crate::storage::entities::{usage_latency, usage_series};
use crate::storage::{Storage, StorageError};
use crate::tenant::TenantId;

/// One install's invocations in one UTC minute, summed over every host node.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UsagePoint {
    /// The minute, `YYYY-MM-DDTHH:MMZ`.
    pub minute: String,
    /// Invocations that ended in it.
    pub invocations: u64,
    /// Those that failed.
    pub errors: u64,
    /// Median latency in milliseconds: the upper bound of the histogram
    /// bucket it falls in (see `LATENCY_BUCKET_BOUNDS_US`); 0 when the
    /// minute has no histogram.
    pub latency_p50_ms: f64,
    /// 95th percentile, likewise.
    pub latency_p95_ms: f64,
    /// 99th percentile, likewise.
    pub latency_p99_ms: f64,
    /// Wasm instructions executed, summed.
    pub fuel: u64,
    /// Capability operations taken, summed.
    pub ops: u64,
    /// The most one invocation held at once.
    pub memory_peak_bytes: u64,
}

/// One point per minute with flushed data among the last `minutes` UTC
/// minutes (the current one included; 0 counts as 1), oldest first.
pub async fn usage_series(
    storage: &Storage,
    tenant: &TenantId,
    module: &str,
    minutes: u32,
) -> Result<Vec<UsagePoint>, StorageError> {
    usage_series_at(storage, tenant, module, minutes, keys::now()).await
}

/// [`usage_series`] with the window ending on `now`'s minute.
pub async fn usage_series_at(
    storage: &Storage,
    tenant: &TenantId,
    module: &str,
    minutes: u32,
    now: DateTime<Utc>,
) -> Result<Vec<UsagePoint>, StorageError> {
    let since = minute_text(unix_minute(now) - i64::from(minutes.max(1) - 1));
    let context = || format!("reading the usage series of {module} for {tenant}");
    let rows = usage_series::Entity::find()
        .filter(usage_series::Column::Tenant.eq(tenant.as_str()))
        .filter(usage_series::Column::Module.eq(module))
        .filter(usage_series::Column::Minute.gte(since.as_str()))
        .order_by_asc(usage_series::Column::Minute)
        .all(storage.connection())
        .await
        .map_err(StorageError::db(context()))?;
    let buckets = usage_latency::Entity::find()
        .filter(usage_latency::Column::Tenant.eq(tenant.as_str()))
        .filter(usage_latency::Column::Module.eq(module))
        .filter(usage_latency::Column::Minute.gte(since.as_str()))
        .all(storage.connection())
        .await
        .map_err(StorageError::db(context()))?;
    let mut histograms: BTreeMap<String, LatencyHistogram> = BTreeMap::new();
    for bucket in buckets {
        let index = usize::try_from(bucket.bucket).unwrap_or(usize::MAX);
        histograms
            .entry(bucket.minute)
            .or_default()
            .add_to_bucket(index, count(bucket.invocations));
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let histogram = histograms.remove(&row.minute).unwrap_or_default();
            let quantile = |per_mille| histogram.quantile_ms(per_mille).unwrap_or(0.0);
            UsagePoint {
                latency_p50_ms: quantile(500),
                latency_p95_ms: quantile(950),
                latency_p99_ms: quantile(990),
                minute: row.minute,
                invocations: count(row.invocations),
                errors: count(row.errors),
                fuel: count(row.fuel),
                ops: count(row.ops),
                memory_peak_bytes: count(row.memory_peak_bytes),
            }
        })
        .collect())
}

fn count(stored: i64) -> u64 {
    u64::try_from(stored).unwrap_or(0)
}
