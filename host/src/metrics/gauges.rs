//! The scrape-time gauges: registered once, emptied and refilled from a
//! [`HostSnapshot`] on every render, so an install that went away (an
//! uninstalled module, a breaker this process dropped) disappears instead
//! of reporting its last value forever.

use std::sync::atomic::AtomicU64;

use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::{Registry, Unit};

use super::labels::InstallLabels;
use super::snapshot::HostSnapshot;

/// The gauges filled from a snapshot.
#[derive(Debug)]
pub(super) struct ScrapeGauges {
    breaker_state: Family<InstallLabels, Gauge>,
    outbox_pending: Family<InstallLabels, Gauge>,
    outbox_oldest_age: Family<InstallLabels, Gauge<f64, AtomicU64>>,
    dead_letters: Family<InstallLabels, Gauge>,
}

impl ScrapeGauges {
    /// Creates the gauges and registers them (clones share their data).
    pub fn registered(registry: &mut Registry) -> Self {
        let gauges = ScrapeGauges {
            breaker_state: Family::default(),
            outbox_pending: Family::default(),
            outbox_oldest_age: Family::default(),
            dead_letters: Family::default(),
        };
        registry.register(
            "modgate_breaker_state",
            "State of the install's circuit breaker in this process: 0 closed, 1 half-open, 2 open",
            gauges.breaker_state.clone(),
        );
        registry.register(
            "modgate_outbox_pending",
            "Event deliveries to the install waiting for an attempt or being attempted",
            gauges.outbox_pending.clone(),
        );
        registry.register_with_unit(
            "modgate_outbox_oldest_age",
            "Age of the install's oldest waiting event delivery, since its event was recorded, in seconds (0 when none waits)",
            Unit::Seconds,
            gauges.outbox_oldest_age.clone(),
        );
        registry.register(
            "modgate_dead_letters",
            "Event deliveries to the install that ran out of attempts (list: modgate events dead; retry: modgate events redrive)",
            gauges.dead_letters.clone(),
        );
        gauges
    }

    /// Replaces every gauge's series with those of `snapshot`. The caller
    /// serializes refills with encoding, so no scrape sees them half-filled.
    pub fn refill(&self, snapshot: &HostSnapshot) {
        self.breaker_state.clear();
        self.outbox_pending.clear();
        self.outbox_oldest_age.clear();
        self.dead_letters.clear();
        for breaker in &snapshot.breakers {
            let labels = install(&breaker.tenant, &breaker.module);
            self.breaker_state
                .get_or_create(&labels)
                .set(breaker.state_value());
        }
        for outbox in &snapshot.outbox {
            let labels = install(&outbox.tenant, &outbox.module);
            self.outbox_pending
                .get_or_create(&labels)
                .set(saturating_i64(outbox.pending));
            let age = outbox
                .oldest_pending_age
                .map_or(0.0, |age| age.as_secs_f64());
            self.outbox_oldest_age.get_or_create(&labels).set(age);
            self.dead_letters
                .get_or_create(&labels)
                .set(saturating_i64(outbox.dead));
        }
    }
}

fn install(tenant: &str, module: &str) -> InstallLabels {
    InstallLabels {
        tenant: tenant.to_owned(),
        module: module.to_owned(),
    }
}

fn saturating_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
