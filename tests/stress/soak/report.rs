//! The soak's printed figures (they go into `docs/security.md`): answers
//! by target and code, latencies, resident memory by phase, the outboxes.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use super::host::SoakHost;
use super::load::{CLIENTS, FLOOD_WORKERS, Tally, WORKERS_PER_CLIENT};
use super::outbox::Outbox;
use modgate_tests::rss::mib;

/// The resident size when a phase's last answer came.
pub struct Mark {
    pub phase: &'static str,
    pub rss: u64,
    pub split: (u64, u64, u64),
    pub answered: u64,
    pub at: Duration,
}

pub fn report(
    tally: &Tally,
    marks: &[Mark],
    load_time: Duration,
    outbox: &Outbox,
    host: &SoakHost,
) {
    println!(
        "\nsoak: {} requests, {} connections ({} client addresses × {} + a flooding address × {}), {:.1} s of load",
        tally.requests(),
        CLIENTS as usize * WORKERS_PER_CLIENT + FLOOD_WORKERS,
        CLIENTS,
        WORKERS_PER_CLIENT,
        FLOOD_WORKERS,
        load_time.as_secs_f64()
    );
    println!("  {:<20} {:<28} {:>6}", "target", "status code", "count");
    for ((target, key), count) in &tally.outcomes {
        println!("  {target:<20} {key:<28} {count:>6}");
    }
    let mut codes: BTreeMap<String, u64> = BTreeMap::new();
    for ((_, key), count) in &tally.outcomes {
        *codes.entry(key.clone()).or_default() += count;
    }
    let summary: Vec<String> = codes.iter().map(|(k, n)| format!("{k}: {n}")).collect();
    println!("  by outcome: {}", summary.join(", "));
    println!(
        "  latency: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        tally.percentile(50).as_secs_f64() * 1e3,
        tally.percentile(99).as_secs_f64() * 1e3,
        tally
            .latencies
            .iter()
            .max()
            .copied()
            .unwrap_or_default()
            .as_secs_f64()
            * 1e3
    );
    for m in marks {
        let (pool, anon, file) = m.split;
        println!(
            "  RSS after {:<8} ({:>5} requests, {:>5.1} s): {:.1} MiB (pool {:.1}, other anonymous {:.1}, file-backed {:.1})",
            m.phase,
            m.answered,
            m.at.as_secs_f64(),
            mib(m.rss),
            mib(pool),
            mib(anon),
            mib(file)
        );
    }
    let events = host.events.stats();
    let mail = host.mail.stats();
    let modules: BTreeSet<&str> = outbox.deliveries.keys().map(|(m, _)| m.as_str()).collect();
    println!(
        "  events: {} accepted, {} in the outbox; deliveries {:?}; worker: {} delivered, {} retried, {} dead, {} deferred",
        tally.accepted_events.len(),
        outbox.events,
        outbox.deliveries,
        events.delivered,
        events.retried,
        events.dead,
        events.deferred
    );
    println!(
        "  recorder effects {} ({} distinct events); mail {:?}; mail worker: {} sent, {} retried, {} dead, {} suppressed; subscribers {modules:?}",
        outbox.recorded,
        outbox.recorded_distinct,
        outbox.mail,
        mail.sent,
        mail.retried,
        mail.dead,
        mail.suppressed
    );
    println!(
        "  failed attempts of the well-behaved subscribers, by cause (retried, not lost): {:?}",
        failed_attempts(host)
    );
}

/// (module, error kind) → failed event deliveries and the first message,
/// read from the module logs the event worker writes a warning to on every
/// failed attempt.
fn failed_attempts(host: &SoakHost) -> BTreeMap<(String, String), (usize, String)> {
    let mut causes = BTreeMap::new();
    for (tenant, module) in [
        (modgate_tests::acme(), "wishlist"),
        (modgate_tests::globex(), "wishlist"),
        (modgate_tests::acme(), "recorder"),
        (modgate_tests::acme(), "mailer"),
    ] {
        let Some(loaded) = host.lifecycle.module(&tenant, module) else {
            continue;
        };
        for line in loaded.log().lines_of(tenant.as_str()) {
            let Some((_, cause)) = line.message.split_once(") failed: ") else {
                continue;
            };
            let kind = cause.split(':').next().unwrap_or(cause).to_owned();
            causes
                .entry((module.to_owned(), kind))
                .or_insert((0, cause.to_owned()))
                .0 += 1;
        }
    }
    causes
}
