//! The concurrency curve: 1 to 64 tasks on a 2-worker runtime, each
//! invoking the Rust `host-calls` component in a loop for a fixed time;
//! throughput, response and service latency, the most invocations in flight
//! at once, and the CPU the process got next to what two spinning threads
//! get.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use modgate_host::engine::{InvocationObservers, LoadedModule, TenantId};

use crate::measure::{Samples, cores, cpu_time, grouped, two_spinning_threads};
use crate::{engine, load, manifest_text};

const IN_FLIGHT: [usize; 7] = [1, 2, 4, 8, 16, 32, 64];
const CONCURRENT_WARM_UP: Duration = Duration::from_millis(500);
const CONCURRENT_TIME: Duration = Duration::from_secs(2);
/// How long the two threads measuring the machine's ceiling spin.
const CEILING_SPIN: Duration = Duration::from_millis(500);
/// The in-flight caps of the concurrency curve: above its largest C, so
/// that admission never answers `busy` there (the defaults are 64 per
/// module and 16 per module and tenant).
const CONCURRENT_CAP: usize = 128;

/// What the tasks of one concurrency level did.
#[derive(Default)]
struct Level {
    /// From the invocation's call to its answer.
    service: Vec<Duration>,
    /// From the task wanting to invoke (before it yields to the scheduler)
    /// to the answer: the service time plus the wait for a worker.
    response: Vec<Duration>,
    /// Successful invocations of the task that had the fewest.
    fewest: usize,
    errors: BTreeMap<String, usize>,
}

/// Invocations between their call and their answer right now, and the most
/// seen at once.
#[derive(Default)]
struct InFlight {
    now: AtomicUsize,
    most: AtomicUsize,
}

/// Runs `tasks` tasks, each invoking `module` in a loop for `time`; each
/// yields to the scheduler before each invocation, as the task of a newly
/// arrived request would wait for a worker.
async fn run_level(
    module: &LoadedModule,
    tenant: &TenantId,
    tasks: usize,
    time: Duration,
) -> (Level, usize, Duration) {
    let started = Instant::now();
    let deadline = started + time;
    let in_flight = Arc::new(InFlight::default());
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let (module, tenant, in_flight) = (module.clone(), tenant.clone(), in_flight.clone());
            tokio::spawn(async move {
                let mut level = Level::default();
                while Instant::now() < deadline {
                    let wanted = Instant::now();
                    tokio::task::yield_now().await;
                    let began = Instant::now();
                    let now = in_flight.now.fetch_add(1, Ordering::Relaxed) + 1;
                    in_flight.most.fetch_max(now, Ordering::Relaxed);
                    let answer = module.activate(&tenant, "1").await;
                    in_flight.now.fetch_sub(1, Ordering::Relaxed);
                    match answer {
                        Ok(_) => {
                            level.service.push(began.elapsed());
                            level.response.push(wanted.elapsed());
                        }
                        Err(e) => {
                            *level
                                .errors
                                .entry(format!("{}: {e}", e.kind()))
                                .or_default() += 1
                        }
                    }
                }
                level
            })
        })
        .collect();
    let mut all = Level {
        fewest: usize::MAX,
        ..Level::default()
    };
    for handle in handles {
        let level = handle.await.expect("task");
        all.fewest = all.fewest.min(level.service.len());
        all.service.extend(level.service);
        all.response.extend(level.response);
        for (error, count) in level.errors {
            *all.errors.entry(error).or_default() += count;
        }
    }
    let most = in_flight.most.load(Ordering::Relaxed);
    (all, most, started.elapsed())
}

pub fn concurrency(tenant: &TenantId) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let engine = engine(InvocationObservers::default(), Some(CONCURRENT_CAP));
    let bytes = modgate_artifacts::read(modgate_artifacts::HOST_CALLS);
    let module = load(
        &engine,
        &manifest_text("calls", "\"read:products\""),
        &bytes,
    );
    println!("### Concurrency 1 → 64 in flight\n");
    println!(
        "A tokio multi-thread runtime with 2 workers; C tasks each invoking the Rust `host-calls` `activate(\"1\")` \
         in a loop, one tenant, for {} ms untimed then {} s timed; each task yields to the scheduler before each \
         invocation, as a newly arrived request's task waits for a worker. Response: from the task wanting to \
         invoke to the answer (the wait for a worker included); service: from the call to the answer. \
         Invocations/s: successes over the timed window (until the last task's last invocation ended). Most in \
         flight: the most invocations seen between call and answer at once. CPU: the process's threads' run time \
         (`schedstat`) over the window; ceiling: what two threads spinning for {} ms got just before the level \
         (this VM's second core is not always there). The engine's in-flight caps are raised to {CONCURRENT_CAP} \
         per module and per module and tenant (defaults 64 and 16) so that admission never refuses; an error is \
         counted, never timed.\n",
        CONCURRENT_WARM_UP.as_millis(),
        CONCURRENT_TIME.as_secs(),
        CEILING_SPIN.as_millis()
    );
    println!(
        "| C | invocations/s | response p50 | response p99 | service p50 | service p99 | most in flight | fewest per task | CPU | ceiling | errors |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let mut failures = BTreeMap::new();
    for tasks in IN_FLIGHT {
        let ceiling = two_spinning_threads(CEILING_SPIN);
        runtime.block_on(run_level(&module, tenant, tasks, CONCURRENT_WARM_UP));
        let cpu = cpu_time();
        let (level, most, elapsed) =
            runtime.block_on(run_level(&module, tenant, tasks, CONCURRENT_TIME));
        let cpu = cores(cpu_time() - cpu, elapsed);
        let errors: usize = level.errors.values().sum();
        let rate = level.service.len() as f64 / elapsed.as_secs_f64();
        let (service, response) = (Samples::new(level.service), Samples::new(level.response));
        println!(
            "| {tasks} | {} | {} | {} | {} | {} | {most} | {} | {cpu:.2} cores | {ceiling:.2} cores | {errors} |",
            grouped(rate as usize),
            response.us(0.5),
            response.us(0.99),
            service.us(0.5),
            service.us(0.99),
            grouped(level.fewest),
        );
        for (error, count) in level.errors {
            *failures.entry(error).or_insert(0) += count;
        }
    }
    println!();
    for (error, count) in &failures {
        println!("error ×{count}: {error}");
    }
}
