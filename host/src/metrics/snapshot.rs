//! What the host reports at scrape time rather than per invocation: the
//! state of each install's circuit breaker and of its event outbox. The
//! caller gathers a [`HostSnapshot`] (breakers from the HTTP bridge,
//! the outbox from [`outbox_gauges`](super::outbox_gauges)) and hands it to
//! [`Metrics::render`](super::Metrics::render).

use std::time::Duration;

use crate::breaker::BreakerStatus;

/// Everything the scrape-time gauges show. An install absent here is
/// absent from those gauges: they are rebuilt from each snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostSnapshot {
    /// One entry per install whose circuit breaker this process holds.
    pub breakers: Vec<BreakerGauge>,
    /// One entry per install with event deliveries or subscriptions.
    pub outbox: Vec<OutboxGauge>,
}

/// An install's circuit breaker (`modgate_breaker_state`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakerGauge {
    /// The tenant.
    pub tenant: String,
    /// The module.
    pub module: String,
    /// What the breaker is doing.
    pub status: BreakerStatus,
}

impl BreakerGauge {
    /// The gauge value: 0 closed, 1 half-open, 2 open — ordered by how much
    /// traffic is refused, so `max by (module)` finds the worst.
    pub fn state_value(&self) -> i64 {
        match self.status {
            BreakerStatus::Closed { .. } => 0,
            BreakerStatus::HalfOpen => 1,
            BreakerStatus::Open { .. } => 2,
        }
    }
}

/// An install's event deliveries (`modgate_outbox_pending`,
/// `modgate_outbox_oldest_age_seconds`, `modgate_dead_letters`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxGauge {
    /// The tenant.
    pub tenant: String,
    /// The subscribing module.
    pub module: String,
    /// Deliveries waiting for an attempt or being attempted (pending or leased).
    pub pending: u64,
    /// How long ago the event of the oldest waiting delivery was recorded;
    /// `None` when nothing waits (rendered as 0).
    pub oldest_pending_age: Option<Duration>,
    /// Dead-lettered deliveries (listed by `modgate events dead`).
    pub dead: u64,
}

impl OutboxGauge {
    /// An install with nothing waiting and no dead letters.
    pub fn empty(tenant: impl Into<String>, module: impl Into<String>) -> Self {
        OutboxGauge {
            tenant: tenant.into(),
            module: module.into(),
            ..OutboxGauge::default()
        }
    }
}
