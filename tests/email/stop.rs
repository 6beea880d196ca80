//! A stopped mail worker claims nothing more and waits for the messages it
//! is sending, for up to its grace: a send that ends within it is settled
//! (not left to its lease), and a relay that never answers holds the stop
//! no longer than the grace.

use std::time::{Duration, Instant};

use modgate_host::mail::{MailConfig, MailTransport, MailWorker, RelayAccess};
use modgate_host::storage::Backend;
use modgate_tests::{TestHost, acme, test_host};

use super::{fast_mail, outbox_rows, probe, run_probe, send_script};

/// A relay that accepts connections and never says a word: a send to it
/// runs until the worker's send timeout.
fn silent_relay() -> (std::net::TcpListener, String) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    (listener, url)
}

/// A worker sending to the silent relay, giving up on a send after `send_timeout`.
fn worker(host: &TestHost, url: &str, send_timeout: Duration) -> MailWorker {
    let config = MailConfig { send_timeout, ..fast_mail() };
    let transport = MailTransport::relay(url, RelayAccess::default(), config.send_timeout).expect("a loopback relay");
    MailWorker::start(host.mail.clone(), transport, None, config).expect("the worker starts")
}

async fn one_message_being_sent(host: &TestHost) {
    run_probe(&probe(host), &acme(), &send_script("ada@acme.example", "Stopping", "Text\r\n")).await.expect("queued");
    crate::events::wait_until("the message is being sent", || async {
        outbox_rows(host).await.iter().any(|(state, ..)| state == "leased")
    })
    .await;
}

#[test]
fn a_send_that_ends_within_the_grace_is_settled_before_the_stop_returns() {
    modgate_tests::run(async {
        let host = test_host(Backend::Sqlite).await.expect("sqlite");
        let (_relay, url) = silent_relay();
        let worker = worker(&host, &url, Duration::from_millis(500));
        one_message_being_sent(&host).await;

        assert!(worker.stop(Duration::from_secs(30)).await, "the send ended (timed out) within the grace");
        let rows = outbox_rows(&host).await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].0, "pending", "settled as a retry, not left leased: {rows:?}");
    });
}

#[test]
fn a_relay_that_never_answers_holds_the_stop_no_longer_than_the_grace() {
    modgate_tests::run(async {
        let host = test_host(Backend::Sqlite).await.expect("sqlite");
        let (_relay, url) = silent_relay();
        let worker = worker(&host, &url, Duration::from_secs(4));
        one_message_being_sent(&host).await;

        let asked = Instant::now();
        let grace = Duration::from_millis(200);
        assert!(!worker.stop(grace).await, "the send was still running");
        assert!(asked.elapsed() >= grace, "it was given the grace");
        assert!(asked.elapsed() < Duration::from_secs(4), "and not the send's timeout");
        assert_eq!(outbox_rows(&host).await[0].0, "leased", "left to its lease, as a dropped worker leaves it");
    });
}
