//! What a hook's outcome may change: adjustments of fields the integrator
//! made adjustable are applied; unknown and read-only fields are dropped
//! (and reported) while the rest of the outcome stands; a rejection's
//! messages reach the caller; before-hooks make no data operation, after-
//! hooks may.

use modgate_artifacts::HOOK_PROBE;
use modgate_host::hooks::{Decision, HookConfig, HookTarget, RunResult};
use modgate_tests::on_both_backends;
use sea_orm::ConnectionTrait;

use super::support::{ACME, create_item, create_shop_items, install_approved, item, probe_manifest, shop_items, start_hooks};

on_both_backends! {
    async fn unknown_and_read_only_adjustments_are_dropped_and_the_write_goes_ahead(host) {
        create_shop_items(&host).await;
        let hooks = start_hooks(&host, HookConfig::default()).await;
        install_approved(&host, &ACME, &probe_manifest("probe", "1.0.0"), HOOK_PROBE).await;
        for (probe, field, reason) in [
            ("adjust-unknown", "no_such_field", "item has no hookable field of that name"),
            ("adjust-read-only", "id", "the field is read-only for hooks"),
        ] {
            let id = format!("i-{probe}");
            let decision = create_item(&hooks, &host, &ACME, item(&id, "t", probe)).await;
            let Decision::Proceed { record, report } = decision else { panic!("{probe}: refused") };
            assert_eq!(record, item(&id, "t", probe), "{probe}: nothing changed");
            assert_eq!(report.runs[0].result, RunResult::Allowed);
            let dropped = &report.runs[0].dropped;
            assert_eq!((dropped.len(), dropped[0].field.as_str(), dropped[0].reason.as_str()), (1, field, reason));
        }
        assert_eq!(shop_items(&host, &ACME).await.len(), 2);
    }
}

on_both_backends! {
    async fn a_rejection_reaches_the_caller_and_nothing_is_written(host) {
        create_shop_items(&host).await;
        let hooks = start_hooks(&host, HookConfig::default()).await;
        install_approved(&host, &ACME, &probe_manifest("probe", "1.0.0"), HOOK_PROBE).await;
        let rejection = create_item(&hooks, &host, &ACME, item("i-1", "t", "reject")).await.into_result().unwrap_err();
        assert_eq!((rejection.code(), rejection.messages.as_slice()), ("rejected", ["probe says no".to_owned()].as_slice()));
        let target = HookTarget::new(&ACME, "item");
        let deleting = hooks.before_delete(&target, item("i-1", "t", "reject")).await.unwrap();
        assert_eq!(deleting.into_result().unwrap_err().messages, ["probe says no"]);
        assert!(shop_items(&host, &ACME).await.is_empty());
    }
}

on_both_backends! {
    async fn a_data_call_from_a_before_hook_is_refused_and_one_from_an_after_hook_works(host) {
        create_shop_items(&host).await;
        let hooks = start_hooks(&host, HookConfig::default()).await;
        install_approved(&host, &ACME, &probe_manifest("probe", "1.0.0"), HOOK_PROBE).await;
        let refused = create_item(&hooks, &host, &ACME, item("i-1", "t", "data-call")).await;
        // The probe rejects with the code its data call got back.
        assert_eq!(refused.into_result().unwrap_err().messages, ["budget-exhausted"]);
        assert_eq!(probe_rows(&host).await, 0, "the before-hook wrote nothing");
        let target = HookTarget::new(&ACME, "item");
        let after = hooks.after_create(&target, &item("i-2", "t", "data-call")).await.unwrap();
        // Too late to refuse: its "rejection" is reported, and ignored.
        assert_eq!(after.runs[0].result, RunResult::Rejected(vec!["data-call-succeeded".into()]));
        assert_eq!(probe_rows(&host).await, 1, "the after-hook's insert is there");
    }
}

/// Rows in the probe's own table for acme.
async fn probe_rows(host: &modgate_tests::TestHost) -> i64 {
    let status = host.lifecycle.show(&ACME, "probe").await.unwrap();
    let table = &status.tables[0].physical;
    let db = host.storage.connection();
    let count = sea_orm::Statement::from_string(db.get_database_backend(), format!("SELECT count(*) AS n FROM {table}"));
    let row = db.query_one_raw(count).await.unwrap().unwrap();
    row.try_get::<i64>("", "n").unwrap()
}
