//! A host killed (SIGKILL, a real child process) between committing core
//! writes and delivering their events: after a restart every committed
//! event is delivered, each with exactly one effect.
//!
//! The child is this test binary re-run on one test ([`child_process`])
//! with the database URL in its environment: it starts a host with its
//! event worker and commits shop writes with their events as fast as it
//! can, printing each committed id. The parent kills it mid-stream, then
//! starts a new host on the same database.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;

use modgate_artifacts::EVENT_RECORDER;
use modgate_host::default_host::{HostOptions, default_host};
use modgate_host::events::{EventWorker, Outbox};
use modgate_host::storage::{Backend, Storage};
use modgate_tests::{TestHost, acme, test_host};
use sea_orm::{ConnectionTrait, TransactionTrait};


use super::{count, effects, fast_delivery, install, price_drop, recorder_manifest, wait_until};

const CHILD: &str = "MODGATE_EVENTS_CHILD_DATABASE";
/// Writes the child commits before it is killed (it would go on to 100 000).
const KILL_AFTER: usize = 60;

/// The child's side: runs only when the parent set the database URL.
#[test]
fn child_process() {
    let Ok(url) = std::env::var(CHILD) else { return };
    modgate_tests::run(async move {
        let storage = Storage::connect(&url).await.expect("the child opens the database");
        let outbox = Outbox::new(storage.clone());
        let options = HostOptions { outbox: Some(outbox.clone()), ..HostOptions::default() };
        let lifecycle = Arc::new(default_host(storage.clone(), options).expect("the child's host starts"));
        // The shortest lease allowed, so that the claims the kill leaves
        // behind expire soon.
        let config = fast_delivery();
        let mut worker = Some(EventWorker::start(lifecycle, outbox.clone(), config).expect("worker"));
        for i in 0..100_000i64 {
            // Half way to the kill the worker stops, so that the kill
            // certainly finds committed events not yet delivered.
            if i == (KILL_AFTER / 2) as i64 {
                worker = None;
            }
            let tx = storage.connection().begin().await.expect("begin");
            let write = modgate_host::storage::statement(
                tx.get_database_backend(),
                "UPDATE shop_prices SET price = ? WHERE id = 'p-1'",
                [i.into()],
            );
            tx.execute_raw(write).await.expect("the shop's write");
            let recorded = outbox.raise(&tx, &acme(), &price_drop("p-1", i + 1, i)).await.expect("raise");
            tx.commit().await.expect("commit");
            outbox.committed();
            println!("committed {}", recorded.id);
        }
        drop(worker);
    });
}

async fn kill_mid_stream_then_restart(host: TestHost) {
    install(&host, &recorder_manifest(&["product.price-changed"]), EVENT_RECORDER, &acme(), None).await;
    let db = host.storage.connection();
    db.execute_unprepared("CREATE TABLE shop_prices (id TEXT PRIMARY KEY, price BIGINT NOT NULL)").await.unwrap();
    db.execute_unprepared("INSERT INTO shop_prices VALUES ('p-1', 0)").await.unwrap();

    let url = host.url.clone();
    let committed = tokio::task::spawn_blocking(move || run_and_kill_child(&url)).await.expect("the child ran");

    let undelivered = count(&host, "SELECT count(*) FROM modgate_deliveries WHERE state <> 'delivered'", vec![]).await;
    assert!(undelivered > 0, "the kill came between commits and their deliveries");
    let all_events = count(&host, "SELECT count(*) FROM modgate_events", vec![]).await as usize;
    assert!(all_events >= committed.len());

    // The restart: a new host on the same database.
    let _worker = EventWorker::start(host.lifecycle.clone(), host.outbox.clone(), fast_delivery()).unwrap();
    wait_until("every committed event is delivered after the restart", || async {
        count(&host, "SELECT count(*) FROM modgate_deliveries WHERE state <> 'delivered'", vec![]).await == 0
    })
    .await;
    let seen = effects(&host, &acme()).await;
    let mut ids: Vec<&str> = seen.iter().map(|e| e.0.as_str()).collect();
    ids.dedup();
    assert_eq!(ids.len(), seen.len(), "one effect per event, however often delivered");
    assert_eq!(seen.len(), all_events, "every event in the outbox took effect");
    for id in &committed {
        assert!(ids.binary_search(&id.as_str()).is_ok(), "committed event {id} has no effect");
    }
    let price = count(&host, "SELECT price FROM shop_prices", vec![]).await as usize;
    assert_eq!(price + 1, all_events, "each committed write raised exactly one event");
}

/// Runs the child on `url` until it has committed [`KILL_AFTER`] writes,
/// kills it, and returns the ids it reported committed.
fn run_and_kill_child(url: &str) -> Vec<String> {
    let exe = std::env::current_exe().expect("the test binary");
    let mut child = Command::new(exe)
        .args(["--exact", "events::restart::child_process", "--nocapture", "--test-threads=1"])
        .env(CHILD, url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the child host starts");
    let stdout = child.stdout.take().expect("piped");
    let mut committed = Vec::new();
    let mut lines = BufReader::new(stdout).lines();
    while committed.len() < KILL_AFTER {
        let line = lines.next().expect("the child keeps committing").expect("a line");
        if let Some(id) = line.strip_prefix("committed ") {
            committed.push(id.to_owned());
        }
    }
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    // Ids printed before the kill are commits too.
    for line in lines.map_while(Result::ok) {
        if let Some(id) = line.strip_prefix("committed ") {
            committed.push(id.to_owned());
        }
    }
    committed
}

#[test]
fn a_killed_host_delivers_every_committed_event_after_restart_on_sqlite() {
    modgate_tests::run(async {
        let host = test_host(Backend::Sqlite).await.expect("sqlite");
        kill_mid_stream_then_restart(host).await;
    });
}

#[test]
fn a_killed_host_delivers_every_committed_event_after_restart_on_postgres() {
    modgate_tests::run(async {
        if let Some(host) = test_host(Backend::Postgres).await {
            kill_mid_stream_then_restart(host).await;
        }
    });
}
