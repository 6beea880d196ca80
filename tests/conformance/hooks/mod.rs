//! World `modgate:host/hooks`: a component exporting `hook-handler` for
//! declared, approved hooks is called at each moment with only the fields
//! the integrator exposes, and its outcome does exactly what the moment
//! allows — for each tenant, on both backends. The twin declares hooks
//! without the export and is refused at install.
//!
//! Real components are hooked on a test integrator's entity `item`
//! (`support`) through `DataHooks`, on SQLite and PostgreSQL. The
//! integrator writes its own table in its own transaction, so the suite
//! shows that no hook outcome corrupts a write. Beside the conformance case:
//! refusals at install and of the integrator's mistakes (`refusals`), what
//! outcomes may change (`outcomes`: unknown and read-only fields dropped, a
//! data call from a before-hook refused), failures (`failures`: a looping,
//! trapping or invalid before-hook refuses the write, host fine), approvals,
//! running order and the per-hook breakers.

pub mod approvals;
pub mod breakers;
pub mod failures;
pub mod order;
pub mod reference;
pub mod outcomes;
pub mod refusals;
pub mod support;

use modgate_host::hooks::{Decision, HookConfig, HookTarget, RunResult};
use modgate_host::lifecycle::InstallRequest;
use modgate_tests::{Lang, TestHost, acme, globex, source};
use serde_json::{Value, json};

use support::{conformance_manifest, create_item, create_shop_items, install_approved, item, shop_items, start_hooks};

modgate_tests::in_every_language! {
    on_both_backends:
    conformance_hooks => every_moment_does_what_it_may,
    conformance_hooks_no_export => hooks_without_the_export_are_refused,
}

/// After-read rows come 50 to a call, not the default 100: a JavaScript
/// guest spends about 0.2–0.4 M fuel a row (parsing each record, and ~2 600
/// fuel per character of each change handed back), so 100 rows overrun the
/// default after-hook budget of 20 M fuel — the integrator's choice
/// `docs/hooks.md` describes.
const ROWS_PER_CALL: usize = 50;

async fn every_moment_does_what_it_may(host: TestHost, lang: Lang) {
    create_shop_items(&host).await;
    let hooks = start_hooks(&host, HookConfig { rows_per_call: ROWS_PER_CALL, ..HookConfig::default() }).await;
    for tenant in [acme(), globex()] {
        install_approved(&host, &tenant, &conformance_manifest("conformance"), lang.component("conformance-hooks")).await;
        let target = HookTarget::new(&tenant, "item");

        // before-create: adjusts the title, and refuses a forbidden one.
        let made = create_item(&hooks, &host, &tenant, item("i-1", "hello", "")).await;
        let Decision::Proceed { record, report } = made else { panic!("refused: {made:?}") };
        assert_eq!(record["title"], "HELLO");
        assert_eq!(record["cost"], 40, "fields hooks do not see are kept");
        assert_eq!(report.runs[0].result, RunResult::Adjusted(vec!["title".into()]));
        let refused = create_item(&hooks, &host, &tenant, item("i-2", "a forbidden word", "")).await;
        let Decision::Reject { rejection, .. } = refused else { panic!("allowed: {refused:?}") };
        assert_eq!((rejection.code(), rejection.module.as_str()), ("rejected", "conformance"));
        assert_eq!(rejection.messages, ["title contains a forbidden word"]);
        assert_eq!(shop_items(&host, &tenant).await, [("i-1".to_owned(), "HELLO".to_owned())]);

        // before-update allows; before-delete refuses a locked record.
        let previous = item("i-1", "HELLO", "");
        let updated = hooks.before_update(&target, &previous, item("i-1", "HELLO again", "")).await.unwrap();
        assert_eq!(updated.into_result().unwrap()["title"], "HELLO again");
        let locked = json!({ "id": "i-1", "locked": true });
        let refused = hooks.before_delete(&target, locked).await.unwrap().into_result().unwrap_err();
        assert_eq!(refused.messages, ["deleting is not allowed by conformance"]);
        assert!(hooks.before_delete(&target, item("i-1", "x", "")).await.unwrap().into_result().is_ok());

        // on-action: the action's input adjusted.
        let doubled = hooks.on_action(&target, "double", json!({ "id": "i-1", "quantity": 21 })).await.unwrap();
        assert_eq!(doubled.into_result().unwrap()["quantity"], 42);

        // after-read: every row, across batches.
        let rows: Vec<Value> = (0..150).map(|i| json!({ "id": format!("r-{i}"), "title": "t" })).collect();
        let read = hooks.after_read(&target, rows).await.unwrap();
        assert_eq!(read.rows.len(), 150);
        assert!(read.rows.iter().enumerate().all(|(i, row)| row["note"] == format!("seen r-{i}")), "{:?} {:?}", &read.rows[..2], read.report.runs);
        assert_eq!(read.report.runs.len(), 3, "three batches");

        // after-create/update/delete: called, cannot change anything.
        let after = hooks.after_delete(&target, &item("i-1", "x", "")).await.unwrap();
        assert_eq!(after.runs[0].result, RunResult::Allowed);
    }
}

async fn hooks_without_the_export_are_refused(host: TestHost, lang: Lang) {
    let _hooks = start_hooks(&host, HookConfig::default()).await;
    let error = host
        .lifecycle
        .install(InstallRequest::new(source(&conformance_manifest("conformance"), lang.component("conformance-base")), acme()))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "component-refused");
    assert!(error.to_string().contains("hook-handler"), "{error}");
}
