//! Retry delays: exponential, capped, with jitter so that deliveries that
//! failed together do not retry together.

use std::time::Duration;

use crate::events::config::EventConfig;

/// The delay before the attempt that follows `attempts` failed ones: the
/// base doubled per failure, capped, then a random point in its upper half.
pub(crate) fn delay(config: &EventConfig, attempts: u32) -> Duration {
    let exponent = attempts.saturating_sub(1).min(30);
    let full = config
        .base_backoff
        .saturating_mul(1u32 << exponent)
        .min(config.max_backoff);
    let half = full / 2;
    half + half.mul_f64(jitter())
}

/// A number in [0, 1), from the random bits of a fresh ULID (the `ulid`
/// crate draws them from the thread's random generator).
fn jitter() -> f64 {
    let bits = (ulid::Ulid::generate().random() as u64) >> 11;
    bits as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_with_jitter_and_stop_at_the_cap() {
        let config = EventConfig {
            base_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
            ..EventConfig::default()
        };
        for (attempts, full) in [(1, 100), (2, 200), (3, 400), (4, 800), (5, 1000), (30, 1000)] {
            for _ in 0..50 {
                let d = delay(&config, attempts).as_millis() as u64;
                assert!((full / 2..=full).contains(&d), "attempt {attempts}: {d} ms not in [{}, {full}]", full / 2);
            }
        }
    }
}
