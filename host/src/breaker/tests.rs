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
    assert_eq!(refused.code(), "breaker-open");
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

#[test]
fn a_latching_breaker_stays_open_until_reset() {
    let breaker = CircuitBreaker::new(&BreakerConfig::latching(3));
    let start = Instant::now();
    fail(&breaker, 3, start);
    let years_later = start + secs(10 * 365 * 24 * 3600);
    assert!(breaker.admit_at(years_later).is_err());
    assert!(matches!(breaker.status_at(years_later), BreakerStatus::Open { .. }));
    breaker.reset();
    assert!(breaker.admit_at(years_later).is_ok());
}
