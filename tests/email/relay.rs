//! The relay path beyond plain loopback SMTP: STARTTLS required to a relay
//! whose certificate a private CA signed (trusted through
//! `RelayAccess::extra_roots_pem`, which `MODGATE_SMTP_CA_FILE` fills), with
//! credentials; a certificate the host does not trust gets no mail; wrong
//! credentials dead-letter the message.

use std::time::Duration;

use modgate_host::mail::mailbox::{self, MailFilter};
use modgate_host::mail::{Credentials, MailTransport, MailWorker, RelayAccess};
use modgate_host::storage::Backend;
use modgate_tests::smtp::SmtpSink;
use modgate_tests::{TestHost, acme, test_host};

use super::{fast_mail, probe, run_probe, send_script, wait_settled};

fn worker(host: &TestHost, sink: &SmtpSink, access: RelayAccess) -> MailWorker {
    let config = fast_mail();
    let transport = MailTransport::relay(&sink.url(), access, config.send_timeout).expect("a relay");
    MailWorker::start(host.mail.clone(), transport, None, config).expect("worker")
}

async fn queue_one(host: &TestHost) {
    run_probe(&probe(host), &acme(), &send_script("ada@acme.example", "Over TLS", "Text\r\n")).await.expect("queued");
}

#[test]
fn starttls_with_a_private_ca_and_credentials_delivers() {
    modgate_tests::run(async {
        let host = test_host(Backend::Sqlite).await.expect("sqlite");
        let (sink, ca) = SmtpSink::start_tls(Some(("modgate", "s3cret")));
        let access = RelayAccess {
            credentials: Some(Credentials::new("modgate".into(), "s3cret".into())),
            extra_roots_pem: Some(ca.into_bytes()),
        };
        let _worker = worker(&host, &sink, access);
        queue_one(&host).await;
        let received = sink.wait_for(1, Duration::from_secs(60));
        assert_eq!(received.len(), 1);
        assert!(received[0].tls, "sent after STARTTLS");
        assert_eq!(received[0].user.as_deref(), Some("modgate"), "authenticated");
        assert_eq!(received[0].body(), b"Text\r\n");
    });
}

#[test]
fn an_untrusted_certificate_gets_no_mail() {
    modgate_tests::run(async {
        let host = test_host(Backend::Sqlite).await.expect("sqlite");
        let (sink, _ca) = SmtpSink::start_tls(None);
        let _worker = worker(&host, &sink, RelayAccess::default());
        queue_one(&host).await;
        crate::events::wait_until("an attempt failed", || async {
            mailbox::list(&host.storage, &MailFilter::default()).await.unwrap()[0].attempts >= 1
        })
        .await;
        let failed = &mailbox::list(&host.storage, &MailFilter::default()).await.unwrap()[0];
        assert!(matches!(failed.state.as_str(), "pending" | "leased"), "a TLS failure is retried (the operator may fix the relay): {failed:?}");
        assert!(failed.last_error.as_deref().is_some_and(|e| e.to_lowercase().contains("certificate")), "{failed:?}");
        assert!(sink.received().is_empty());
    });
}

#[test]
fn wrong_credentials_dead_letter_the_message() {
    modgate_tests::run(async {
        let host = test_host(Backend::Sqlite).await.expect("sqlite");
        let (sink, ca) = SmtpSink::start_tls(Some(("modgate", "s3cret")));
        let access = RelayAccess {
            credentials: Some(Credentials::new("modgate".into(), "wrong".into())),
            extra_roots_pem: Some(ca.into_bytes()),
        };
        let _worker = worker(&host, &sink, access);
        queue_one(&host).await;
        wait_settled(&host).await;
        let dead = &mailbox::list(&host.storage, &MailFilter::default()).await.unwrap()[0];
        assert_eq!((dead.state.as_str(), dead.attempts), ("dead", 1), "{dead:?}");
        assert!(dead.last_error.as_deref().is_some_and(|e| e.contains("535")), "{dead:?}");
        assert!(sink.received().is_empty());
    });
}
