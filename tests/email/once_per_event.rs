//! A message queued while an event is handled is queued once per event:
//! the event delivered again — after success, or retried after the handler
//! failed past its sends — queues and sends nothing new.

use std::time::Duration;

use modgate_artifacts::EMAIL_ON_EVENT;
use modgate_host::events::EventWorker;
use modgate_host::lifecycle::InstallRequest;
use modgate_tests::smtp::SmtpSink;
use modgate_tests::{TestHost, acme, on_both_backends, source};
use sea_orm::ConnectionTrait;

use crate::events::{count, delivery, fast_delivery, price_drop, raise, wait_until};

use super::{fast_mail, outbox_rows, wait_settled, worker_to};

const MANIFEST: &str = r#"name = "mailer"
version = "1.0.0"
compatible-core = "^1.0"
permissions = ["subscribe:events", "email:send"]
subscriptions = ["product.price-changed", "mod.emitter.ping"]
"#;

async fn install_mailer(host: &TestHost) {
    let request = InstallRequest { acknowledge_risk: true, ..InstallRequest::new(source(MANIFEST, EMAIL_ON_EVENT), acme()) };
    host.lifecycle.install(request).await.expect("installs with email:send acknowledged");
}

on_both_backends! {
    async fn an_event_delivered_again_mails_once(host) {
        install_mailer(&host).await;
        let sink = SmtpSink::start();
        let _mail = worker_to(&host, &sink, fast_mail());
        let _events = EventWorker::start(host.lifecycle.clone(), host.outbox.clone(), fast_delivery()).unwrap();
        let event = raise(&host, &acme(), &price_drop("p-1", 1250, 990)).await;
        wait_until("the event is delivered", || async { delivery(&host, &event, "mailer").await.is_some_and(|(s, _)| s == "delivered") }).await;
        assert_eq!(outbox_rows(&host).await.len(), 2, "one message to the customer, one to the address");

        // Delivered again, as a lost settlement or a redrive would.
        let db = host.storage.connection();
        let again = modgate_host::storage::statement(
            db.get_database_backend(),
            "UPDATE modgate_deliveries SET state = 'pending', next_at = 0 WHERE event_id = ?",
            [event.as_str().into()],
        );
        db.execute_raw(again).await.unwrap();
        host.outbox.committed();
        wait_until("the event is delivered again", || async {
            delivery(&host, &event, "mailer").await.is_some_and(|(s, attempts)| s == "delivered" && attempts == 2)
        })
        .await;
        assert_eq!(outbox_rows(&host).await.len(), 2, "nothing new queued");
        wait_settled(&host).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let received = sink.received();
        assert_eq!(received.len(), 2, "{received:?}");
        assert!(received.iter().all(|m| m.header("Subject").as_deref() == Some("Event product.price-changed")));
    }
}

on_both_backends! {
    async fn a_handler_failing_after_its_sends_is_retried_without_new_mail(host) {
        install_mailer(&host).await;
        // Another module's event, as its emit would record it.
        let db = host.storage.connection();
        let backend = db.get_database_backend();
        db.execute_raw(modgate_host::storage::statement(
            backend,
            "INSERT INTO modgate_events (id, tenant, name, source, occurred_at, payload, created_ms) \
             VALUES ('01EVENTFAILAFTERSEND000000', 'acme', 'mod.emitter.ping', 'emitter', '2026-11-30T00:00:00.000Z', '{\"do\":\"fail-after-send\"}', 0)",
            [],
        ))
        .await
        .unwrap();
        db.execute_raw(modgate_host::storage::statement(
            backend,
            "INSERT INTO modgate_deliveries (event_id, tenant, module, state, attempts, next_at, updated_at) \
             VALUES ('01EVENTFAILAFTERSEND000000', 'acme', 'mailer', 'pending', 0, 0, '2026-11-30T00:00:00.000Z')",
            [],
        ))
        .await
        .unwrap();
        let events = modgate_host::events::EventConfig { max_attempts: 3, ..fast_delivery() };
        let _events = EventWorker::start(host.lifecycle.clone(), host.outbox.clone(), events).unwrap();
        wait_until("the failing delivery is dead after its attempts", || async {
            delivery(&host, "01EVENTFAILAFTERSEND000000", "mailer").await == Some(("dead".to_owned(), 3))
        })
        .await;
        assert_eq!(outbox_rows(&host).await.len(), 2, "three attempts, two messages");
        let keyed = count(&host, "SELECT count(*) FROM modgate_mail WHERE dedupe_key IS NOT NULL", vec![]).await;
        assert_eq!(keyed, 2);
    }
}
