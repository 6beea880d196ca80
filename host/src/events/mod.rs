//! Events: the transactional outbox and its delivery.
//!
//! - **Raising.** The integrator records a typed [`CoreEvent`] with
//!   [`Outbox::raise`] on its own open transaction, beside the write that
//!   caused it: a rolled-back write raises nothing, a committed one is
//!   delivered even if the process dies right after. Modules emit
//!   `mod.<module>.<name>` events through the `events` capability.
//! - **Fan-out.** Recording an event also writes one delivery per install
//!   of the same tenant subscribed to its name (`modgate_subscriptions`,
//!   kept by the install): delivery never crosses tenants.
//! - **Delivery.** An [`EventWorker`] claims due deliveries under expiring
//!   leases and calls each subscriber in a fresh instance under the `event`
//!   budget: at least once, retried with exponential backoff and jitter,
//!   dead-lettered after [`EventConfig::max_attempts`]. Operators list and
//!   redrive dead letters ([`dead_letters`]).
//!
//! See `docs/events.md`.

mod config;
mod core_event;
pub mod dead_letters;
mod deliveries;
mod error;
mod installs;
mod outbox;
mod worker;

pub use config::EventConfig;
pub use core_event::{Amount, CoreEvent, MAX_ID_CHARS};
pub use error::EventError;
pub use outbox::{Outbox, RecordedEvent};
pub use worker::{EventWorker, WorkerStats, WorkerStopped};

/// The event an invocation is handling, handed by the event worker to the
/// capabilities (e.g. `email` queues a message once per event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandledEvent {
    id: std::sync::Arc<str>,
}

impl HandledEvent {
    /// The event with id `id`.
    pub fn new(id: &str) -> Self {
        HandledEvent { id: std::sync::Arc::from(id) }
    }

    /// Its id.
    pub fn id(&self) -> &str {
        &self.id
    }
}
