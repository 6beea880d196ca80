//! Measuring helpers shared by the curves: invocations timed one by one
//! and their percentiles, the memory peak the engine reports, the process's
//! resident memory, the CPU time its threads ran and what two spinning
//! threads get on this machine, a deterministic picker, and number
//! formatting for the tables.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use modgate_host::engine::{InvocationObserver, InvocationRecord, LoadedModule, TenantId};
use tokio::runtime::Runtime;

use crate::{ROW_TIME, SAMPLES, WARM_UP};

/// Sorted durations.
pub struct Samples(pub Vec<Duration>);

impl Samples {
    pub fn new(mut times: Vec<Duration>) -> Self {
        times.sort();
        Samples(times)
    }

    /// Nearest rank: the smallest sample at or above fraction `p` of them,
    /// in µs; "—" when there are none.
    pub fn us(&self, p: f64) -> String {
        if self.0.is_empty() {
            return "—".to_owned();
        }
        let rank = (p * self.0.len() as f64).ceil() as usize;
        let sample = self.0[rank.clamp(1, self.0.len()) - 1];
        format!("{:.1} µs", sample.as_secs_f64() * 1e6)
    }
}

/// Times invocations one by one: [`WARM_UP`] untimed, then [`SAMPLES`] or
/// as many as fit in [`ROW_TIME`]. `pick` chooses the module of each.
pub fn time_invocations(
    runtime: &Runtime,
    tenant: &TenantId,
    settings: &str,
    mut pick: impl FnMut() -> LoadedModule,
) -> Samples {
    let mut invoke = || {
        let module = pick();
        let started = Instant::now();
        runtime
            .block_on(module.activate(tenant, settings))
            .unwrap_or_else(|e| panic!("{}: activate({settings:?}) failed: {e}", module.name()));
        started.elapsed()
    };
    for _ in 0..WARM_UP {
        invoke();
    }
    let deadline = Instant::now() + ROW_TIME;
    let mut times = Vec::with_capacity(SAMPLES);
    while times.len() < SAMPLES && Instant::now() < deadline {
        times.push(invoke());
    }
    Samples::new(times)
}

/// The most memory any invocation held, as the engine reports it.
#[derive(Default)]
pub struct PeakMemory(pub AtomicUsize);

impl InvocationObserver for PeakMemory {
    fn finished(&self, record: &InvocationRecord<'_>) {
        self.0
            .fetch_max(record.memory_peak_bytes, Ordering::Relaxed);
    }
}

/// The process's resident memory (`VmRSS`), in bytes.
pub fn resident_bytes() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next()?.parse::<usize>().ok())
        .expect("VmRSS in kB");
    kib * 1024
}

pub fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1 << 20) as f64
}

/// `n` with a space between groups of three digits.
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(digit);
    }
    out
}

/// CPU time all the process's threads have run, from each thread's
/// `schedstat` (nanoseconds on a CPU; threads that ended are not counted).
pub fn cpu_time() -> Duration {
    let tasks = std::fs::read_dir("/proc/self/task").expect("/proc/self/task");
    tasks
        .flatten()
        .map(|task| schedstat(&task.path().join("schedstat")))
        .sum()
}

/// The CPU time in a `schedstat` file (zero if the thread is gone).
fn schedstat(path: &Path) -> Duration {
    let stat = std::fs::read_to_string(path).unwrap_or_default();
    let nanos = stat.split_whitespace().next().and_then(|n| n.parse().ok());
    Duration::from_nanos(nanos.unwrap_or(0))
}

/// CPUs' worth of time run over `wall`.
pub fn cores(cpu: Duration, wall: Duration) -> f64 {
    cpu.as_secs_f64() / wall.as_secs_f64()
}

/// What two threads spinning for `time` get: the machine's real ceiling
/// for two busy workers.
pub fn two_spinning_threads(time: Duration) -> f64 {
    let started = Instant::now();
    let end = started + time;
    let spin = move || {
        let own = Path::new("/proc/thread-self/schedstat");
        let before = schedstat(own);
        let mut x = 1u64;
        while Instant::now() < end {
            x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
        }
        schedstat(own) - before
    };
    let threads = [std::thread::spawn(spin), std::thread::spawn(spin)];
    let cpu = threads
        .map(|thread| thread.join().expect("spinning thread"))
        .into_iter()
        .sum();
    cores(cpu, started.elapsed())
}

/// A small deterministic generator for picking modules (xorshift64).
pub struct Picker(pub u64);

impl Picker {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}
