//! Per-client request budget: one token bucket per client address, on `governor`.
//!
//! IPv6 clients are bucketed by their /64: a single host usually owns a whole /64 and could
//! otherwise rotate through 2^64 addresses to get a fresh bucket per request. IPv4 clients are
//! bucketed by full address. Buckets that have refilled are indistinguishable from new ones, so
//! [`RateLimiter::cleanup`] drops them to keep memory bounded by the number of *active* clients.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::{Arc, Weak};
use std::time::Duration;

use governor::Quota;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use serde::{Deserialize, Deserializer};

const DEFAULT_CAPACITY: u32 = 100;
const DEFAULT_REFILL_PER_SECOND: u32 = 100;
const DEFAULT_CLEANUP_EVERY: Duration = Duration::from_secs(300);
/// Upper bound on the cleanup period: longer lets idle buckets pile up, and absurd values
/// would overflow timer arithmetic.
const MAX_CLEANUP_EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// Tuning for the per-client rate limit.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct RateLimitConfig {
    /// Bucket size: how many requests a client may burst. Default 100.
    pub capacity: u32,
    /// Tokens added per second (the sustained request rate). Default 100.
    pub refill_per_second: u32,
    /// How often idle buckets are dropped; `cleanup-every-seconds` in config. Default 300 s.
    #[serde(
        rename = "cleanup-every-seconds",
        deserialize_with = "duration_from_seconds"
    )]
    pub cleanup_every: Duration,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            capacity: DEFAULT_CAPACITY,
            refill_per_second: DEFAULT_REFILL_PER_SECOND,
            cleanup_every: DEFAULT_CLEANUP_EVERY,
        }
    }
}

fn duration_from_seconds<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    u64::deserialize(deserializer).map(Duration::from_secs)
}

/// Why a rate-limit configuration cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateLimitConfigError {
    /// `capacity` is zero, which would refuse every request.
    #[error(
        "rate-limit `capacity` is 0, which refuses every request; set it to 1 or more (default 100)"
    )]
    ZeroCapacity,
    /// `refill-per-second` is zero, so buckets would never refill.
    #[error(
        "rate-limit `refill-per-second` is 0, so clients would be blocked forever; set it to 1 or more (default 100)"
    )]
    ZeroRefill,
    /// `cleanup-every-seconds` is zero or longer than a day.
    #[error("rate-limit `cleanup-every-seconds` is {seconds}; use 1 to 86400 (default 300)")]
    CleanupIntervalOutOfRange {
        /// The configured value, in whole seconds.
        seconds: u64,
    },
}

impl RateLimitConfigError {
    /// Stable machine-readable code for this refusal.
    pub fn code(&self) -> &'static str {
        match self {
            Self::ZeroCapacity => "rate-limit-zero-capacity",
            Self::ZeroRefill => "rate-limit-zero-refill",
            Self::CleanupIntervalOutOfRange { .. } => "rate-limit-cleanup-interval",
        }
    }
}

/// A request refused because the client's bucket is empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many requests from this client; retry in {} s", self.retry_after_seconds())]
pub struct RateLimited {
    /// How long until the bucket holds a token again.
    pub retry_after: Duration,
}

impl RateLimited {
    /// `retry_after` rounded up to whole seconds, at least 1: the `Retry-After` header value.
    pub fn retry_after_seconds(&self) -> u64 {
        let whole = self.retry_after.as_secs();
        let rounded = if self.retry_after.subsec_nanos() > 0 {
            whole.saturating_add(1)
        } else {
            whole
        };
        rounded.max(1)
    }

    /// Stable machine-readable code for this refusal.
    pub fn code(&self) -> &'static str {
        "rate-limited"
    }
}

/// The bucket a client address draws from: IPv4 (including IPv4-mapped IPv6) by address,
/// IPv6 by its /64 prefix.
pub fn bucket_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & (u128::MAX << 64))),
    }
}

type KeyedLimiter<C> = governor::RateLimiter<
    IpAddr,
    DefaultKeyedStateStore<IpAddr>,
    C,
    NoOpMiddleware<<C as Clock>::Instant>,
>;

/// Per-client token buckets. Generic over governor's clock so tests can drive time by hand.
pub struct RateLimiter<C: Clock = DefaultClock> {
    buckets: KeyedLimiter<C>,
    cleanup_every: Duration,
}

impl RateLimiter {
    /// A limiter on the real monotonic clock.
    pub fn new(config: &RateLimitConfig) -> Result<Self, RateLimitConfigError> {
        Self::with_clock(config, DefaultClock::default())
    }
}

impl<C: Clock> RateLimiter<C> {
    /// A limiter reading time from `clock` (e.g. `governor::clock::FakeRelativeClock` in tests).
    pub fn with_clock(config: &RateLimitConfig, clock: C) -> Result<Self, RateLimitConfigError> {
        let capacity =
            NonZeroU32::new(config.capacity).ok_or(RateLimitConfigError::ZeroCapacity)?;
        let refill =
            NonZeroU32::new(config.refill_per_second).ok_or(RateLimitConfigError::ZeroRefill)?;
        if config.cleanup_every.is_zero() || config.cleanup_every > MAX_CLEANUP_EVERY {
            return Err(RateLimitConfigError::CleanupIntervalOutOfRange {
                seconds: config.cleanup_every.as_secs(),
            });
        }
        let quota = Quota::per_second(refill).allow_burst(capacity);
        Ok(Self {
            buckets: governor::RateLimiter::new(quota, DefaultKeyedStateStore::default(), clock),
            cleanup_every: config.cleanup_every,
        })
    }

    /// Takes one token from `ip`'s bucket, or says how long until one is available.
    pub fn check(&self, ip: IpAddr) -> Result<(), RateLimited> {
        self.buckets
            .check_key(&bucket_key(ip))
            .map_err(|not_until| RateLimited {
                retry_after: not_until.wait_time_from(self.buckets.clock().now()),
            })
    }

    /// Number of buckets currently held (active clients since the last cleanup).
    pub fn tracked(&self) -> usize {
        self.buckets.len()
    }

    /// Drops buckets that have refilled completely: they behave exactly like fresh ones, so
    /// forgetting them loses nothing. Partly drained buckets are kept.
    pub fn cleanup(&self) {
        self.buckets.retain_recent();
        self.buckets.shrink_to_fit();
    }
}

impl<C> RateLimiter<C>
where
    C: Clock + Send + Sync + 'static,
{
    /// Runs [`RateLimiter::cleanup`] every `cleanup_every` on the Tokio runtime. The task holds
    /// only a `Weak` reference and ends by itself once the limiter is dropped.
    ///
    /// # Panics
    /// When called outside a Tokio runtime, like `tokio::spawn`.
    pub fn spawn_cleanup(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let limiter: Weak<Self> = Arc::downgrade(self);
        let every = self.cleanup_every;
        tokio::spawn(async move {
            // The first tick of a plain `interval` fires at once; cleaning an empty map is
            // pointless, so start one period from now.
            let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                let Some(limiter) = limiter.upgrade() else {
                    break;
                };
                limiter.cleanup();
            }
        })
    }
}

impl<C: Clock> fmt::Debug for RateLimiter<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimiter")
            .field("tracked", &self.tracked())
            .field("cleanup_every", &self.cleanup_every)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
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
}
