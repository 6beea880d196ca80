//! The event worker's knobs. Every one has a documented default.

use std::time::Duration;

/// How events are delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventConfig {
    /// Attempts before a delivery is dead-lettered (default 10). A `busy`
    /// refusal (the host was full) is not an attempt.
    pub max_attempts: u32,
    /// The first retry's delay (default 1 s); each later one doubles, with
    /// jitter, up to `max_backoff`.
    pub base_backoff: Duration,
    /// Longest delay between attempts (default 10 min).
    pub max_backoff: Duration,
    /// How long a claim holds a delivery (default 30 s, well over the
    /// `event` budget's wall clock); a worker that died loses its claims
    /// when they expire.
    pub lease: Duration,
    /// Deliveries of one install in flight at once in this process
    /// (default 16, the engine's `max_in_flight_per_install` for background
    /// work, which is separate from the install's requests: more would only
    /// meet `busy`): a slow subscriber holds up only itself.
    pub per_install_in_flight: usize,
    /// Deliveries in flight at once in this process (default 64).
    pub max_in_flight: usize,
    /// How often the worker looks for due deliveries when nothing woke it
    /// (default 200 ms): events committed by other processes, retries.
    pub poll_interval: Duration,
    /// How long delivered deliveries and their events are kept (default 7 days).
    pub retention: Duration,
}

impl Default for EventConfig {
    fn default() -> Self {
        EventConfig {
            max_attempts: 10,
            base_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(600),
            lease: Duration::from_secs(30),
            per_install_in_flight: 16,
            max_in_flight: 64,
            poll_interval: Duration::from_millis(200),
            retention: Duration::from_secs(7 * 24 * 3600),
        }
    }
}

impl EventConfig {
    /// Refuses settings that cannot work, naming the knob.
    pub fn check(&self) -> Result<(), String> {
        if self.max_attempts == 0 {
            return Err("events.max_attempts must be at least 1".into());
        }
        if self.per_install_in_flight == 0 || self.max_in_flight == 0 {
            return Err("events.per_install_in_flight and events.max_in_flight must be at least 1".into());
        }
        if self.base_backoff > self.max_backoff {
            return Err("events.base_backoff must not exceed events.max_backoff".into());
        }
        if self.lease < Duration::from_millis(100) {
            return Err("events.lease must be at least 100 ms (and longer than the event budget's wall clock)".into());
        }
        Ok(())
    }
}
