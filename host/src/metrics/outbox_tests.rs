//! The outbox gauges read from a real SQLite outbox, filled through the
//! public events API (`Outbox::raise`); subscriptions and the dead state are
//! set with plain statements, as an install and a worker would leave them.

use std::time::Duration;

use sea_orm::ConnectionTrait;

use super::outbox::outbox_gauges_at;
use super::{OutboxGauge, outbox_gauges};
use crate::events::{Amount, CoreEvent, Outbox};
use crate::storage::Storage;
use crate::tenant::TenantId;

fn acme() -> TenantId {
    TenantId::new("acme").expect("a slug")
}

async fn storage() -> (tempfile::TempDir, Storage) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let storage = Storage::open_data_dir(dir.path())
        .await
        .expect("the database opens");
    (dir, storage)
}

async fn exec(storage: &Storage, sql: &str) {
    storage
        .connection()
        .execute_unprepared(sql)
        .await
        .expect("test setup statement");
}

async fn order_paid(outbox: &Outbox, order: &str) -> String {
    let event = CoreEvent::OrderPaid {
        order_id: order.into(),
        customer_id: "c-1".into(),
        total: Amount::new(1250, "EUR"),
    };
    outbox
        .raise(outbox.storage().connection(), &acme(), &event)
        .await
        .expect("the event is recorded")
        .id
}

#[tokio::test]
async fn an_outbox_without_subscribers_reports_no_install() {
    let (_dir, storage) = storage().await;
    assert_eq!(
        outbox_gauges(&storage).await.expect("the outbox is read"),
        Vec::new()
    );
}

#[tokio::test]
async fn waiting_and_dead_deliveries_are_counted_per_install_with_the_oldest_age() {
    let (_dir, storage) = storage().await;
    // Subscriptions as an install writes them.
    exec(
        &storage,
        "INSERT INTO modgate_subscriptions (tenant, event, module) VALUES \
         ('acme', 'order.paid', 'recorder'), ('acme', 'order.paid', 'mailer'), ('globex', 'order.paid', 'idle')",
    )
    .await;
    let outbox = Outbox::new(storage.clone());
    let first = order_paid(&outbox, "o-1").await;
    let second = order_paid(&outbox, "o-2").await;
    // Pin the times, and let the mailer's first delivery run out of attempts.
    exec(
        &storage,
        &format!("UPDATE modgate_events SET created_ms = 1000 WHERE id = '{first}'"),
    )
    .await;
    exec(
        &storage,
        &format!("UPDATE modgate_events SET created_ms = 5000 WHERE id = '{second}'"),
    )
    .await;
    exec(
        &storage,
        &format!("UPDATE modgate_deliveries SET state = 'dead' WHERE event_id = '{first}' AND module = 'mailer'"),
    )
    .await;

    let gauges = outbox_gauges_at(storage.connection(), 11_000)
        .await
        .expect("the outbox is read");
    assert_eq!(
        gauges,
        vec![
            OutboxGauge {
                tenant: "acme".into(),
                module: "mailer".into(),
                pending: 1,
                oldest_pending_age: Some(Duration::from_secs(6)),
                dead: 1,
            },
            OutboxGauge {
                tenant: "acme".into(),
                module: "recorder".into(),
                pending: 2,
                oldest_pending_age: Some(Duration::from_secs(10)),
                dead: 0,
            },
            OutboxGauge::empty("globex", "idle"),
        ]
    );
    // Through the public entry point, with the real clock: same counts.
    let live = outbox_gauges(&storage).await.expect("the outbox is read");
    assert_eq!(
        live.iter().map(|g| (g.pending, g.dead)).collect::<Vec<_>>(),
        vec![(1, 1), (2, 0), (0, 0)]
    );
}
