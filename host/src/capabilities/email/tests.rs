//! The email capability without wasm, on a real SQLite outbox: every check
//! refuses with `invalid` naming the field and queues nothing, each call is
//! one op, the rate limit is per (module, tenant) and shared by the hosts
//! on one database, `send-to-customer`
//! answers an unknown, opted-out, erased and foreign customer alike, and a
//! redelivered event queues its message once.

use std::num::NonZeroU32;

use sea_orm::{ConnectionTrait, Statement};

use crate::bindings::WitErrorCode;
use crate::bindings::modgate::host::email::{Host, Message};
use crate::capabilities::{BuiltinServices, builtin};
use crate::engine::CapabilityRegistry;
use crate::events::HandledEvent;
use crate::mail::{MailOutbox, Senders};
use crate::storage::Storage;
use crate::testing::InMemoryCommerce;
use crate::testing::capability::{NotLinked, TestInvocation};
use crate::tenant::TenantId;

use super::{Email, EmailLimits};

const MANIFEST: &str = r#"
name = "probe"
version = "1.0.0"
compatible-core = "^1.0"
permissions = ["email:send"]
"#;

async fn host(limits: EmailLimits) -> (tempfile::TempDir, MailOutbox, CapabilityRegistry) {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::open_data_dir(dir.path()).await.unwrap();
    let acme = TenantId::new("acme").unwrap();
    let senders = Senders::new("Shops <shops@example.com>").unwrap().with_tenant(&acme, "Acme <shop@acme.example>").unwrap();
    let outbox = MailOutbox::new(storage, senders);
    let registry = builtin(BuiltinServices {
        commerce: InMemoryCommerce::sample().into_commerce(),
        mail: Some(outbox.clone()),
        email: limits,
        ..BuiltinServices::default()
    });
    (dir, outbox, registry)
}

async fn rows(outbox: &MailOutbox, sql: &str) -> Vec<Vec<String>> {
    let db = outbox.storage().connection();
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql.to_owned())).await.unwrap();
    rows.iter()
        .map(|row| (0..).map_while(|i| row.try_get_by_index::<Option<String>>(i).ok()).map(Option::unwrap_or_default).collect())
        .collect()
}

fn message(to: &str, subject: &str, text: &str) -> Message {
    Message { to: to.into(), subject: subject.into(), text: text.into() }
}

#[tokio::test]
async fn a_message_is_queued_from_the_tenants_sender_for_one_op() {
    let (_dir, outbox, registry) = host(EmailLimits::default()).await;
    let mut call = TestInvocation::builder(&registry, MANIFEST).tenant("acme").ops(5).build();
    call.view::<Email>().unwrap().send(message("ops@acme.example", "Hello", "Line one\nLine two")).await.unwrap();
    assert_eq!(call.ops_used(), 1);
    let queued = rows(&outbox, "SELECT tenant, module, recipient, sender, subject, body, state, message_id FROM modgate_mail").await;
    assert_eq!(queued.len(), 1);
    let row = &queued[0];
    assert_eq!(&row[..7], ["acme", "probe", "ops@acme.example", "Acme <shop@acme.example>", "Hello", "Line one\nLine two", "pending"]);
    assert!(row[7].ends_with("@acme.example"), "Message-ID in the sender's domain: {}", row[7]);
}

#[tokio::test]
async fn each_refusal_is_invalid_names_the_field_and_queues_nothing() {
    let (_dir, outbox, registry) = host(EmailLimits::default()).await;
    let mut call = TestInvocation::builder(&registry, MANIFEST).ops(100).build();
    let long_subject = "s".repeat(201);
    let long_text = "t".repeat((64 << 10) + 1);
    let cases = [
        (message("Ada <ada@acme.example>", "s", "t"), "message.to"),
        (message("ada@acme.example\r\nBcc: eve@evil.example", "s", "t"), "message.to"),
        (message("ada@localhost", "s", "t"), "message.to"),
        (message("ada@acme.example", "a\r\nBcc: eve@evil.example", "t"), "message.subject"),
        (message("ada@acme.example", &long_subject, "t"), "message.subject"),
        (message("ada@acme.example", "s", "a\0b"), "message.text"),
        (message("ada@acme.example", "s", &long_text), "message.text"),
    ];
    let count = cases.len() as u32;
    for (refused, field) in cases {
        let error = call.view::<Email>().unwrap().send(refused).await.unwrap_err();
        assert_eq!(error.code, WitErrorCode::Invalid, "{}", error.message);
        assert!(error.message.starts_with(&format!("email.send: {field} ")), "{}", error.message);
    }
    for (customer, subject, field) in [("", "s", "customer-id"), ("cu-1", "a\u{2028}b", "subject")] {
        let error = call.view::<Email>().unwrap().send_to_customer(customer.into(), subject.into(), "t".into()).await.unwrap_err();
        assert_eq!(error.code, WitErrorCode::Invalid);
        assert!(error.message.starts_with(&format!("email.send-to-customer: {field} ")), "{}", error.message);
    }
    assert_eq!(call.ops_used(), count + 2, "a refused call still costs its op");
    assert!(rows(&outbox, "SELECT id FROM modgate_mail").await.is_empty());
}

#[tokio::test]
async fn unknown_opted_out_erased_and_foreign_customers_look_alike() {
    let (_dir, outbox, registry) = host(EmailLimits::default()).await;
    let mut answers = Vec::new();
    for customer in ["nobody", "cu-2", "cu-3", "g-cu-1", "cu-1"] {
        let mut call = TestInvocation::builder(&registry, MANIFEST).tenant("acme").ops(5).build();
        let queued = call.view::<Email>().unwrap().send_to_customer(customer.into(), "Hi".into(), "Text".into()).await;
        answers.push((customer, queued.unwrap(), call.ops_used(), call.log_lines().len()));
    }
    let suppressed: Vec<_> = answers[..4].iter().map(|(_, queued, ops, logs)| (*queued, *ops, *logs)).collect();
    assert_eq!(suppressed, [(false, 1, 0); 4], "{answers:?}");
    assert!(answers[4].1, "the reachable customer is mailed");
    let queued = rows(&outbox, "SELECT customer_id, recipient FROM modgate_mail").await;
    assert_eq!(queued, [["cu-1", "ada@acme.example"]]);
}

#[tokio::test]
async fn the_rate_limit_is_per_module_and_tenant() {
    let two = NonZeroU32::new(2).unwrap();
    let (_dir, outbox, registry) = host(EmailLimits { per_minute: two, burst: two, ..EmailLimits::default() }).await;
    let mut acme = TestInvocation::builder(&registry, MANIFEST).tenant("acme").ops(10).build();
    for _ in 0..2 {
        acme.view::<Email>().unwrap().send(message("ops@acme.example", "s", "t")).await.unwrap();
    }
    let limited = acme.view::<Email>().unwrap().send(message("ops@acme.example", "s", "t")).await.unwrap_err();
    assert_eq!(limited.code, WitErrorCode::RateLimited, "{}", limited.message);
    let customer = acme.view::<Email>().unwrap().send_to_customer("nobody".into(), "s".into(), "t".into()).await.unwrap_err();
    assert_eq!(customer.code, WitErrorCode::RateLimited, "an unknown customer costs the same rate as a known one");
    let mut globex = TestInvocation::builder(&registry, MANIFEST).tenant("globex").ops(10).build();
    globex.view::<Email>().unwrap().send(message("ops@globex.example", "s", "t")).await.unwrap();
    let other = MANIFEST.replace("\"probe\"", "\"other\"");
    let mut other = TestInvocation::builder(&registry, &other).tenant("acme").ops(10).build();
    other.view::<Email>().unwrap().send(message("ops@acme.example", "s", "t")).await.unwrap();
    assert_eq!(rows(&outbox, "SELECT id FROM modgate_mail").await.len(), 4);
}

#[tokio::test]
async fn hosts_on_one_database_share_the_rate_limit() {
    let two = NonZeroU32::new(2).unwrap();
    let limits = EmailLimits { per_minute: two, burst: two, ..EmailLimits::default() };
    let (dir, outbox, first) = host(limits).await;
    // A second host (its own pool, its own capability) on the same file.
    let storage = Storage::open_data_dir(dir.path()).await.unwrap();
    let second = builtin(BuiltinServices {
        mail: Some(MailOutbox::new(storage, Senders::new("Shops <shops@example.com>").unwrap())),
        email: limits,
        ..BuiltinServices::default()
    });
    let mut on_first = TestInvocation::builder(&first, MANIFEST).tenant("acme").ops(10).build();
    let mut on_second = TestInvocation::builder(&second, MANIFEST).tenant("acme").ops(10).build();
    on_first.view::<Email>().unwrap().send(message("ops@acme.example", "s", "t")).await.unwrap();
    on_second.view::<Email>().unwrap().send(message("ops@acme.example", "s", "t")).await.unwrap();
    for view in [on_first.view::<Email>().unwrap(), on_second.view::<Email>().unwrap()] {
        let mut view = view;
        let limited = view.send(message("ops@acme.example", "s", "t")).await.unwrap_err();
        assert_eq!(limited.code, WitErrorCode::RateLimited, "{}", limited.message);
    }
    assert_eq!(rows(&outbox, "SELECT id FROM modgate_mail").await.len(), 2, "one burst between both hosts");
}

#[tokio::test]
async fn a_redelivered_event_queues_its_message_once_and_spends_no_rate() {
    let one = NonZeroU32::new(1).unwrap();
    let (_dir, outbox, registry) = host(EmailLimits { per_minute: one, burst: one, ..EmailLimits::default() }).await;
    for _delivery in 0..3 {
        let mut call = TestInvocation::builder(&registry, MANIFEST).extension(HandledEvent::new("ev-1")).build();
        let queued = call.view::<Email>().unwrap().send_to_customer("cu-1".into(), "Drop".into(), "Cheaper".into()).await;
        assert!(queued.unwrap(), "queued, or already queued for this event");
    }
    assert_eq!(rows(&outbox, "SELECT id FROM modgate_mail").await.len(), 1);
    let mut other_event = TestInvocation::builder(&registry, MANIFEST).extension(HandledEvent::new("ev-2")).build();
    let limited = other_event.view::<Email>().unwrap().send_to_customer("cu-1".into(), "Drop".into(), "Cheaper".into()).await;
    assert_eq!(limited.unwrap_err().code, WitErrorCode::RateLimited, "another event's message is a new one");
}

#[tokio::test]
async fn without_an_outbox_every_call_is_not_available() {
    let registry = builtin(BuiltinServices::default());
    let mut call = TestInvocation::builder(&registry, MANIFEST).build();
    let error = call.view::<Email>().unwrap().send(message("ops@acme.example", "s", "t")).await.unwrap_err();
    assert_eq!(error.code, WitErrorCode::NotAvailable);
    let error = call.view::<Email>().unwrap().send_to_customer("cu-1".into(), "s".into(), "t".into()).await.unwrap_err();
    assert_eq!(error.code, WitErrorCode::NotAvailable);
}

#[test]
fn the_capability_is_not_linked_without_the_permission() {
    let registry = builtin(BuiltinServices::default());
    let mut call = TestInvocation::builder(&registry, MANIFEST).grants(&[]).build();
    assert!(matches!(call.view::<Email>(), Err(NotLinked("email"))));
}
