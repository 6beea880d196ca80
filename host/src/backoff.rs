//! Retry delays of the outboxes (events, mail): exponential, capped, with
//! jitter so that work that failed together does not retry together.

use std::time::Duration;

/// The delay before the attempt that follows `attempts` failed ones: `base`
/// doubled per failure, capped at `max`, then a random point in its upper
/// half.
pub(crate) fn delay(base: Duration, max: Duration, attempts: u32) -> Duration {
    let exponent = attempts.saturating_sub(1).min(30);
    let full = base.saturating_mul(1u32 << exponent).min(max);
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
        let (base, max) = (Duration::from_millis(100), Duration::from_secs(1));
        for (attempts, full) in [(1, 100), (2, 200), (3, 400), (4, 800), (5, 1000), (30, 1000)] {
            for _ in 0..50 {
                let d = delay(base, max, attempts).as_millis() as u64;
                assert!((full / 2..=full).contains(&d), "attempt {attempts}: {d} ms not in [{}, {full}]", full / 2);
            }
        }
    }
}
