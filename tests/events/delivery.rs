//! Delivery: at least once, exactly once in effect (the ledger), two
//! distinct events with equal payloads both take effect, a subscriber that
//! always fails is dead-lettered after the last attempt while the others
//! are delivered alongside it, the operator lists and redrives dead letters,
//! and a stopped worker leaves nothing to its leases.

use modgate_artifacts::{EVENT_FAILING, EVENT_RECORDER};
use modgate_host::engine::{Extensions, InstallSettings, InvocationError};
use modgate_host::events::dead_letters;
use modgate_host::events::{EventConfig, EventWorker, WorkerStopped};
use modgate_host::bindings::exports::modgate::commerce::core_event_handler::CoreEvent as DeliveredCoreEvent;
use modgate_tests::{acme, on_both_backends};

use super::{
    count, delivery, effects, failing_manifest, fast_delivery, install, price_drop, raise, recorder_manifest, wait_until,
};

on_both_backends! {
    async fn the_same_event_delivered_twice_takes_effect_once(host) {
        install(&host, &recorder_manifest(&["product.price-changed"]), EVENT_RECORDER, &acme(), None).await;
        let event = price_drop("p-1", 900, 800);
        let id = raise(&host, &acme(), &event).await;
        let worker = EventWorker::start(host.lifecycle.clone(), host.outbox.clone(), fast_delivery()).unwrap();
        wait_until("the first delivery", || async { delivery(&host, &id, "recorder").await.is_some_and(|d| d.0 == "delivered") }).await;

        // A worker that died after the effect but before recording it
        // leaves the delivery to be made again: put it back.
        count(&host, "SELECT count(*) FROM modgate_events", vec![]).await;
        let db = host.storage.connection();
        sea_orm::ConnectionTrait::execute_raw(
            db,
            modgate_host::storage::statement(
                sea_orm::ConnectionTrait::get_database_backend(db),
                "UPDATE modgate_deliveries SET state = 'pending', next_at = 0 WHERE event_id = ?",
                [id.as_str().into()],
            ),
        )
        .await
        .unwrap();
        host.outbox.committed();
        wait_until("the second delivery", || async { delivery(&host, &id, "recorder").await == Some(("delivered".into(), 2)) }).await;
        // And once more, straight through the engine with the same event.
        let module = host.lifecycle.module(&acme(), "recorder").expect("loaded");
        let again = DeliveredCoreEvent {
            id: id.clone(),
            tenant: "acme".into(),
            occurred_at: "2026-11-30T10:00:00.000Z".into(),
            payload: event.to_contract(),
        };
        module.handle_core_event(&acme(), &again, &Extensions::new()).await.expect("a redelivery succeeds");
        let seen = effects(&host, &acme()).await;
        assert_eq!(seen.len(), 1, "three deliveries, one effect: {seen:?}");
        assert_eq!(seen[0].0, id);
        wait_until("the worker counts both deliveries", || async { worker.stats().delivered >= 2 }).await;
        assert_eq!(worker.stats().delivered, 2);
    }
}

on_both_backends! {
    async fn two_events_with_equal_payloads_both_take_effect(host) {
        install(&host, &recorder_manifest(&["product.price-changed"]), EVENT_RECORDER, &acme(), None).await;
        // A flash sale: the same drop twice is two events.
        let first = raise(&host, &acme(), &price_drop("p-1", 1000, 700)).await;
        let second = raise(&host, &acme(), &price_drop("p-1", 1000, 700)).await;
        assert_ne!(first, second);
        let _worker = EventWorker::start(host.lifecycle.clone(), host.outbox.clone(), fast_delivery()).unwrap();
        wait_until("both take effect", || async { effects(&host, &acme()).await.len() == 2 }).await;
        let seen = effects(&host, &acme()).await;
        let mut ids: Vec<&str> = seen.iter().map(|e| e.0.as_str()).collect();
        ids.sort();
        let mut expected = [first.as_str(), second.as_str()];
        expected.sort();
        assert_eq!(ids, expected);
        assert!(seen.iter().all(|e| e.2 == "p-1:1000->700"));
    }
}

on_both_backends! {
    async fn a_subscriber_that_always_fails_is_dead_lettered_while_the_other_is_delivered(host) {
        let subscriptions = ["product.price-changed"];
        install(&host, &recorder_manifest(&subscriptions), EVENT_RECORDER, &acme(), None).await;
        install(&host, &failing_manifest(&subscriptions), EVENT_FAILING, &acme(), None).await;
        let mut ids = Vec::new();
        for i in 0..5 {
            ids.push(raise(&host, &acme(), &price_drop("p-1", 1000 + i, 900)).await);
        }
        let config = EventConfig { per_install_in_flight: 2, ..fast_delivery() };
        assert_eq!(config.max_attempts, 10, "the default number of attempts");
        let worker = EventWorker::start(host.lifecycle.clone(), host.outbox.clone(), config).unwrap();
        wait_until("the recorder has every event", || async { effects(&host, &acme()).await.len() == ids.len() }).await;
        wait_until("every failing delivery is dead", || async {
            count(&host, "SELECT count(*) FROM modgate_deliveries WHERE module = 'failing' AND state = 'dead'", vec![]).await == 5
        })
        .await;
        for id in &ids {
            assert_eq!(delivery(&host, id, "failing").await, Some(("dead".into(), 10)), "ten attempts, then dead");
            assert_eq!(delivery(&host, id, "recorder").await, Some(("delivered".into(), 1)));
        }
        // Counted once the settlements' transaction committed.
        wait_until("the worker counts the dead letters", || async { worker.stats().dead >= 5 }).await;
        assert_eq!(worker.stats().dead, 5);
        assert_eq!(worker.stats().retried, 45);

        // The operator sees them, with the handler's error, and redrives one.
        let dead = dead_letters::list(host.storage.connection(), Some(&acme()), Some("failing")).await.unwrap();
        assert_eq!(dead.len(), 5);
        assert!(dead.iter().all(|d| d.attempts == 10 && d.event == "product.price-changed"), "{dead:?}");
        assert!(dead[0].last_error.contains("guest-error") && dead[0].last_error.contains("always fails"), "{}", dead[0].last_error);
        let status = host.lifecycle.show(&acme(), "failing").await.unwrap();
        assert_eq!(status.subscriptions, ["product.price-changed"]);
        assert_eq!((status.deliveries.dead, status.deliveries.pending), (5, 0));
        let redriven = dead_letters::redrive(host.storage.connection(), &acme(), "failing", Some(&ids[0])).await.unwrap();
        assert_eq!(redriven, 1);
        wait_until("the redriven delivery dies again", || async { delivery(&host, &ids[0], "failing").await == Some(("dead".into(), 10)) && worker.stats().dead == 6 }).await;
        let unknown = dead_letters::redrive(host.storage.connection(), &acme(), "recorder", None).await.unwrap_err();
        assert_eq!(unknown.code(), "no-such-delivery");
    }
}

on_both_backends! {
    async fn a_slow_subscriber_never_holds_up_the_others(host) {
        let subscriptions = ["product.price-changed"];
        install(&host, &recorder_manifest(&subscriptions), EVENT_RECORDER, &acme(), None).await;
        let slow = Some(serde_json::json!({ "mode": "slow" }));
        install(&host, &failing_manifest(&subscriptions), EVENT_FAILING, &acme(), slow).await;
        let mut ids = Vec::new();
        for i in 0..6 {
            ids.push(raise(&host, &acme(), &price_drop("p-1", 2000 + i, 900)).await);
        }
        let _worker = EventWorker::start(host.lifecycle.clone(), host.outbox.clone(), fast_delivery()).unwrap();
        wait_until("the recorder has every event", || async { effects(&host, &acme()).await.len() == ids.len() }).await;
        // Each slow attempt takes 1.5 s: the recorder finished while none
        // of them had ended.
        let ended = count(&host, "SELECT count(*) FROM modgate_deliveries WHERE module = 'failing' AND attempts > 0", vec![]).await;
        assert_eq!(ended, 0, "the recorder was delivered before the first slow attempt ended");
        wait_until("the slow attempts end and are retried", || async {
            count(&host, "SELECT count(*) FROM modgate_deliveries WHERE module = 'failing' AND attempts > 0", vec![]).await > 0
        })
        .await;
    }
}

on_both_backends! {
    async fn a_spinning_handler_is_stopped_and_retried(host) {
        install(&host, &failing_manifest(&["order.paid"]), EVENT_FAILING, &acme(), Some(serde_json::json!({ "mode": "spin" }))).await;
        let paid = modgate_host::events::CoreEvent::OrderPaid {
            order_id: "o-1".into(),
            customer_id: "c-1".into(),
            total: modgate_host::events::Amount::new(100, "EUR"),
        };
        let id = raise(&host, &acme(), &paid).await;
        let _worker = EventWorker::start(host.lifecycle.clone(), host.outbox.clone(), fast_delivery()).unwrap();
        wait_until("a spinning attempt is stopped and counted", || async {
            delivery(&host, &id, "failing").await.is_some_and(|(_, attempts)| attempts > 0)
        })
        .await;
        let stopped = count(
            &host,
            "SELECT count(*) FROM modgate_deliveries WHERE module = 'failing' AND (last_error LIKE 'fuel-exhausted%' OR last_error LIKE 'deadline-exceeded%')",
            vec![],
        )
        .await;
        assert_eq!(stopped, 1, "stopped by its budget, then retried");
    }
}

on_both_backends! {
    async fn a_trapping_handler_is_retried_and_the_host_keeps_delivering(host) {
        let subscriptions = ["product.price-changed"];
        install(&host, &failing_manifest(&subscriptions), EVENT_FAILING, &acme(), Some(serde_json::json!({ "mode": "trap" }))).await;
        let id = raise(&host, &acme(), &price_drop("p-1", 10, 9)).await;
        let _worker = EventWorker::start(host.lifecycle.clone(), host.outbox.clone(), EventConfig { max_attempts: 3, ..fast_delivery() }).unwrap();
        wait_until("the trapping delivery is dead after 3 attempts", || async { delivery(&host, &id, "failing").await == Some(("dead".into(), 3)) }).await;
        let dead = dead_letters::list(host.storage.connection(), None, None).await.unwrap();
        assert!(dead[0].last_error.starts_with("trap"), "{}", dead[0].last_error);
        // The module is still installed and callable.
        let module = host.lifecycle.module(&acme(), "failing").expect("loaded");
        let settings = Extensions::new().with(InstallSettings::new(r#"{"mode":"fail"}"#));
        let event = DeliveredCoreEvent {
            id: "01JDXS0000000000000000TEST".into(),
            tenant: "acme".into(),
            occurred_at: "2026-11-30T10:00:00.000Z".into(),
            payload: price_drop("p-1", 10, 9).to_contract(),
        };
        let refused = module.handle_core_event(&acme(), &event, &settings).await.unwrap_err();
        assert!(matches!(refused, InvocationError::Guest { .. }), "{refused}");
    }
}

on_both_backends! {
    async fn a_lease_the_event_deadline_could_outlive_is_refused(host) {
        let config = EventConfig { lease: std::time::Duration::from_secs(3), ..fast_delivery() };
        let refused = EventWorker::start(host.lifecycle.clone(), host.outbox.clone(), config).unwrap_err();
        assert!(refused.contains("events.lease") && refused.contains("wall clock"), "{refused}");
    }
}

on_both_backends! {
    async fn a_stopped_worker_gives_back_what_it_claimed_and_settles_what_was_running(host) {
        let subscriptions = ["product.price-changed"];
        // 1.5 s on the clock, then a failure: a delivery that is running.
        let slow = Some(serde_json::json!({ "mode": "slow" }));
        install(&host, &failing_manifest(&subscriptions), EVENT_FAILING, &acme(), slow).await;
        for i in 0..4 {
            raise(&host, &acme(), &price_drop("p-1", 3000 + i, 900)).await;
        }
        // One delivery in flight for the install, a second claimed behind it.
        let config = EventConfig { per_install_in_flight: 1, ..fast_delivery() };
        let worker = EventWorker::start(host.lifecycle.clone(), host.outbox.clone(), config).unwrap();
        let leased = "SELECT count(*) FROM modgate_deliveries WHERE module = 'failing' AND state = 'leased'";
        wait_until("one delivery runs and one waits behind it", || async {
            worker.in_flight() == 1 && count(&host, leased, vec![]).await == 2
        })
        .await;

        let stopped = worker.stop(std::time::Duration::from_secs(10)).await;
        assert_eq!(stopped, WorkerStopped { given_back: 1, finished: true });
        assert_eq!(count(&host, leased, vec![]).await, 0, "nothing is left to a lease");
        let given_back = "SELECT count(*) FROM modgate_deliveries WHERE module = 'failing' AND state = 'pending' \
                          AND last_error = 'the host stopped before delivering it'";
        assert_eq!(count(&host, given_back, vec![]).await, 1, "the waiting one is due again");
        let attempted = "SELECT count(*) FROM modgate_deliveries WHERE module = 'failing' AND state = 'pending' \
                         AND attempts >= 1 AND last_error LIKE '%slow, then fails%'";
        assert!(count(&host, attempted, vec![]).await >= 1, "the running one finished and its retry was written");
    }
}
