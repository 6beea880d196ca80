//! Invocation latency as counts in fixed exponential buckets. Fixed bounds
//! are what make histograms mergeable: the histograms of several flushes
//! and several host nodes add bucket by bucket, and percentiles are read
//! from the sum. The price is resolution: a percentile is known only up to
//! its bucket, and is reported as the bucket's upper bound.

use std::time::Duration;

/// The upper bounds of the latency buckets, in microseconds: 250 µs,
/// doubling up to 524.288 s. A last bucket past them counts anything
/// slower; no invocation should reach it, since wall-clock budgets are
/// seconds (`engine::budget`). Doubling keeps the table small (23 buckets
/// cover the range) at the cost of reporting a percentile up to twice its
/// true value.
pub const LATENCY_BUCKET_BOUNDS_US: [u64; 22] = {
    let mut bounds = [0u64; 22];
    let mut i = 0;
    while i < bounds.len() {
        bounds[i] = 250 << i;
        i += 1;
    }
    bounds
};

/// How many buckets a histogram has: one per bound, plus the overflow.
pub const LATENCY_BUCKETS: usize = LATENCY_BUCKET_BOUNDS_US.len() + 1;

/// Counts of invocations per latency bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LatencyHistogram {
    counts: [u64; LATENCY_BUCKETS],
}

impl Default for LatencyHistogram {
    fn default() -> Self {
        LatencyHistogram {
            counts: [0; LATENCY_BUCKETS],
        }
    }
}

impl LatencyHistogram {
    /// Counts one invocation that took `elapsed`.
    pub fn record(&mut self, elapsed: Duration) {
        self.add_to_bucket(bucket_of(elapsed), 1);
    }

    /// Adds `count` invocations to bucket `index` (ignored past the last
    /// bucket: a row written by a host with more buckets than this one).
    pub fn add_to_bucket(&mut self, index: usize, count: u64) {
        if let Some(slot) = self.counts.get_mut(index) {
            *slot = slot.saturating_add(count);
        }
    }

    /// Adds `other` bucket by bucket.
    pub fn merge(&mut self, other: &LatencyHistogram) {
        for (index, count) in other.counts.iter().enumerate() {
            self.add_to_bucket(index, *count);
        }
    }

    /// The non-empty buckets: (index, count).
    pub fn buckets(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        self.counts
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, count)| *count > 0)
    }

    /// The latency, in milliseconds, below which `per_mille`/1000 of the
    /// invocations fell: the upper bound of the bucket holding the
    /// nearest-rank quantile (rank ⌈n·q⌉, in integers so that p95 of 100
    /// is exactly the 95th). The overflow bucket reads as the last bound.
    /// `None` for an empty histogram.
    pub fn quantile_ms(&self, per_mille: u64) -> Option<f64> {
        let total: u64 = self.counts.iter().sum();
        if total == 0 {
            return None;
        }
        let rank = (u128::from(total) * u128::from(per_mille.min(1000)))
            .div_ceil(1000)
            .max(1);
        let mut seen = 0u128;
        for (index, count) in self.counts.iter().enumerate() {
            seen += u128::from(*count);
            if seen >= rank {
                return Some(bound_ms(index));
            }
        }
        Some(bound_ms(LATENCY_BUCKETS - 1))
    }
}

/// The bucket `elapsed` falls into: the first whose bound it does not
/// exceed.
pub fn bucket_of(elapsed: Duration) -> usize {
    let micros = elapsed.as_micros();
    LATENCY_BUCKET_BOUNDS_US
        .iter()
        .position(|bound| micros <= u128::from(*bound))
        .unwrap_or(LATENCY_BUCKET_BOUNDS_US.len())
}

fn bound_ms(index: usize) -> f64 {
    let last = LATENCY_BUCKET_BOUNDS_US.len() - 1;
    LATENCY_BUCKET_BOUNDS_US[index.min(last)] as f64 / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_double_from_a_quarter_millisecond() {
        assert_eq!(LATENCY_BUCKET_BOUNDS_US[0], 250);
        assert_eq!(LATENCY_BUCKET_BOUNDS_US[2], 1_000);
        assert_eq!(LATENCY_BUCKET_BOUNDS_US[21], 524_288_000);
        assert_eq!(LATENCY_BUCKETS, 23);
    }

    #[test]
    fn a_latency_on_a_bound_belongs_to_that_bound() {
        assert_eq!(bucket_of(Duration::ZERO), 0);
        assert_eq!(bucket_of(Duration::from_micros(250)), 0);
        assert_eq!(bucket_of(Duration::from_micros(251)), 1);
        assert_eq!(bucket_of(Duration::from_millis(3)), 4);
        assert_eq!(bucket_of(Duration::from_secs(600)), 22);
    }

    #[test]
    fn quantiles_are_the_upper_bound_of_the_nearest_rank_bucket() {
        let mut histogram = LatencyHistogram::default();
        assert_eq!(histogram.quantile_ms(500), None);
        for _ in 0..95 {
            histogram.record(Duration::from_millis(3));
        }
        for _ in 0..5 {
            histogram.record(Duration::from_millis(100));
        }
        assert_eq!(histogram.quantile_ms(500), Some(4.0));
        assert_eq!(histogram.quantile_ms(950), Some(4.0));
        assert_eq!(histogram.quantile_ms(960), Some(128.0));
        assert_eq!(histogram.quantile_ms(1000), Some(128.0));
        assert_eq!(histogram.quantile_ms(0), Some(4.0));
    }

    #[test]
    fn merged_histograms_add_bucket_by_bucket_and_overflow_reads_as_the_last_bound() {
        let mut a = LatencyHistogram::default();
        a.record(Duration::from_micros(100));
        let mut b = LatencyHistogram::default();
        b.record(Duration::from_micros(100));
        b.record(Duration::from_secs(900));
        a.merge(&b);
        assert_eq!(a.buckets().collect::<Vec<_>>(), [(0, 2), (22, 1)]);
        assert_eq!(a.quantile_ms(500), Some(0.25));
        assert_eq!(a.quantile_ms(990), Some(524_288.0));
    }
}
