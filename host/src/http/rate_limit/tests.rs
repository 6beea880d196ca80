use std::net::Ipv4Addr;

use governor::clock::FakeRelativeClock;

use super::*;

fn limiter(
    capacity: u32,
    refill_per_second: u32,
) -> (RateLimiter<FakeRelativeClock>, FakeRelativeClock) {
    let clock = FakeRelativeClock::default();
    let config = RateLimitConfig {
        capacity,
        refill_per_second,
        ..RateLimitConfig::default()
    };
    (
        RateLimiter::with_clock(&config, clock.clone()).unwrap(),
        clock,
    )
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

#[test]
fn exhausted_bucket_is_refused_with_retry_after() {
    let (limiter, _clock) = limiter(3, 1);
    let client = ip("203.0.113.9");
    for _ in 0..3 {
        assert_eq!(limiter.check(client), Ok(()));
    }
    let refused = limiter.check(client).unwrap_err();
    assert_eq!(
        refused,
        RateLimited {
            retry_after: Duration::from_secs(1)
        }
    );
    assert_eq!(refused.retry_after_seconds(), 1);
    assert_eq!(refused.code(), "rate-limited");
}

#[test]
fn retry_after_rounds_up_to_at_least_one_second() {
    let secs = |ms| {
        RateLimited {
            retry_after: Duration::from_millis(ms),
        }
        .retry_after_seconds()
    };
    assert_eq!(secs(0), 1);
    assert_eq!(secs(10), 1);
    assert_eq!(secs(1000), 1);
    assert_eq!(secs(1001), 2);
    assert_eq!(secs(2500), 3);
}

#[test]
fn retry_after_reflects_the_refill_rate() {
    let (limiter, clock) = limiter(2, 4); // one token per 250 ms
    let client = ip("203.0.113.9");
    limiter.check(client).unwrap();
    limiter.check(client).unwrap();
    assert_eq!(
        limiter.check(client).unwrap_err().retry_after,
        Duration::from_millis(250)
    );
    clock.advance(Duration::from_millis(100));
    assert_eq!(
        limiter.check(client).unwrap_err().retry_after,
        Duration::from_millis(150)
    );
}

#[test]
fn bucket_refills_as_time_passes() {
    let (limiter, clock) = limiter(2, 1);
    let client = ip("203.0.113.9");
    limiter.check(client).unwrap();
    limiter.check(client).unwrap();
    assert!(limiter.check(client).is_err());
    clock.advance(Duration::from_secs(1));
    assert_eq!(limiter.check(client), Ok(()));
    assert!(limiter.check(client).is_err());
    clock.advance(Duration::from_secs(10)); // refills to capacity, no further
    assert_eq!(limiter.check(client), Ok(()));
    assert_eq!(limiter.check(client), Ok(()));
    assert!(limiter.check(client).is_err());
}

#[test]
fn distinct_clients_have_independent_buckets() {
    let (limiter, _clock) = limiter(1, 1);
    limiter.check(ip("203.0.113.9")).unwrap();
    assert!(limiter.check(ip("203.0.113.9")).is_err());
    assert_eq!(limiter.check(ip("203.0.113.10")), Ok(()));
    assert_eq!(limiter.check(ip("2001:db8:1::1")), Ok(()));
    assert_eq!(limiter.tracked(), 3);
}

#[test]
fn ipv6_addresses_in_one_slash_64_share_a_bucket() {
    let (limiter, _clock) = limiter(2, 1);
    limiter.check(ip("2001:db8:0:1::1")).unwrap();
    limiter
        .check(ip("2001:db8:0:1:ffff:ffff:ffff:ffff"))
        .unwrap();
    assert!(limiter.check(ip("2001:db8:0:1:abcd::42")).is_err());
    assert_eq!(
        limiter.check(ip("2001:db8:0:2::1")),
        Ok(()),
        "next /64 is separate"
    );
    assert_eq!(limiter.tracked(), 2);
}

#[test]
fn ipv4_mapped_ipv6_shares_the_ipv4_bucket() {
    let (limiter, _clock) = limiter(1, 1);
    limiter.check(ip("192.0.2.1")).unwrap();
    assert!(limiter.check(ip("::ffff:192.0.2.1")).is_err());
    assert_eq!(bucket_key(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
    assert_eq!(bucket_key(ip("2001:db8::dead:beef")), ip("2001:db8::"));
}

#[test]
fn cleanup_forgets_one_hundred_thousand_idle_clients() {
    let (limiter, clock) = limiter(100, 100);
    for n in 0..100_000u32 {
        let client = IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + n));
        assert_eq!(limiter.check(client), Ok(()));
    }
    assert_eq!(limiter.tracked(), 100_000);
    limiter.cleanup();
    assert_eq!(
        limiter.tracked(),
        100_000,
        "fresh buckets are still partly drained"
    );
    clock.advance(Duration::from_secs(2)); // a full bucket refills in 1 s
    limiter.cleanup();
    assert_eq!(limiter.tracked(), 0);
}

#[test]
fn cleanup_keeps_partly_drained_buckets_and_their_state() {
    let (limiter, clock) = limiter(10, 1);
    let busy = ip("203.0.113.9");
    let idle = ip("203.0.113.10");
    for _ in 0..5 {
        limiter.check(busy).unwrap();
    }
    limiter.check(idle).unwrap();
    clock.advance(Duration::from_secs(3));
    limiter.cleanup();
    assert_eq!(limiter.tracked(), 1, "only the idle client is forgotten");
    // 5 taken, 3 refilled: exactly 8 left, proving the bucket was not reset.
    for _ in 0..8 {
        assert_eq!(limiter.check(busy), Ok(()));
    }
    assert!(limiter.check(busy).is_err());
}

#[tokio::test(start_paused = true)]
async fn cleanup_task_runs_periodically_and_stops_with_the_limiter() {
    let clock = FakeRelativeClock::default();
    let config = RateLimitConfig {
        cleanup_every: Duration::from_secs(60),
        ..Default::default()
    };
    let limiter = Arc::new(RateLimiter::with_clock(&config, clock.clone()).unwrap());
    limiter.check(ip("203.0.113.9")).unwrap();
    clock.advance(Duration::from_secs(5));
    let task = limiter.spawn_cleanup();
    // Tokio time is paused and auto-advances: no wall-clock waiting happens here.
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert_eq!(limiter.tracked(), 1, "no cleanup before the first period");
    tokio::time::sleep(Duration::from_secs(31)).await;
    assert_eq!(limiter.tracked(), 0);
    drop(limiter);
    let ended = tokio::time::timeout(Duration::from_secs(120), task).await;
    assert!(matches!(ended, Ok(Ok(()))), "{ended:?}");
}

#[test]
fn zero_or_out_of_range_settings_are_refused() {
    let build = |config: RateLimitConfig| RateLimiter::new(&config).map(|_| ()).unwrap_err();
    let base = RateLimitConfig::default();
    let err = build(RateLimitConfig {
        capacity: 0,
        ..base.clone()
    });
    assert_eq!(err, RateLimitConfigError::ZeroCapacity);
    assert_eq!(err.code(), "rate-limit-zero-capacity");
    assert_eq!(
        build(RateLimitConfig {
            refill_per_second: 0,
            ..base.clone()
        }),
        RateLimitConfigError::ZeroRefill
    );
    assert_eq!(
        build(RateLimitConfig {
            cleanup_every: Duration::ZERO,
            ..base.clone()
        }),
        RateLimitConfigError::CleanupIntervalOutOfRange { seconds: 0 }
    );
    assert_eq!(
        build(RateLimitConfig {
            cleanup_every: Duration::from_secs(86_401),
            ..base
        }),
        RateLimitConfigError::CleanupIntervalOutOfRange { seconds: 86_401 }
    );
}

#[test]
fn config_deserializes_with_kebab_case_and_defaults() {
    let config: RateLimitConfig = serde_json::from_value(serde_json::json!({
        "refill-per-second": 5,
        "cleanup-every-seconds": 30,
    }))
    .unwrap();
    assert_eq!(
        config,
        RateLimitConfig {
            capacity: 100,
            refill_per_second: 5,
            cleanup_every: Duration::from_secs(30)
        }
    );
    let defaults: RateLimitConfig = serde_json::from_value(serde_json::json!({})).unwrap();
    assert_eq!(defaults, RateLimitConfig::default());
    assert_eq!(defaults.cleanup_every, Duration::from_secs(300));
    assert!(
        serde_json::from_value::<RateLimitConfig>(serde_json::json!({ "burst": 1 })).is_err()
    );
}
