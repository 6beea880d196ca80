//! Circuit breaker: stop calling something that keeps failing.
//!
//! Closed: calls flow; consecutive failures are counted and a success clears the count.
//! After `failure_threshold` consecutive failures the breaker opens and refuses calls for
//! `reset_after`. Then it is half-open: exactly one probe call is let through. A successful
//! probe closes the breaker; a failed one opens it for another full `reset_after`.
//!
//! Every admitted call holds a [`BreakerPermit`] stamped with the breaker's generation,
//! which changes on every transition. Reports from permits of an earlier generation (taken
//! before the breaker opened, or before an operator reset) are ignored, so slow calls
//! finishing late cannot corrupt the current state. Time is injected (`admit_at`,
//! `failed_at`, …) so the tests need no sleeps.
//!
//! Nothing here knows HTTP: the bridge keeps one breaker per install (tenant × module,
//! `http::serving`) and answers 503 [`BreakerOpen::code`] while it is open; the hook
//! breaker of SPEC §9 (module × hook × entity) is the same type. Tests: `tests.rs`.

#[cfg(test)]
mod tests;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use serde::Deserialize;

use crate::seconds::{duration_from_seconds, retry_after_seconds};
use crate::sync::lock;

const DEFAULT_FAILURE_THRESHOLD: u32 = 5;
const DEFAULT_RESET_AFTER: Duration = Duration::from_secs(60);
/// What `retry_in` says while a probe is in flight: its outcome, and so the wait, is unknown;
/// a short hint keeps clients from hammering without holding them back long.
pub const PROBE_PENDING_RETRY: Duration = Duration::from_secs(1);

/// Tuning for a module's circuit breaker.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct BreakerConfig {
    /// Consecutive failures that open the breaker. Default 5; 0 is treated as 1.
    pub failure_threshold: u32,
    /// How long the breaker stays open before one probe is admitted; `reset-after-seconds`
    /// in config. Default 60 s.
    #[serde(
        rename = "reset-after-seconds",
        deserialize_with = "duration_from_seconds"
    )]
    pub reset_after: Duration,
}

impl BreakerConfig {
    /// A breaker that opens after `failure_threshold` consecutive failures
    /// and stays open until [`CircuitBreaker::reset`]: no probe is ever
    /// admitted on its own (the per-hook breakers, which an operator or a
    /// new version re-arms).
    pub fn latching(failure_threshold: u32) -> Self {
        Self {
            failure_threshold,
            reset_after: Duration::MAX,
        }
    }
}

impl Default for BreakerConfig {
    fn default() -> Self {
        Self {
            failure_threshold: DEFAULT_FAILURE_THRESHOLD,
            reset_after: DEFAULT_RESET_AFTER,
        }
    }
}

/// A request refused because the module's breaker is open (or its probe is in flight).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("module is paused after repeated failures; retry in {} s", self.retry_after_seconds())]
pub struct BreakerOpen {
    /// How long until a request may be admitted again.
    pub retry_in: Duration,
}

impl BreakerOpen {
    /// `retry_in` rounded up to whole seconds, at least 1: the `Retry-After` header value.
    pub fn retry_after_seconds(&self) -> u64 {
        retry_after_seconds(self.retry_in)
    }

    /// Stable machine-readable code for this refusal: the code a client receives.
    pub fn code(&self) -> &'static str {
        "breaker-open"
    }
}

/// What the breaker is doing, for status pages and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerStatus {
    /// Requests flow.
    Closed {
        /// Failures since the last success.
        consecutive_failures: u32,
    },
    /// Requests are refused.
    Open {
        /// Time left until a probe is admitted.
        retry_in: Duration,
    },
    /// The open period is over: one probe is (or will be) admitted to test the module.
    HalfOpen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Closed { failures: u32 },
    Open { since: Instant },
    HalfOpen { probe_in_flight: bool },
}

#[derive(Debug)]
struct State {
    phase: Phase,
    /// Bumped on every transition; permits from another generation are stale.
    generation: u64,
    opened_at: Option<SystemTime>,
}

#[derive(Debug)]
struct Shared {
    failure_threshold: u32,
    reset_after: Duration,
    state: Mutex<State>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Success,
    Failure,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Every critical section leaves `State` consistent, so a poisoned lock (a panic
        // elsewhere while holding it) still guards valid data.
        lock(&self.state)
    }

    fn settle(&self, generation: u64, probe: bool, outcome: Outcome, now: Instant) {
        let mut state = self.lock();
        if state.generation != generation {
            return;
        }
        match (state.phase, probe, outcome) {
            (Phase::Closed { .. }, false, Outcome::Success) => {
                state.phase = Phase::Closed { failures: 0 };
            }
            (Phase::Closed { failures }, false, Outcome::Failure) => {
                let failures = failures.saturating_add(1);
                if failures >= self.failure_threshold {
                    open(&mut state, now);
                } else {
                    state.phase = Phase::Closed { failures };
                }
            }
            (Phase::HalfOpen { .. }, true, Outcome::Success) => {
                state.phase = Phase::Closed { failures: 0 };
                state.generation += 1;
            }
            (Phase::HalfOpen { .. }, true, Outcome::Failure) => open(&mut state, now),
            // Unreachable with matching generations; ignoring is the safe reading.
            _ => {}
        }
    }

    fn release(&self, generation: u64) {
        let mut state = self.lock();
        if state.generation == generation
            && state.phase
                == (Phase::HalfOpen {
                    probe_in_flight: true,
                })
        {
            state.phase = Phase::HalfOpen {
                probe_in_flight: false,
            };
        }
    }
}

fn open(state: &mut State, now: Instant) {
    state.phase = Phase::Open { since: now };
    state.generation += 1;
    state.opened_at = Some(SystemTime::now());
}

/// One circuit breaker (e.g. of one install). Thread-safe; share it behind an `Arc`.
#[derive(Debug)]
pub struct CircuitBreaker {
    shared: Arc<Shared>,
}

impl CircuitBreaker {
    /// A closed breaker.
    pub fn new(config: &BreakerConfig) -> Self {
        Self {
            shared: Arc::new(Shared {
                // Zero would mean "open before any failure"; one failure is the strictest meaning.
                failure_threshold: config.failure_threshold.max(1),
                reset_after: config.reset_after,
                state: Mutex::new(State {
                    phase: Phase::Closed { failures: 0 },
                    generation: 0,
                    opened_at: None,
                }),
            }),
        }
    }

    /// Asks to send one request to the module now.
    pub fn admit(&self) -> Result<BreakerPermit, BreakerOpen> {
        self.admit_at(Instant::now())
    }

    /// Asks to send one request to the module as if the time were `now`.
    pub fn admit_at(&self, now: Instant) -> Result<BreakerPermit, BreakerOpen> {
        let mut state = self.shared.lock();
        let probe = match state.phase {
            Phase::Closed { .. } => false,
            Phase::Open { since } => {
                let elapsed = now.saturating_duration_since(since);
                if elapsed < self.shared.reset_after {
                    return Err(BreakerOpen {
                        retry_in: self.shared.reset_after - elapsed,
                    });
                }
                true
            }
            Phase::HalfOpen {
                probe_in_flight: true,
            } => {
                return Err(BreakerOpen {
                    retry_in: PROBE_PENDING_RETRY,
                });
            }
            Phase::HalfOpen {
                probe_in_flight: false,
            } => true,
        };
        if probe {
            state.phase = Phase::HalfOpen {
                probe_in_flight: true,
            };
            state.generation += 1;
        }
        Ok(BreakerPermit {
            shared: Arc::clone(&self.shared),
            generation: state.generation,
            probe,
            settled: false,
        })
    }

    /// Closes the breaker and clears the failure count (operator action). Permits issued
    /// before the reset no longer affect the state.
    pub fn reset(&self) {
        let mut state = self.shared.lock();
        state.phase = Phase::Closed { failures: 0 };
        state.generation += 1;
    }

    /// The current state.
    pub fn status(&self) -> BreakerStatus {
        self.status_at(Instant::now())
    }

    /// The state as of `now`.
    pub fn status_at(&self, now: Instant) -> BreakerStatus {
        match self.shared.lock().phase {
            Phase::Closed { failures } => BreakerStatus::Closed {
                consecutive_failures: failures,
            },
            Phase::Open { since } => {
                let elapsed = now.saturating_duration_since(since);
                match self.shared.reset_after.checked_sub(elapsed) {
                    Some(retry_in) if !retry_in.is_zero() => BreakerStatus::Open { retry_in },
                    _ => BreakerStatus::HalfOpen,
                }
            }
            Phase::HalfOpen { .. } => BreakerStatus::HalfOpen,
        }
    }

    /// Wall-clock time the breaker last opened, if ever (kept after it closes again).
    pub fn opened_at(&self) -> Option<SystemTime> {
        self.shared.lock().opened_at
    }
}

/// Permission to send one request. Report how it went with [`BreakerPermit::succeeded`] or
/// [`BreakerPermit::failed`]; dropping it unreported (a cancelled request) changes nothing
/// except freeing the half-open probe slot.
#[derive(Debug)]
#[must_use = "report the outcome with succeeded() or failed()"]
pub struct BreakerPermit {
    shared: Arc<Shared>,
    generation: u64,
    probe: bool,
    settled: bool,
}

impl BreakerPermit {
    /// Whether this permit is the half-open probe.
    pub fn is_probe(&self) -> bool {
        self.probe
    }

    /// The request succeeded.
    pub fn succeeded(self) {
        self.succeeded_at(Instant::now());
    }

    /// The request succeeded, reported as of `now`.
    pub fn succeeded_at(mut self, now: Instant) {
        self.settled = true;
        self.shared
            .settle(self.generation, self.probe, Outcome::Success, now);
    }

    /// The request failed (module trapped, timed out, or answered with a server error).
    pub fn failed(self) {
        self.failed_at(Instant::now());
    }

    /// The request failed, reported as of `now` (the open period starts then).
    pub fn failed_at(mut self, now: Instant) {
        self.settled = true;
        self.shared
            .settle(self.generation, self.probe, Outcome::Failure, now);
    }
}

impl Drop for BreakerPermit {
    fn drop(&mut self) {
        if !self.settled && self.probe {
            self.shared.release(self.generation);
        }
    }
}
