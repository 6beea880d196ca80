//! Prometheus metrics per tenant and module.
//!
//! [`Metrics`] is an [`InvocationObserver`]: the engine reports every
//! finished invocation to it (register it in `EngineConfig::observers`),
//! and it counts them into per-invocation families. At scrape time the
//! caller gathers a [`HostSnapshot`] — breaker states, and the outbox read
//! by [`outbox_gauges`] — and [`Metrics::render`] returns the OpenMetrics
//! text with the gauges rebuilt from that snapshot.
//!
//! Layout: `families.rs` the per-invocation counters and histograms (with
//! their buckets and why); `gauges.rs` the scrape-time gauges;
//! `snapshot.rs` what a scrape reports; `outbox.rs` reading the outbox for
//! it; `labels.rs` the label sets. Tests: `tests.rs` (the exposition) and
//! `outbox_tests.rs` (the outbox, on SQLite).
//!
//! | metric | labels |
//! |---|---|
//! | `modgate_invocations_total` | tenant, module, context, outcome (`ok` or an error code) |
//! | `modgate_invocation_duration_seconds` (histogram) | tenant, module, context |
//! | `modgate_fuel_used_total`, `modgate_ops_used_total` | tenant, module, context |
//! | `modgate_memory_peak_bytes` (histogram) | tenant, module, context |
//! | `modgate_capability_calls_total` | tenant, module, operation |
//! | `modgate_dependency_calls_total` | tenant, module, path (`wishlist>fetcher`), operation |
//! | `modgate_breaker_state` (0 closed, 1 half-open, 2 open) | tenant, module |
//! | `modgate_outbox_pending`, `modgate_outbox_oldest_age_seconds`, `modgate_dead_letters` | tenant, module |
//!
//! Concurrency: observers only touch the per-invocation families (a read
//! lock and an atomic add; no lock of this type). Renders take turns, so
//! one render's refill never empties the gauges while another encodes.

mod families;
mod gauges;
mod labels;
mod outbox;
#[cfg(test)]
mod outbox_tests;
mod snapshot;
#[cfg(test)]
mod tests;

use std::sync::{Arc, Mutex};

use prometheus_client::registry::Registry;

use self::families::InvocationFamilies;
use self::gauges::ScrapeGauges;
pub use self::outbox::outbox_gauges;
pub use self::snapshot::{BreakerGauge, HostSnapshot, OutboxGauge};
use crate::engine::{InvocationObserver, InvocationRecord};
use crate::sync::lock;

/// The `Content-Type` of [`Metrics::render`]'s text (OpenMetrics 1.0).
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The host's Prometheus metrics: per-invocation families fed as an
/// [`InvocationObserver`], and scrape-time gauges filled by
/// [`Metrics::render`].
pub struct Metrics {
    registry: Registry,
    invocations: InvocationFamilies,
    gauges: ScrapeGauges,
    /// Held across refill and encoding of one render.
    render_turn: Mutex<()>,
}

impl Metrics {
    /// Empty metrics, every family registered. Share the `Arc` between the
    /// engine's observers and the scrape endpoint.
    pub fn new() -> Arc<Self> {
        let mut registry = Registry::default();
        let invocations = InvocationFamilies::registered(&mut registry);
        let gauges = ScrapeGauges::registered(&mut registry);
        Arc::new(Metrics {
            registry,
            invocations,
            gauges,
            render_turn: Mutex::new(()),
        })
    }

    /// The OpenMetrics text exposition (served as [`CONTENT_TYPE`]), with
    /// the scrape-time gauges replaced by `snapshot`'s. Safe to call while
    /// invocations are being observed and from several scrapes at once.
    pub fn render(&self, snapshot: &HostSnapshot) -> String {
        let _turn = lock(&self.render_turn);
        self.gauges.refill(snapshot);
        let mut text = String::new();
        // Writing to a `String` cannot fail; an error could only come from
        // an encoder bug, and a partial page beats failing the scrape.
        if let Err(error) = prometheus_client::encoding::text::encode(&mut text, &self.registry) {
            tracing::warn!(%error, "encoding the metrics failed; the page is incomplete");
        }
        text
    }
}

impl InvocationObserver for Metrics {
    fn finished(&self, record: &InvocationRecord<'_>) {
        self.invocations.record(record);
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}
