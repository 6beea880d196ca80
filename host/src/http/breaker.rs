//! Per-module circuit breaker: stop sending requests to a module that keeps failing.
//!
//! Closed: requests flow; consecutive failures are counted and a success clears the count.
//! After `failure_threshold` consecutive failures the breaker opens and refuses requests for
//! `reset_after`. Then it is half-open: exactly one probe request is let through. A successful
//! probe closes the breaker; a failed one opens it for another full `reset_after`.
//!
//! Every admitted request holds a [`BreakerPermit`] stamped with the breaker's generation,
//! which changes on every transition. Reports from permits of an earlier generation (taken
//! before the breaker opened, or before an operator reset) are ignored, so slow requests
//! finishing late cannot corrupt the current state.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use serde::{Deserialize, Deserializer};

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

impl Default for BreakerConfig {
    fn default() -> Self {
        Self {
            failure_threshold: DEFAULT_FAILURE_THRESHOLD,
            reset_after: DEFAULT_RESET_AFTER,
        }
    }
}

fn duration_from_seconds<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    u64::deserialize(deserializer).map(Duration::from_secs)
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
        let whole = self.retry_in.as_secs();
        let rounded = if self.retry_in.subsec_nanos() > 0 {
            whole.saturating_add(1)
        } else {
            whole
        };
        rounded.max(1)
    }

    /// Stable machine-readable code for this refusal.
    pub fn code(&self) -> &'static str {
        "module-circuit-open"
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
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
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

/// One module's circuit breaker. Thread-safe; share it behind an `Arc` or a route table.
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

#[cfg(test)]
mod tests {
    use super::*;

    const RESET: Duration = Duration::from_secs(60);

    fn breaker(failure_threshold: u32) -> CircuitBreaker {
        CircuitBreaker::new(&BreakerConfig {
            failure_threshold,
            reset_after: RESET,
        })
    }

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    /// Fails `n` requests at `at`.
    fn fail(breaker: &CircuitBreaker, n: u32, at: Instant) {
        for _ in 0..n {
            breaker.admit_at(at).unwrap().failed_at(at);
        }
    }

    #[test]
    fn closed_breaker_admits_and_successes_keep_it_closed() {
        let b = breaker(3);
        let t0 = Instant::now();
        let permit = b.admit_at(t0).unwrap();
        assert!(!permit.is_probe());
        permit.succeeded_at(t0);
        assert_eq!(
            b.status_at(t0),
            BreakerStatus::Closed {
                consecutive_failures: 0
            }
        );
        assert_eq!(b.opened_at(), None);
    }

    #[test]
    fn consecutive_failures_reaching_the_threshold_open_it() {
        let b = breaker(3);
        let t0 = Instant::now();
        fail(&b, 2, t0);
        assert_eq!(
            b.status_at(t0),
            BreakerStatus::Closed {
                consecutive_failures: 2
            }
        );
        fail(&b, 1, t0);
        assert_eq!(b.status_at(t0), BreakerStatus::Open { retry_in: RESET });
        assert_eq!(b.admit_at(t0).unwrap_err(), BreakerOpen { retry_in: RESET });
        assert!(b.opened_at().is_some());
    }

    #[test]
    fn a_success_resets_the_failure_count() {
        let b = breaker(3);
        let t0 = Instant::now();
        fail(&b, 2, t0);
        b.admit_at(t0).unwrap().succeeded_at(t0);
        assert_eq!(
            b.status_at(t0),
            BreakerStatus::Closed {
                consecutive_failures: 0
            }
        );
        fail(&b, 2, t0);
        assert_eq!(
            b.status_at(t0),
            BreakerStatus::Closed {
                consecutive_failures: 2
            }
        );
    }

    #[test]
    fn open_breaker_refuses_until_reset_after_then_admits_one_probe() {
        let b = breaker(1);
        let t0 = Instant::now();
        fail(&b, 1, t0);
        let refused = b.admit_at(t0 + secs(10)).unwrap_err();
        assert_eq!(refused, BreakerOpen { retry_in: secs(50) });
        assert_eq!(refused.retry_after_seconds(), 50);
        assert_eq!(refused.code(), "module-circuit-open");
        assert_eq!(
            b.admit_at(t0 + secs(59) + Duration::from_millis(500))
                .unwrap_err()
                .retry_after_seconds(),
            1
        );
        assert_eq!(b.status_at(t0 + RESET), BreakerStatus::HalfOpen);
        let probe = b.admit_at(t0 + RESET).unwrap();
        assert!(probe.is_probe());
        assert_eq!(b.status_at(t0 + RESET), BreakerStatus::HalfOpen);
        drop(probe);
    }

    #[test]
    fn while_the_probe_is_in_flight_everyone_else_is_refused() {
        let b = breaker(1);
        let t0 = Instant::now();
        fail(&b, 1, t0);
        let _probe = b.admit_at(t0 + RESET).unwrap();
        for later in [RESET, RESET + secs(1), RESET * 10] {
            assert_eq!(
                b.admit_at(t0 + later).unwrap_err(),
                BreakerOpen {
                    retry_in: PROBE_PENDING_RETRY
                }
            );
        }
    }

    #[test]
    fn successful_probe_closes_the_breaker() {
        let b = breaker(2);
        let t0 = Instant::now();
        fail(&b, 2, t0);
        b.admit_at(t0 + RESET).unwrap().succeeded_at(t0 + RESET);
        assert_eq!(
            b.status_at(t0 + RESET),
            BreakerStatus::Closed {
                consecutive_failures: 0
            }
        );
        let first = b.admit_at(t0 + RESET).unwrap();
        let second = b.admit_at(t0 + RESET).unwrap();
        assert!(!first.is_probe() && !second.is_probe());
        first.succeeded_at(t0 + RESET);
        second.succeeded_at(t0 + RESET);
        // The failure count starts from zero again.
        fail(&b, 1, t0 + RESET);
        assert_eq!(
            b.status_at(t0 + RESET),
            BreakerStatus::Closed {
                consecutive_failures: 1
            }
        );
    }

    #[test]
    fn failed_probe_reopens_for_a_full_period() {
        let b = breaker(1);
        let t0 = Instant::now();
        fail(&b, 1, t0);
        let first_opened = b.opened_at();
        let reported = t0 + RESET + secs(5);
        b.admit_at(t0 + RESET).unwrap().failed_at(reported);
        assert_eq!(
            b.status_at(reported),
            BreakerStatus::Open { retry_in: RESET }
        );
        assert_eq!(
            b.admit_at(reported + secs(59)).unwrap_err(),
            BreakerOpen { retry_in: secs(1) }
        );
        assert!(b.opened_at() >= first_opened);
        assert!(b.admit_at(reported + RESET).unwrap().is_probe());
    }

    #[test]
    fn dropped_probe_frees_the_slot_without_changing_state() {
        let b = breaker(1);
        let t0 = Instant::now();
        fail(&b, 1, t0);
        drop(b.admit_at(t0 + RESET).unwrap()); // request cancelled
        assert_eq!(b.status_at(t0 + RESET), BreakerStatus::HalfOpen);
        let probe = b.admit_at(t0 + RESET).unwrap();
        assert!(probe.is_probe());
        probe.succeeded_at(t0 + RESET);
        assert_eq!(
            b.status_at(t0 + RESET),
            BreakerStatus::Closed {
                consecutive_failures: 0
            }
        );
    }

    #[test]
    fn dropped_closed_permit_changes_nothing() {
        let b = breaker(3);
        let t0 = Instant::now();
        fail(&b, 2, t0);
        drop(b.admit_at(t0).unwrap());
        assert_eq!(
            b.status_at(t0),
            BreakerStatus::Closed {
                consecutive_failures: 2
            }
        );
    }

    #[test]
    fn permits_taken_before_the_breaker_opened_are_ignored() {
        let b = breaker(2);
        let t0 = Instant::now();
        let slow_success = b.admit_at(t0).unwrap();
        let slow_failure = b.admit_at(t0).unwrap();
        fail(&b, 2, t0);
        slow_success.succeeded_at(t0 + secs(1));
        slow_failure.failed_at(t0 + secs(30));
        // Still open, and the open period was not restarted by the late failure.
        assert_eq!(
            b.status_at(t0 + secs(10)),
            BreakerStatus::Open { retry_in: secs(50) }
        );
    }

    #[test]
    fn permits_from_the_closed_period_cannot_settle_the_probe() {
        let b = breaker(1);
        let t0 = Instant::now();
        let slow = b.admit_at(t0).unwrap();
        fail(&b, 1, t0);
        let probe = b.admit_at(t0 + RESET).unwrap();
        slow.succeeded_at(t0 + RESET);
        assert_eq!(b.status_at(t0 + RESET), BreakerStatus::HalfOpen);
        assert!(
            b.admit_at(t0 + RESET).is_err(),
            "the probe slot is still taken"
        );
        probe.failed_at(t0 + RESET);
        assert_eq!(
            b.status_at(t0 + RESET),
            BreakerStatus::Open { retry_in: RESET }
        );
    }

    #[test]
    fn reset_closes_the_breaker_and_ignores_older_permits() {
        let b = breaker(2);
        let t0 = Instant::now();
        let old = b.admit_at(t0).unwrap();
        fail(&b, 2, t0);
        b.reset();
        assert_eq!(
            b.status_at(t0),
            BreakerStatus::Closed {
                consecutive_failures: 0
            }
        );
        assert!(
            b.opened_at().is_some(),
            "the last opening stays visible to the operator"
        );
        old.failed_at(t0);
        assert_eq!(
            b.status_at(t0),
            BreakerStatus::Closed {
                consecutive_failures: 0
            }
        );
        // A probe taken before a reset cannot close or reopen it either.
        fail(&b, 2, t0);
        let probe = b.admit_at(t0 + RESET).unwrap();
        b.reset();
        fail(&b, 1, t0 + RESET);
        probe.succeeded_at(t0 + RESET);
        assert_eq!(
            b.status_at(t0 + RESET),
            BreakerStatus::Closed {
                consecutive_failures: 1
            }
        );
    }

    #[test]
    fn zero_threshold_means_one_failure_opens() {
        let b = breaker(0);
        let t0 = Instant::now();
        b.admit_at(t0).unwrap().succeeded_at(t0);
        assert_eq!(
            b.status_at(t0),
            BreakerStatus::Closed {
                consecutive_failures: 0
            }
        );
        fail(&b, 1, t0);
        assert_eq!(b.status_at(t0), BreakerStatus::Open { retry_in: RESET });
    }

    #[test]
    fn real_clock_entry_points_agree_with_the_injected_ones() {
        let b = CircuitBreaker::new(&BreakerConfig {
            failure_threshold: 1,
            reset_after: secs(3600),
        });
        b.admit().unwrap().failed();
        match b.status() {
            BreakerStatus::Open { retry_in } => assert!(retry_in > secs(3000), "{retry_in:?}"),
            other => panic!("expected open, got {other:?}"),
        }
        assert!(b.admit().is_err());
        b.reset();
        b.admit().unwrap().succeeded();
        assert_eq!(
            b.status(),
            BreakerStatus::Closed {
                consecutive_failures: 0
            }
        );
    }

    #[test]
    fn a_poisoned_lock_does_not_panic() {
        let b = breaker(1);
        let shared = Arc::clone(&b.shared);
        let _ = std::thread::spawn(move || {
            let _guard = shared.state.lock();
            panic!("poison the breaker lock");
        })
        .join();
        assert!(b.shared.state.is_poisoned());
        let t0 = Instant::now();
        fail(&b, 1, t0);
        assert_eq!(b.status_at(t0), BreakerStatus::Open { retry_in: RESET });
    }

    #[test]
    fn retry_after_seconds_rounds_up() {
        let open = |ms| {
            BreakerOpen {
                retry_in: Duration::from_millis(ms),
            }
            .retry_after_seconds()
        };
        assert_eq!(open(0), 1);
        assert_eq!(open(999), 1);
        assert_eq!(open(1000), 1);
        assert_eq!(open(1001), 2);
    }

    #[test]
    fn config_deserializes_with_kebab_case_and_defaults() {
        let config: BreakerConfig =
            serde_json::from_value(serde_json::json!({ "reset-after-seconds": 5 })).unwrap();
        assert_eq!(
            config,
            BreakerConfig {
                failure_threshold: 5,
                reset_after: secs(5)
            }
        );
        let defaults: BreakerConfig = serde_json::from_value(serde_json::json!({})).unwrap();
        assert_eq!(defaults, BreakerConfig::default());
        assert_eq!(defaults.reset_after, secs(60));
        assert!(
            serde_json::from_value::<BreakerConfig>(serde_json::json!({ "reset-after": 5 }))
                .is_err()
        );
    }
}
