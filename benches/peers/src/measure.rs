//! Timing one call at a time: a warm-up, then every call timed on its own
//! with `Instant`, so the table can show a tail (p99) and not only a mean.

use std::time::{Duration, Instant};

/// How many calls each row makes. Environment: `PEERS_WARMUP` (default
/// 2 000) and `PEERS_CALLS` (default 20 000): with the defaults the slowest
/// row (a new Extism plugin per call, ~0.4 ms) takes under ten seconds.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub warmup: usize,
    pub calls: usize,
}

impl Settings {
    /// Reads the counts from the environment.
    pub fn from_env() -> anyhow::Result<Settings> {
        Ok(Settings {
            warmup: count("PEERS_WARMUP", 2_000)?,
            calls: count("PEERS_CALLS", 20_000)?.max(1),
        })
    }
}

fn count(variable: &str, default: usize) -> anyhow::Result<usize> {
    match std::env::var(variable) {
        Ok(text) => text
            .trim()
            .parse()
            .map_err(|e| anyhow::anyhow!("{variable}={text:?} is not a count: {e}")),
        Err(_) => Ok(default),
    }
}

/// One row's figures.
#[derive(Debug, Clone)]
pub struct Measured {
    pub label: String,
    pub median: Duration,
    pub p99: Duration,
}

/// Runs `call` `settings.warmup` times untimed, then `settings.calls` times,
/// each timed on its own. The first error stops the row: a peer that fails
/// part-way would otherwise be timed doing less work.
pub fn measure<T>(
    label: &str,
    settings: Settings,
    mut call: impl FnMut() -> anyhow::Result<T>,
) -> anyhow::Result<Measured> {
    for _ in 0..settings.warmup {
        std::hint::black_box(call()?);
    }
    let mut nanos = Vec::with_capacity(settings.calls);
    for _ in 0..settings.calls {
        let start = Instant::now();
        let out = call();
        let took = start.elapsed();
        std::hint::black_box(out?);
        nanos.push(took);
    }
    nanos.sort_unstable();
    Ok(Measured {
        label: label.to_owned(),
        median: percentile(&nanos, 50),
        p99: percentile(&nanos, 99),
    })
}

/// The `pct`th percentile of sorted samples (nearest rank).
fn percentile(sorted: &[Duration], pct: usize) -> Duration {
    let rank = (sorted.len() * pct).div_ceil(100).max(1);
    sorted[rank - 1]
}
