//! The events capability without wasm, on a real SQLite outbox: names are
//! relative to the module (every spoofing shape is `forbidden`), payloads
//! are bounded JSON (`invalid`), each emit is one op, and an event fans out
//! only to its own tenant's subscribers.

use sea_orm::{ConnectionTrait, Statement};

use crate::bindings::WitErrorCode;
use crate::bindings::modgate::host::events::Host;
use crate::capabilities::{BuiltinServices, builtin};
use crate::engine::CapabilityRegistry;
use crate::events::Outbox;
use crate::storage::Storage;
use crate::testing::capability::{NotLinked, TestInvocation};

use super::Events;

const MANIFEST: &str = r#"
name = "probe"
version = "1.0.0"
compatible-core = "^1.0"
permissions = ["emit:events"]
"#;

async fn outbox() -> (tempfile::TempDir, Outbox, CapabilityRegistry) {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::open_data_dir(dir.path()).await.unwrap();
    let outbox = Outbox::new(storage);
    let registry = builtin(BuiltinServices {
        outbox: Some(outbox.clone()),
        ..BuiltinServices::default()
    });
    (dir, outbox, registry)
}

async fn count(outbox: &Outbox, sql: &str) -> i64 {
    let db = outbox.storage().connection();
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn subscribe(outbox: &Outbox, tenant: &str, event: &str, module: &str) {
    let db = outbox.storage().connection();
    db.execute_unprepared(&format!(
        "INSERT INTO modgate_subscriptions (tenant, event, module) VALUES ('{tenant}', '{event}', '{module}')"
    ))
    .await
    .unwrap();
}

#[tokio::test]
async fn an_event_is_published_under_the_module_prefix_for_one_op() {
    let (_dir, outbox, registry) = outbox().await;
    subscribe(&outbox, "acme", "mod.probe.item-added", "reader").await;
    subscribe(&outbox, "globex", "mod.probe.item-added", "reader").await;
    let mut call = TestInvocation::builder(&registry, MANIFEST).tenant("acme").ops(5).build();
    let id = call.view::<Events>().unwrap().emit("item-added".into(), r#"{"n":1}"#.into()).await.unwrap();
    assert!(ulid::Ulid::from_string(&id).is_ok(), "{id}");
    assert_eq!(call.ops_used(), 1);
    let names = format!("SELECT count(*) FROM modgate_events WHERE id = '{id}' AND name = 'mod.probe.item-added' AND tenant = 'acme' AND source = 'probe'");
    assert_eq!(count(&outbox, &names).await, 1);
    let deliveries = format!("SELECT count(*) FROM modgate_deliveries WHERE event_id = '{id}'");
    assert_eq!(count(&outbox, &deliveries).await, 1, "only acme's subscriber");
    let acme = format!("SELECT count(*) FROM modgate_deliveries WHERE event_id = '{id}' AND tenant = 'acme' AND module = 'reader'");
    assert_eq!(count(&outbox, &acme).await, 1);
}

#[tokio::test]
async fn names_that_could_pass_for_someone_else_are_forbidden() {
    let (_dir, outbox, registry) = outbox().await;
    let long = "x".repeat(65);
    for name in [
        "order.paid",
        "mod.other.item-added",
        "other.item-added",
        ".",
        "a\u{7}b",
        "a\nb",
        "a b",
        long.as_str(),
        "",
        "Item-Added",
        "-x",
        "x_y",
    ] {
        let mut call = TestInvocation::builder(&registry, MANIFEST).build();
        let error = call.view::<Events>().unwrap().emit(name.into(), "{}".into()).await.unwrap_err();
        assert_eq!(error.code, WitErrorCode::Forbidden, "{name:?}: {}", error.message);
        assert!(error.message.chars().count() < 400, "bounded message for {name:?}");
    }
    let mut call = TestInvocation::builder(&registry, MANIFEST).build();
    call.view::<Events>().unwrap().emit("x".repeat(64), "{}".into()).await.expect("64 characters are fine");
    assert_eq!(count(&outbox, "SELECT count(*) FROM modgate_events").await, 1, "nothing refused was recorded");
}

#[tokio::test]
async fn payloads_must_be_bounded_json() {
    let (_dir, outbox, registry) = outbox().await;
    let big = format!("\"{}\"", "a".repeat(64 << 10));
    for payload in ["not json", "", "{\"a\":", big.as_str()] {
        let mut call = TestInvocation::builder(&registry, MANIFEST).build();
        let error = call.view::<Events>().unwrap().emit("fine".into(), payload.into()).await.unwrap_err();
        assert_eq!(error.code, WitErrorCode::Invalid, "{}", error.message);
    }
    assert_eq!(count(&outbox, "SELECT count(*) FROM modgate_events").await, 0);
}

#[tokio::test]
async fn the_op_budget_bounds_emits() {
    let (_dir, _outbox, registry) = outbox().await;
    let mut call = TestInvocation::builder(&registry, MANIFEST).ops(1).build();
    let mut view = call.view::<Events>().unwrap();
    view.emit("one".into(), "1".into()).await.unwrap();
    let error = view.emit("two".into(), "2".into()).await.unwrap_err();
    assert_eq!(error.code, WitErrorCode::BudgetExhausted);
}

#[tokio::test]
async fn without_an_outbox_it_is_not_available_and_without_the_permission_not_linked() {
    let registry = builtin(BuiltinServices::default());
    let mut call = TestInvocation::builder(&registry, MANIFEST).build();
    let error = call.view::<Events>().unwrap().emit("fine".into(), "{}".into()).await.unwrap_err();
    assert_eq!(error.code, WitErrorCode::NotAvailable);
    let mut call = TestInvocation::builder(&registry, MANIFEST).grants(&[]).build();
    assert!(matches!(call.view::<Events>(), Err(NotLinked { .. })));
}
