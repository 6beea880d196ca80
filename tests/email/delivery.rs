//! Delivery by the mail worker: a relay's temporary refusal is retried, a
//! permanent one dead-letters at once, the operator redrives a dead
//! message, and the rate limit stops a module per tenant.

use std::time::Duration;

use modgate_host::engine::ErrorCode;
use modgate_host::mail::{MailConfig, MailOutbox, MailTransport, MailWorker, RelayAccess, Senders};
use modgate_host::mail::mailbox::{self, MailFilter, Redrive};
use modgate_tests::smtp::{Answer, SmtpSink};
use modgate_tests::{acme, globex, on_both_backends};

use super::{customer_script, fast_mail, outbox_rows, probe, run_probe, send_script, wait_settled, worker_to};

on_both_backends! {
    async fn a_temporary_refusal_is_retried_until_the_relay_accepts(host) {
        let sink = SmtpSink::start();
        sink.answer(Answer::Refuse(451));
        let _worker = worker_to(&host, &sink, fast_mail());
        let module = probe(&host);
        run_probe(&module, &acme(), &send_script("ada@acme.example", "Retried", "Text\r\n")).await.expect("queued");
        crate::events::wait_until("a few attempts failed", || async {
            let listed = mailbox::list(&host.storage, &MailFilter::default()).await.unwrap();
            listed[0].attempts >= 2 && listed[0].state == "pending"
        })
        .await;
        let failed = &mailbox::list(&host.storage, &MailFilter::default()).await.unwrap()[0];
        assert!(failed.last_error.as_deref().is_some_and(|e| e.contains("451")), "{failed:?}");
        sink.answer(Answer::Accept);
        let received = sink.wait_for(1, Duration::from_secs(60));
        assert_eq!(received[0].header("Subject").as_deref(), Some("Retried"));
        wait_settled(&host).await;
        let sent = &mailbox::list(&host.storage, &MailFilter::default()).await.unwrap()[0];
        assert_eq!((sent.state.as_str(), sent.via.as_deref(), sent.last_error.as_deref()), ("sent", Some("smtp"), None));
    }
}

on_both_backends! {
    async fn a_permanent_refusal_is_dead_at_once_and_the_operator_redrives_it(host) {
        let sink = SmtpSink::start();
        sink.answer(Answer::Refuse(550));
        let worker = worker_to(&host, &sink, fast_mail());
        let module = probe(&host);
        run_probe(&module, &acme(), &send_script("ada@acme.example", "Refused", "Text\r\n")).await.expect("queued");
        wait_settled(&host).await;
        let dead = mailbox::list(&host.storage, &MailFilter { state: Some("dead".into()), ..MailFilter::default() }).await.unwrap();
        assert_eq!(dead.len(), 1);
        assert_eq!(dead[0].attempts, 1, "a 5xx is not retried");
        assert!(dead[0].last_error.as_deref().is_some_and(|e| e.contains("550")), "{:?}", dead[0]);
        assert_eq!(worker.stats().dead, 1);

        let missing = mailbox::redrive(&host.storage, &Redrive::One("01NOSUCHMESSAGE".into())).await.unwrap_err();
        assert_eq!(missing.code(), "no-such-message");
        let none_for_globex = mailbox::redrive(&host.storage, &Redrive::AllDead { tenant: "globex".into(), module: None }).await.unwrap_err();
        assert_eq!(none_for_globex.code(), "no-such-message");

        sink.answer(Answer::Accept);
        let redriven = mailbox::redrive(&host.storage, &Redrive::One(dead[0].id.clone())).await.unwrap();
        assert_eq!(redriven, 1);
        host.mail.committed();
        let received = sink.wait_for(1, Duration::from_secs(60));
        assert_eq!(received[0].header("Subject").as_deref(), Some("Refused"));
        wait_settled(&host).await;
        let shown = mailbox::show(&host.storage, &dead[0].id).await.unwrap();
        assert_eq!(shown.summary.state, "sent");
        assert_eq!(shown.from, "Acme <shop@acme.example>");
        assert_eq!(shown.body, "Text\r\n");
        let again = mailbox::redrive(&host.storage, &Redrive::One(dead[0].id.clone())).await.unwrap_err();
        assert_eq!(again.code(), "no-such-message", "a sent message is not redriven");
    }
}

on_both_backends! {
    async fn the_rate_limit_stops_a_module_for_one_tenant_only(host) {
        let module = probe(&host);
        let burst = modgate_host::capabilities::email::EmailLimits::default().burst.get();
        let script = format!("{}\nrepeat {}", send_script("ada@acme.example", "Many", "Text"), burst + 1);
        assert_eq!(run_probe(&module, &acme(), &script).await, Err(ErrorCode::RateLimited));
        assert_eq!(outbox_rows(&host).await.len(), burst as usize, "the calls before the limit were queued");
        run_probe(&module, &globex(), &send_script("hank@globex.example", "Other tenant", "Text")).await.expect("globex has its own bucket");
        let customer = customer_script("nobody", "Probe", "Text", false);
        assert_eq!(run_probe(&module, &acme(), &customer).await, Err(ErrorCode::RateLimited), "an unknown customer costs rate too");
    }
}

/// The worker's knobs are checked.
#[test]
fn a_lease_shorter_than_two_send_timeouts_is_refused() {
    let config = MailConfig { lease: Duration::from_secs(10), send_timeout: Duration::from_secs(10), ..fast_mail() };
    assert!(config.check().unwrap_err().contains("mail.lease"));
}

on_both_backends! {
    async fn the_worker_sends_with_its_own_hosts_sender(host) {
        // Queued by a host configured with the sample senders…
        let module = probe(&host);
        run_probe(&module, &acme(), &send_script("ada@acme.example", "From whom", "Text\r\n")).await.expect("queued");
        // …sent by one whose operator set another From for acme.
        let sink = SmtpSink::start();
        let senders = Senders::new("Shops <shops@example.com>").unwrap().with_tenant(&acme(), "Acme Shop <hello@acme.example>").unwrap();
        let outbox = MailOutbox::new(host.storage.clone(), senders);
        let config = fast_mail();
        let transport = MailTransport::relay(&sink.url(), RelayAccess::default(), config.send_timeout).unwrap();
        let _worker = MailWorker::start(outbox, transport, None, config).unwrap();
        let received = sink.wait_for(1, Duration::from_secs(60));
        assert_eq!(received[0].header("From").as_deref(), Some("\"Acme Shop\" <hello@acme.example>"));
        assert_eq!(received[0].from, "hello@acme.example");
        wait_settled(&host).await;
        let shown = &mailbox::list(&host.storage, &MailFilter::default()).await.unwrap()[0];
        assert_eq!(mailbox::show(&host.storage, &shown.id).await.unwrap().from, "Acme Shop <hello@acme.example>", "the row records the From used");
    }
}
