//! Email end to end: the email-probe component queues through the
//! capability, the mail worker sends to a real SMTP server on loopback
//! ([`modgate_tests::smtp`]), on SQLite and PostgreSQL. What the server
//! receives is checked byte for byte; refused input never reaches it;
//! `send-to-customer` gives nothing away; the rate limit holds; a
//! redelivered event mails once; a killed host loses and doubles nothing; a
//! stopped worker settles what it was sending.

pub mod customers;
pub mod delivery;
pub mod injection;
pub mod once_per_event;
pub mod relay;
pub mod restart;
pub mod stop;
pub mod wire;

use std::time::Duration;

use modgate_artifacts::EMAIL_PROBE;
use modgate_host::engine::{ErrorCode, LoadedModule, TenantId};
use modgate_host::mail::{MailConfig, MailTransport, RelayAccess, MailWorker};
use modgate_tests::smtp::SmtpSink;
use modgate_tests::{TestHost, load, manifest};

/// The email-probe component, loaded with `email:send` granted.
pub fn probe(host: &TestHost) -> LoadedModule {
    load(host.lifecycle.engine(), manifest("probe", &["email:send"]), EMAIL_PROBE).expect("the probe loads")
}

/// Runs one probe script for `tenant`: `Ok` or the host's error code.
pub async fn run_probe(module: &LoadedModule, tenant: &TenantId, script: &str) -> Result<(), ErrorCode> {
    module.activate(tenant, script).await.map(|_| ()).map_err(|e| {
        // The code is what tests compare; the whole error helps when it is not the expected one.
        eprintln!("probe for {tenant}: {e}");
        e.code()
    })
}

/// A probe script calling `send` with these fields.
pub fn send_script(to: &str, subject: &str, text: &str) -> String {
    format!("call send\nto {}\nsubject {}\ntext {}", pct(to), pct(subject), pct(text))
}

/// A probe script calling `send-to-customer`, expecting `queued`.
pub fn customer_script(customer: &str, subject: &str, text: &str, queued: bool) -> String {
    format!(
        "call send-to-customer\ncustomer {}\nsubject {}\ntext {}\nexpect {queued}",
        pct(customer),
        pct(subject),
        pct(text)
    )
}

/// Percent-encodes everything but letters, digits and `@.-_`.
pub fn pct(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'@' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Sending that retries within milliseconds, for tests.
pub fn fast_mail() -> MailConfig {
    MailConfig {
        base_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(40),
        send_timeout: Duration::from_secs(4),
        lease: Duration::from_secs(9),
        poll_interval: Duration::from_millis(20),
        ..MailConfig::default()
    }
}

/// A mail worker for `host` sending to `sink`, with the sample contacts.
pub fn worker_to(host: &TestHost, sink: &SmtpSink, config: MailConfig) -> MailWorker {
    let transport = MailTransport::relay(&sink.url(), RelayAccess::default(), config.send_timeout).expect("a loopback relay");
    let contacts = modgate_host::testing::InMemoryCommerce::sample().into_commerce().contacts;
    MailWorker::start(host.mail.clone(), transport, contacts, config).expect("the worker starts")
}

/// The mail rows as (state, recipient, subject), in queueing order.
pub async fn outbox_rows(host: &TestHost) -> Vec<(String, String, String)> {
    use sea_orm::ConnectionTrait;
    let db = host.storage.connection();
    let statement = modgate_host::storage::statement(
        db.get_database_backend(),
        "SELECT state, recipient, subject FROM modgate_mail ORDER BY created_ms, id",
        [],
    );
    let rows = db.query_all_raw(statement).await.expect("reading the outbox");
    rows.iter()
        .map(|row| (row.try_get("", "state").unwrap(), row.try_get("", "recipient").unwrap(), row.try_get("", "subject").unwrap()))
        .collect()
}

/// Waits (up to a minute) until every queued message is settled (`sent`,
/// `dead` or `suppressed`).
pub async fn wait_settled(host: &TestHost) {
    crate::events::wait_until("every message is settled", || async {
        outbox_rows(host).await.iter().all(|(state, ..)| matches!(state.as_str(), "sent" | "dead" | "suppressed"))
    })
    .await;
}
