//! Events delivered per second, end to end: the integrator raises core
//! events in its own transactions (100 per transaction), the worker
//! delivers each to every subscriber in a fresh instance, and the
//! `event-recorder` module records each event once through the SDK's
//! ledger (`SELECT` + an atomic `exec-batch` of two `INSERT`s). The clock
//! runs from the first raise until every delivery is settled as delivered
//! and every effect row exists. On SQLite (a file in a temp dir) and on a
//! throwaway PostgreSQL server (skipped when its binaries are missing).
//!
//! Run: `cargo bench -p modgate-tests --bench events`. Prints a table for
//! docs/benchmarks.md (`EVENTS_BENCH_DETAIL=1`: also how long raising took).

use std::time::{Duration, Instant};

use modgate_artifacts::{CONFORMANCE_SUBSCRIBE_EVENTS, EVENT_RECORDER};
use modgate_host::events::{EventConfig, EventWorker};
use modgate_host::lifecycle::InstallRequest;
use modgate_host::storage::Backend;
use modgate_tests::{TestHost, acme, raise_price_drops, recorder_manifest, source, test_host};

const EVENTS: usize = 10_000;
const PER_TRANSACTION: usize = 100;

const CHECKER: &str = "name = \"conformance\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\npermissions = [\"subscribe:events\"]\nsubscriptions = [\"product.price-changed\"]\n";

struct Row {
    backend: &'static str,
    subscribers: usize,
    seconds: f64,
    deliveries: u64,
}

async fn measure(backend: Backend, subscribers: usize) -> Option<Row> {
    let host: TestHost = test_host(backend).await?;
    let install = |manifest: &str, component: &str| InstallRequest::new(source(manifest, component), acme());
    host.lifecycle.install(install(&recorder_manifest(&["product.price-changed"]), EVENT_RECORDER)).await.expect("recorder installs");
    if subscribers > 1 {
        host.lifecycle.install(install(CHECKER, CONFORMANCE_SUBSCRIBE_EVENTS)).await.expect("checker installs");
    }
    let config = EventConfig { poll_interval: Duration::from_millis(5), ..EventConfig::default() };
    let worker = EventWorker::start(host.lifecycle.clone(), host.outbox.clone(), config).expect("worker");
    let started = Instant::now();
    raise_price_drops(&host, EVENTS, PER_TRANSACTION).await;
    let raised_in = started.elapsed();
    if std::env::var_os("EVENTS_BENCH_DETAIL").is_some() {
        eprintln!("raised {EVENTS} in {raised_in:?}; delivered so far {:?}", worker.stats());
    }
    let expected = (EVENTS * subscribers) as u64;
    while worker.stats().delivered < expected {
        assert!(started.elapsed() < Duration::from_secs(600), "delivery stalled: {:?}", worker.stats());
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let seconds = started.elapsed().as_secs_f64();
    let stats = worker.stats();
    assert_eq!((stats.retried, stats.dead), (0, 0), "every delivery succeeded first time");
    Some(Row {
        backend: match backend {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        },
        subscribers,
        seconds,
        deliveries: stats.delivered,
    })
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let mut rows = Vec::new();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        for subscribers in [1, 2] {
            let row = modgate_tests::run(measure(backend, subscribers));
            match row {
                Some(row) => rows.push(row),
                None => eprintln!("PostgreSQL binaries not found: skipped"),
            }
        }
    }
    println!("\n| backend | subscribers | events | deliveries | time | events/s (raise → effect) | deliveries/s |");
    println!("|---|---|---|---|---|---|---|");
    for row in rows {
        println!(
            "| {} | {} | {} | {} | {:.2} s | **{:.0}** | {:.0} |",
            row.backend,
            row.subscribers,
            EVENTS,
            row.deliveries,
            row.seconds,
            EVENTS as f64 / row.seconds,
            row.deliveries as f64 / row.seconds
        );
    }
}
