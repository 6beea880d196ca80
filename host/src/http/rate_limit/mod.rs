//! Per-client request budget: one token bucket per client address, on `governor`.
//!
//! IPv6 clients are bucketed by their /64: a single host usually owns a whole /64 and could
//! otherwise rotate through 2^64 addresses to get a fresh bucket per request. IPv4 clients are
//! bucketed by full address. Buckets that have refilled are indistinguishable from new ones, so
//! [`RateLimiter::cleanup`] drops them to keep memory bounded by the number of *active* clients.
//!
//! The bridge applies it as the first step of every request (`http::pipeline::admission`); a
//! refusal is answered 429 with [`RateLimited::code`]. Tests: `tests.rs`.

#[cfg(test)]
mod tests;

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::{Arc, Weak};
use std::time::Duration;

use governor::Quota;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use serde::Deserialize;

use crate::seconds::{duration_from_seconds, retry_after_seconds};

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
        retry_after_seconds(self.retry_after)
    }

    /// Stable machine-readable code for this refusal: the code a client receives.
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
