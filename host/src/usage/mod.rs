//! The usage audit and the least-privilege report: which capability
//! operations each install calls and what its invocations cost, so that an
//! operator can see a module asking for more than it uses and cut its
//! manifest down to what it needs.
//!
//! How it fits together:
//! - [`UsageRecorder`] (`recorder.rs`) is an engine observer. It counts in
//!   memory (`pending.rs`) — calls per operation and day, and per minute the
//!   invocations, errors, fuel, ops, peak memory and a latency histogram
//!   (`histogram.rs`) — and [`UsageRecorder::flush`] adds the counts to the
//!   database (`store.rs`) in one transaction, putting them back if it
//!   fails. The engine's hot path never waits for the database.
//! - Which permission an operation exercises comes from the contract
//!   (`operations.rs`): the operation `products.get` belongs to the
//!   interface `modgate:commerce/products`, which `read:products` unlocks.
//!   `subscribe:events` unlocks only an export, so a delivered event counts
//!   as the operation [`EVENT_DELIVERY_OPERATION`].
//! - [`least_privilege`] (`report.rs`) compares the declared permissions with
//!   those used in a window of days, and for a module with dependency
//!   components each component's holdings with its use (`paths.rs`; the
//!   calls a dependency made are also counted per path); [`usage_series`] (`series.rs`) reads the
//!   per-minute series with percentiles.
//!
//! Counts merge by adding (and peak memory by maximum) everywhere — in
//! memory, between flushes, between host nodes — which is why latencies
//! are kept as fixed buckets and percentiles are only computed on reading.
//! Days and minutes are UTC (`keys.rs`).
//!
//! Tables (migration `m0007_usage`): `modgate_usage_calls` (per tenant,
//! module, permission, operation, day; the dependencies' share also in
//! `modgate_usage_path_calls` by path, migration `m0010_dependencies`),
//! `modgate_usage_series` (per tenant, module, minute) and `modgate_usage_latency` (per tenant, module, minute,
//! bucket). Retention: [`SERIES_RETENTION_DAYS`], [`CALLS_RETENTION_DAYS`].

mod histogram;
mod keys;
mod operations;
mod paths;
mod pending;
mod recorder;
mod report;
mod series;
mod store;

pub use histogram::{LATENCY_BUCKET_BOUNDS_US, LATENCY_BUCKETS};
pub use operations::{EVENT_DELIVERY_OPERATION, permission_of_operation};
pub use paths::PathUse;
pub use recorder::{DEFAULT_FLUSH_INTERVAL, UsageRecorder};
pub use report::{
    LeastPrivilegeReport, OperationUse, PermissionUse, least_privilege, least_privilege_at,
};
pub use series::{UsagePoint, usage_series, usage_series_at};
pub use store::{CALLS_RETENTION_DAYS, SERIES_RETENTION_DAYS};

#[cfg(test)]
mod tests;
