//! Timing one call at a time: a warm-up, then every call timed on its own
//! with `Instant`, so the table can show a tail (p99) and not only a mean;
//! the rows take turns, so they share the machine's phases.

use std::time::{Duration, Instant};

/// Component slots of every pooled engine the rows make: 1000, modgate's
/// default, or 20 under valgrind (`PEERS_UNDER_VALGRIND=1`), which cannot
/// reserve the address space of a thousand 64 MiB memories. Instruction
/// counts do not depend on the pool's size; timings are not taken there.
pub fn pool_slots() -> u32 {
    if std::env::var_os("PEERS_UNDER_VALGRIND").is_some() { 20 } else { 1000 }
}

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

/// A row to time: its label and one call of its workload, ready to run.
pub struct Row {
    label: String,
    call: Box<dyn FnMut() -> anyhow::Result<()>>,
}

/// A row whose every call runs `call` (its value kept from the optimiser).
pub fn row<T>(label: impl Into<String>, mut call: impl FnMut() -> anyhow::Result<T> + 'static) -> Row {
    Row {
        label: label.into(),
        call: Box::new(move || {
            std::hint::black_box(call()?);
            Ok(())
        }),
    }
}

impl Row {
    /// The row's label.
    pub fn label(&self) -> &str {
        &self.label
    }
}

/// Calls each row makes per round.
const ROUND: usize = 100;

/// Times every row, interleaved: after each row's warm-up, rounds in which
/// every row makes [`ROUND`] calls, each timed on its own, until each has
/// made `settings.calls`. The machine's speed drifts by tens of percent
/// over seconds here (other tenants of the host); rows timed one after
/// another would each catch a different phase of it, rows taking turns
/// share them. A row whose call fails leaves the run (a peer that fails
/// part-way would otherwise be timed doing less work), with the reason.
pub fn measure_all(rows: Vec<Row>, settings: Settings) -> (Vec<Measured>, Vec<String>) {
    let mut failed = Vec::new();
    let mut running: Vec<(Row, Vec<Duration>)> = Vec::new();
    for mut row in rows {
        match (0..settings.warmup).try_for_each(|_| (row.call)()) {
            Ok(()) => running.push((row, Vec::with_capacity(settings.calls))),
            Err(e) => failed.push(format!("{}: {e:#}", row.label)),
        }
    }
    let rounds = settings.calls.div_ceil(ROUND);
    for round in 0..rounds {
        let calls = ROUND.min(settings.calls - round * ROUND);
        // Rotate who goes first so no row always follows the same one.
        let count = running.len();
        let mut failures = Vec::new();
        for turn in 0..count {
            let at = (round + turn) % count;
            let (row, samples) = &mut running[at];
            for _ in 0..calls {
                let start = Instant::now();
                let out = (row.call)();
                samples.push(start.elapsed());
                if let Err(e) = out {
                    failures.push((at, format!("{}: {e:#}", row.label)));
                    break;
                }
            }
        }
        failures.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
        for (at, reason) in failures {
            running.remove(at);
            failed.push(reason);
        }
    }
    let measured = running
        .into_iter()
        .map(|(row, mut samples)| {
            samples.sort_unstable();
            Measured { label: row.label, median: percentile(&samples, 50), p99: percentile(&samples, 99) }
        })
        .collect();
    (measured, failed)
}

/// The `pct`th percentile of sorted samples (nearest rank).
fn percentile(sorted: &[Duration], pct: usize) -> Duration {
    let rank = (sorted.len() * pct).div_ceil(100).max(1);
    sorted[rank - 1]
}
