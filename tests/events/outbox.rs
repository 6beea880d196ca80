//! Raising: a rolled-back core write raises nothing, a committed one is
//! delivered; events fan out only to the installs of their own tenant.

use modgate_artifacts::{CONFORMANCE_EMIT_EVENTS, EVENT_RECORDER};
use modgate_host::events::{CoreEvent, EventWorker};
use modgate_tests::{acme, globex, manifest_from, on_both_backends};
use sea_orm::TransactionTrait;

use super::{count, effects, fast_delivery, install, price_drop, raise, recorder_manifest, wait_until};

on_both_backends! {
    async fn a_rolled_back_core_write_raises_nothing(host) {
        install(&host, &recorder_manifest(&["product.price-changed"]), EVENT_RECORDER, &acme(), None).await;
        let tx = host.storage.connection().begin().await.unwrap();
        let rolled_back = host.outbox.raise(&tx, &acme(), &price_drop("p-1", 500, 400)).await.unwrap();
        assert_eq!(rolled_back.deliveries, 1, "fanned out inside the transaction");
        tx.rollback().await.unwrap();
        assert_eq!(count(&host, "SELECT count(*) FROM modgate_events", vec![]).await, 0);
        assert_eq!(count(&host, "SELECT count(*) FROM modgate_deliveries", vec![]).await, 0);

        let committed = raise(&host, &acme(), &price_drop("p-1", 500, 300)).await;
        let worker = EventWorker::start(host.lifecycle.clone(), host.outbox.clone(), fast_delivery()).unwrap();
        wait_until("the committed event takes effect", || async { effects(&host, &acme()).await.len() == 1 }).await;
        let seen = effects(&host, &acme()).await;
        assert_eq!(seen[0].0, committed);
        assert_eq!((seen[0].1.as_str(), seen[0].2.as_str()), ("product.price-changed", "p-1:500->300"));
        assert_ne!(seen[0].0, rolled_back.id);
        // The worker counts a settlement once its transaction committed,
        // a moment after the effect shows.
        wait_until("the worker counts the delivery", || async { worker.stats().delivered >= 1 }).await;
        assert_eq!(worker.stats().delivered, 1);
    }
}

on_both_backends! {
    async fn tenants_never_see_each_others_events(host) {
        let subscriptions = ["product.price-changed", "order.paid", "mod.conformance.item-added"];
        for tenant in [acme(), globex()] {
            install(&host, &recorder_manifest(&subscriptions), EVENT_RECORDER, &tenant, None).await;
        }
        let acme_event = raise(&host, &acme(), &price_drop("espresso-cup", 1250, 990)).await;
        let paid = CoreEvent::OrderPaid {
            order_id: "o-2001".into(),
            customer_id: "cu-hank".into(),
            total: modgate_host::events::Amount::new(8900, "EUR"),
        };
        let globex_event = raise(&host, &globex(), &paid).await;
        // A module event, emitted by a module of globex.
        let emitter = manifest_from("name = \"conformance\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\npermissions = [\"emit:events\"]\n");
        let module = modgate_tests::load(host.lifecycle.engine(), emitter, CONFORMANCE_EMIT_EVENTS).unwrap();
        module.activate(&globex(), "tenant=globex").await.expect("the emitter's checks pass and it emits");
        let emitted = count(
            &host,
            "SELECT count(*) FROM modgate_events WHERE tenant = ? AND name = 'mod.conformance.item-added'",
            vec!["globex".into()],
        )
        .await;
        assert!(emitted >= 2, "globex's module events are recorded for globex ({emitted})");

        let _worker = EventWorker::start(host.lifecycle.clone(), host.outbox.clone(), fast_delivery()).unwrap();
        let expected_globex = 1 + emitted as usize;
        wait_until("every event reaches its own tenant's recorder", || async {
            effects(&host, &acme()).await.len() == 1 && effects(&host, &globex()).await.len() == expected_globex
        })
        .await;
        let acme_seen = effects(&host, &acme()).await;
        assert_eq!(acme_seen.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(), [acme_event.as_str()]);
        let globex_seen = effects(&host, &globex()).await;
        assert!(globex_seen.iter().any(|e| e.0 == globex_event && e.1 == "order.paid" && e.2 == "o-2001:cu-hank:8900 EUR"));
        assert!(globex_seen.iter().all(|e| e.0 != acme_event));
        assert_eq!(globex_seen.iter().filter(|e| e.1 == "mod.conformance.item-added").count(), emitted as usize);
        let crossing = count(
            &host,
            "SELECT count(*) FROM modgate_deliveries d JOIN modgate_events e ON e.id = d.event_id WHERE d.tenant <> e.tenant",
            vec![],
        )
        .await;
        assert_eq!(crossing, 0, "no delivery crosses tenants");
    }
}
