//! Mail throughput, in two halves:
//!
//! - **queued/s**: messages queued through the `email` capability by the
//!   email-probe module (`send`, or `send-to-customer` with the host
//!   resolving the address), 500 calls per invocation, every check and the
//!   outbox write included;
//! - **sent/s**: the mail worker sending the queued backlog to a real SMTP
//!   server on loopback (`mailin`, see `tests/support/smtp.rs`) over 4
//!   connections (the default `MailConfig::concurrency`) and over 16, from
//!   the first claim until the worker counts every message sent.
//!
//! On SQLite (a file in a temp dir) and on a throwaway PostgreSQL server
//! (skipped when its binaries are missing). The rate limit is lifted: it is
//! a policy, not a cost. Run: `cargo bench -p modgate-tests --bench mail`.
//! Prints a table for docs/benchmarks.md.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use modgate_artifacts::EMAIL_PROBE;
use modgate_host::capabilities::email::EmailLimits;
use modgate_host::default_host::{HostOptions, default_host};
use modgate_host::lifecycle::Lifecycle;
use modgate_host::mail::{MailConfig, MailOutbox, MailTransport, RelayAccess, MailWorker};
use modgate_host::storage::{Backend, Storage};
use modgate_host::testing::InMemoryCommerce;
use modgate_tests::smtp::SmtpSink;
use modgate_tests::{Scratch, acme, load, manifest, scratch_database, senders};

/// Messages per measurement.
const MESSAGES: usize = 2_000;
/// Calls per invocation (the `activate` budget allows 1 000 ops).
const PER_INVOCATION: usize = 500;

struct Row {
    backend: &'static str,
    call: &'static str,
    connections: usize,
    queued_per_second: f64,
    sent_per_second: f64,
}

async fn host(backend: Backend) -> Option<(Scratch, Storage, Arc<Lifecycle>, MailOutbox)> {
    let (url, scratch) = scratch_database(backend)?;
    let storage = Storage::connect(&url).await.expect("database");
    let mail = MailOutbox::new(storage.clone(), senders());
    let unlimited = NonZeroU32::new(u32::MAX).expect("non-zero");
    let options = HostOptions {
        commerce: InMemoryCommerce::sample().into_commerce(),
        mail: Some(mail.clone()),
        email: EmailLimits { per_minute: unlimited, burst: unlimited, ..EmailLimits::default() },
        ..HostOptions::default()
    };
    let lifecycle = Arc::new(default_host(storage.clone(), options).expect("host"));
    Some((scratch, storage, lifecycle, mail))
}

async fn measure(backend: Backend, call: &'static str, connections: usize) -> Option<Row> {
    let (_scratch, _storage, lifecycle, mail) = host(backend).await?;
    let module = load(lifecycle.engine(), manifest("probe", &["email:send"]), EMAIL_PROBE).expect("probe loads");
    let script = match call {
        "send" => format!("call send\nto ada@acme.example\nsubject Price drop\ntext The espresso cup is now 9.90 EUR.\nrepeat {PER_INVOCATION}"),
        _ => format!("call send-to-customer\ncustomer cu-1\nsubject Price drop\ntext The espresso cup is now 9.90 EUR.\nexpect true\nrepeat {PER_INVOCATION}"),
    };
    let started = Instant::now();
    for _ in 0..MESSAGES / PER_INVOCATION {
        if let Err(e) = module.activate(&acme(), &script).await {
            panic!("queueing through the probe failed: {e}");
        }
    }
    let queued_per_second = MESSAGES as f64 / started.elapsed().as_secs_f64();

    let sink = SmtpSink::start();
    let config = MailConfig { poll_interval: Duration::from_millis(5), concurrency: connections, ..MailConfig::default() };
    let transport = MailTransport::relay(&sink.url(), RelayAccess::default(), config.send_timeout).expect("relay");
    let contacts = InMemoryCommerce::sample().into_commerce().contacts;
    let started = Instant::now();
    let worker = MailWorker::start(mail, transport, contacts, config).expect("worker");
    let mut reported = Instant::now();
    while (worker.stats().sent as usize) < MESSAGES {
        assert!(started.elapsed() < Duration::from_secs(600), "sending stalled: {:?}", worker.stats());
        if reported.elapsed() > Duration::from_secs(10) {
            eprintln!("{call} over {connections}: {:?} after {:.0?}", worker.stats(), started.elapsed());
            reported = Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let sent_per_second = MESSAGES as f64 / started.elapsed().as_secs_f64();
    assert_eq!(sink.received().len(), MESSAGES, "the server holds every message");
    assert_eq!((worker.stats().retried, worker.stats().dead), (0, 0));
    Some(Row {
        backend: match backend {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        },
        call,
        connections,
        queued_per_second,
        sent_per_second,
    })
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let mut rows = Vec::new();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        for (call, connections) in [("send", 4), ("send-to-customer", 4), ("send", 16)] {
            match modgate_tests::run(measure(backend, call, connections)) {
                Some(row) => rows.push(row),
                None => eprintln!("PostgreSQL binaries not found: skipped"),
            }
        }
    }
    println!("\n| backend | call | messages | queued/s (capability → outbox) | SMTP connections | sent/s (outbox → loopback SMTP) |");
    println!("|---|---|---|---|---|---|");
    for row in rows {
        println!(
            "| {} | `{}` | {} | **{:.0}** | {} | **{:.0}** |",
            row.backend, row.call, MESSAGES, row.queued_per_second, row.connections, row.sent_per_second
        );
    }
}
