//! `send-to-customer` gives nothing away: an unknown, opted-out, erased and
//! other tenant's customer get the same `false` for the same op, and only
//! the reachable customer is mailed — at the address the host knows, which
//! never reaches the module. A customer who becomes unreachable between
//! queueing and sending is not mailed; a changed address is followed.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use modgate_host::mail::CustomerContacts;
use modgate_host::capabilities::provider::ProviderError;
use modgate_host::engine::TenantId;
use modgate_host::mail::{MailTransport, RelayAccess, MailWorker};
use modgate_tests::smtp::SmtpSink;
use modgate_tests::{acme, on_both_backends};

use super::{customer_script, fast_mail, outbox_rows, probe, wait_settled, worker_to};

on_both_backends! {
    async fn unknown_opted_out_erased_and_foreign_customers_are_indistinguishable(host) {
        let sink = SmtpSink::start();
        let _worker = worker_to(&host, &sink, fast_mail());
        let module = probe(&host);
        let mut outcomes = Vec::new();
        for customer in ["nobody", "cu-2", "cu-3", "g-cu-1"] {
            let invoked = module
                .activate(&acme(), &customer_script(customer, "Price drop", "Cheaper now", false))
                .await
                .unwrap_or_else(|e| panic!("{customer}: {e}"));
            outcomes.push(invoked.ops_used);
        }
        assert_eq!(outcomes, [1, 1, 1, 1], "the same single op each time");
        let reachable = module.activate(&acme(), &customer_script("cu-1", "Price drop", "Cheaper now", true)).await.expect("queued");
        assert_eq!(reachable.ops_used, 1);
        let received = sink.wait_for(1, Duration::from_secs(60));
        wait_settled(&host).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(sink.received().len(), 1, "mail only for the reachable customer");
        assert_eq!(received[0].to, ["ada@acme.example"]);
        assert_eq!(outbox_rows(&host).await, [("sent".to_owned(), "ada@acme.example".to_owned(), "Price drop".to_owned())]);
    }
}

/// Contacts an operator changes while mail waits: `cu-1`'s address, or none.
struct Changing(Mutex<Option<String>>);

#[async_trait::async_trait]
impl CustomerContacts for Changing {
    async fn reachable_address(&self, _tenant: &TenantId, customer_id: &str) -> Result<Option<String>, ProviderError> {
        Ok(if customer_id == "cu-1" { self.0.lock().unwrap().clone() } else { None })
    }
}

on_both_backends! {
    async fn erasure_before_the_send_suppresses_and_a_new_address_is_followed(host) {
        let sink = SmtpSink::start();
        let module = probe(&host);
        module.activate(&acme(), &customer_script("cu-1", "First", "Queued while reachable", true)).await.expect("queued");
        // Erased before any worker ran.
        let contacts = Arc::new(Changing(Mutex::new(None)));
        let config = fast_mail();
        let transport = MailTransport::relay(&sink.url(), RelayAccess::default(), config.send_timeout).unwrap();
        let worker = MailWorker::start(host.mail.clone(), transport.clone(), Some(contacts.clone()), config.clone()).unwrap();
        wait_settled(&host).await;
        assert_eq!(outbox_rows(&host).await[0].0, "suppressed");
        assert_eq!(worker.stats().suppressed, 1);
        drop(worker);

        module.activate(&acme(), &customer_script("cu-1", "Second", "Queued while reachable", true)).await.expect("queued");
        *contacts.0.lock().unwrap() = Some("ada.new@acme.example".to_owned());
        let _worker = MailWorker::start(host.mail.clone(), transport, Some(contacts), config).unwrap();
        let received = sink.wait_for(1, Duration::from_secs(60));
        assert_eq!(received.len(), 1);
        assert_eq!(received[0].to, ["ada.new@acme.example"], "the address the shop knows now");
        assert_eq!(received[0].header("Subject").as_deref(), Some("Second"));
    }
}
