//! A host killed (SIGKILL, a real child process) while it queues and sends
//! mail: after a restart every queued message reaches the SMTP server, and
//! a message the kill caught between the relay's acceptance and the
//! bookkeeping arrives again only as the same message (same Message-ID),
//! so nothing is lost and nothing is sent twice in effect.
//!
//! The child is this test binary re-run on one test ([`child_process`])
//! with the database and the relay in its environment: it queues messages
//! through the email-probe module as fast as it can, printing each, while
//! its mail worker sends them; half way to the kill the worker stops, so
//! the kill certainly leaves queued mail unsent.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::num::NonZeroU32;
use std::process::{Command, Stdio};
use std::sync::Arc;

use modgate_host::capabilities::email::EmailLimits;
use modgate_host::default_host::{HostOptions, default_host};
use modgate_host::mail::{MailConfig, MailOutbox, MailTransport, RelayAccess, MailWorker};
use modgate_host::storage::{Backend, Storage};
use modgate_tests::smtp::SmtpSink;
use modgate_tests::{TestHost, acme, load, manifest, senders, test_host};
use sea_orm::ConnectionTrait;

use super::{fast_mail, send_script, wait_settled, worker_to};

const CHILD_DATABASE: &str = "MODGATE_MAIL_CHILD_DATABASE";
const CHILD_RELAY: &str = "MODGATE_MAIL_CHILD_RELAY";
/// Messages the child queues before it is killed (it would go on to 100 000).
const KILL_AFTER: usize = 40;

/// The child's side: runs only when the parent set the database URL.
#[test]
fn child_process() {
    let (Ok(url), Ok(relay)) = (std::env::var(CHILD_DATABASE), std::env::var(CHILD_RELAY)) else { return };
    modgate_tests::run(async move {
        let storage = Storage::connect(&url).await.expect("the child opens the database");
        let mail = MailOutbox::new(storage.clone(), senders());
        let unlimited = NonZeroU32::new(1_000_000).unwrap();
        let options = HostOptions {
            mail: Some(mail.clone()),
            email: EmailLimits { per_minute: unlimited, burst: unlimited, ..EmailLimits::default() },
            ..HostOptions::default()
        };
        let lifecycle = Arc::new(default_host(storage, options).expect("the child's host starts"));
        let module = load(lifecycle.engine(), manifest("probe", &["email:send"]), modgate_artifacts::EMAIL_PROBE).expect("loads");
        let config = MailConfig { concurrency: 1, ..fast_mail() };
        let transport = MailTransport::relay(&relay, RelayAccess::default(), config.send_timeout).expect("relay");
        let mut worker = Some(MailWorker::start(mail, transport, None, config).expect("worker"));
        for i in 0..100_000usize {
            if i == KILL_AFTER / 2 {
                worker = None;
            }
            let script = send_script("ada@acme.example", &format!("Message {i}"), "Text\r\n");
            module.activate(&acme(), &script).await.expect("queued");
            println!("queued {i}");
        }
        drop(worker);
    });
}

async fn kill_mid_stream_then_restart(host: TestHost) {
    let sink = SmtpSink::start();
    let (url, relay) = (host.url.clone(), sink.url());
    let queued = tokio::task::spawn_blocking(move || run_and_kill_child(&url, &relay)).await.expect("the child ran");
    assert!(queued >= KILL_AFTER);

    let ids = message_ids(&host).await;
    assert!(ids.len() >= queued, "every message the child reported is in the outbox");
    let unsent = crate::events::count(&host, "SELECT count(*) FROM modgate_mail WHERE state <> 'sent'", vec![]).await;
    assert!(unsent > 0, "the kill came between queueing and sending");

    // The restart: a worker over the same database (the child's leases
    // expire after `fast_mail().lease`).
    let _worker = worker_to(&host, &sink, fast_mail());
    wait_settled(&host).await;
    let states = crate::events::count(&host, "SELECT count(*) FROM modgate_mail WHERE state = 'sent'", vec![]).await;
    assert_eq!(states as usize, ids.len(), "every queued message was sent");
    let received: Vec<String> = sink.received().iter().map(|m| m.header("Message-ID").expect("a Message-ID")).collect();
    let distinct: BTreeSet<String> = received.iter().cloned().collect();
    assert_eq!(distinct, ids, "the server got every queued message, and only those");
    assert!(received.len() - distinct.len() <= 1, "at most the one message in flight at the kill came twice, as itself");
}

/// The Message-IDs of the outbox, as the header writes them.
async fn message_ids(host: &TestHost) -> BTreeSet<String> {
    let db = host.storage.connection();
    let rows = db
        .query_all_raw(modgate_host::storage::statement(db.get_database_backend(), "SELECT message_id FROM modgate_mail", []))
        .await
        .unwrap();
    rows.iter().map(|row| format!("<{}>", row.try_get::<String>("", "message_id").unwrap())).collect()
}

/// Runs the child until it has queued [`KILL_AFTER`] messages, kills it,
/// and returns how many it reported queued.
fn run_and_kill_child(url: &str, relay: &str) -> usize {
    let exe = std::env::current_exe().expect("the test binary");
    let mut child = Command::new(exe)
        .args(["--exact", "email::restart::child_process", "--nocapture", "--test-threads=1"])
        .env(CHILD_DATABASE, url)
        .env(CHILD_RELAY, relay)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the child host starts");
    let stdout = child.stdout.take().expect("piped");
    let mut queued = 0;
    let mut lines = BufReader::new(stdout).lines();
    while queued < KILL_AFTER {
        let line = lines.next().expect("the child keeps queueing").expect("a line");
        if line.starts_with("queued ") {
            queued += 1;
        }
    }
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    queued + lines.map_while(Result::ok).filter(|line| line.starts_with("queued ")).count()
}

#[test]
fn a_killed_host_sends_every_queued_message_once_after_restart_on_sqlite() {
    modgate_tests::run(async {
        let host = test_host(Backend::Sqlite).await.expect("sqlite");
        kill_mid_stream_then_restart(host).await;
    });
}

#[test]
fn a_killed_host_sends_every_queued_message_once_after_restart_on_postgres() {
    modgate_tests::run(async {
        if let Some(host) = test_host(Backend::Postgres).await {
            kill_mid_stream_then_restart(host).await;
        }
    });
}
