//! A hook that fails never corrupts the integrator's write: a failing
//! before-hook refuses it (fail closed, the default) or is skipped (the
//! operator's other policy); a failing after-hook is reported and the
//! committed write stands. The host keeps serving throughout.

use modgate_artifacts::HOOK_PROBE;
use modgate_host::default_host::{HostOptions, default_host};
use modgate_host::hooks::{DataHooks, Decision, FailurePolicy, HookConfig, HookTarget, RunResult};
use modgate_tests::{Lang, TestHost, on_both_backends};
use sea_orm::ConnectionTrait;

use super::support::{
    ACME, conformance_manifest, create_item, create_shop_items, install_approved, item, items, probe_manifest, shop_items,
    start_hooks,
};

/// The failure code of the probe's single run.
fn failure_code(decision: &Decision) -> &'static str {
    match &decision.report().runs[0].result {
        RunResult::Failed { code, .. } => code,
        other => panic!("expected a failure, got {other:?}"),
    }
}

async fn probe_host(host: &TestHost, policy: FailurePolicy) -> modgate_host::hooks::DataHooks {
    create_shop_items(host).await;
    let hooks = start_hooks(host, HookConfig { failure_policy: policy, ..HookConfig::default() }).await;
    install_approved(host, &ACME, &probe_manifest("probe", "1.0.0"), HOOK_PROBE).await;
    hooks
}

on_both_backends! {
    async fn a_before_hook_that_fails_refuses_the_write_and_changes_nothing(host) {
        let hooks = probe_host(&host, FailurePolicy::Reject).await;
        let cases: [(&str, &[&str]); 7] = [
            ("loop", &["budget-exhausted", "timeout"]),
            ("trap", &["handler-error"]),
            ("error", &["handler-error"]),
            ("adjust-wrong-type", &["invalid"]),
            ("adjust-bad-index", &["invalid"]),
            ("many-messages", &["invalid"]),
            ("control-chars", &["invalid"]),
        ];
        for (i, (probe, codes)) in cases.into_iter().enumerate() {
            let decision = create_item(&hooks, &host, &ACME, item(&format!("i-{i}"), "t", probe)).await;
            assert!(codes.contains(&failure_code(&decision)), "{probe}: {decision:?}");
            let Decision::Reject { rejection, .. } = decision else { panic!("{probe}: the write went ahead") };
            assert_eq!(rejection.code(), "hook-failed", "{probe}");
            assert_eq!(rejection.messages, ["This change could not be checked right now. Please try again later."]);
        }
        assert!(shop_items(&host, &ACME).await.is_empty(), "no refused write reached the table");
        // The host is fine: the next write goes through.
        let fine = create_item(&hooks, &host, &ACME, item("ok", "t", "allow")).await;
        assert!(matches!(fine, Decision::Proceed { .. }), "{fine:?}");
        assert_eq!(shop_items(&host, &ACME).await, [("ok".to_owned(), "t".to_owned())]);
    }
}

on_both_backends! {
    async fn under_the_skip_policy_a_failing_before_hook_is_skipped(host) {
        let hooks = probe_host(&host, FailurePolicy::Skip).await;
        let decision = create_item(&hooks, &host, &ACME, item("i-1", "t", "trap")).await;
        assert_eq!(failure_code(&decision), "handler-error");
        assert!(matches!(decision, Decision::Proceed { .. }), "{decision:?}");
        assert_eq!(shop_items(&host, &ACME).await.len(), 1);
    }
}

on_both_backends! {
    async fn an_after_hook_failure_is_reported_and_the_write_stands(host) {
        let hooks = probe_host(&host, FailurePolicy::Reject).await;
        let target = HookTarget::new(&ACME, "item");
        let record = item("i-1", "t", "trap");
        let report = hooks.after_create(&target, &record).await.expect("after-hooks never fail the caller");
        assert!(matches!(report.runs[0].result, RunResult::Failed { code: "handler-error", counted: true, .. }), "{report:?}");
        let read = hooks.after_read(&target, vec![item("i-1", "t", "loop")]).await.unwrap();
        assert_eq!(read.rows, [item("i-1", "t", "loop")], "a failed after-read changes no row");
        assert_eq!(read.report.failures().count(), 1);
    }
}

modgate_tests::in_every_language! {
    on_both_backends:
    a_module_that_cannot_be_loaded_fails_its_hooks_and_not_the_others => a_module_that_cannot_be_loaded_fails_its_hooks_and_not_the_others,
}

async fn a_module_that_cannot_be_loaded_fails_its_hooks_and_not_the_others(host: TestHost, lang: Lang) {
    create_shop_items(&host).await;
    let _publisher = start_hooks(&host, HookConfig::default()).await;
    install_approved(&host, &ACME, &conformance_manifest("alpha"), lang.component("conformance-hooks")).await;
    install_approved(&host, &ACME, &probe_manifest("probe", "1.0.0"), HOOK_PROBE).await;
    // The probe's stored component is damaged; a process that has not
    // loaded it yet (a new lifecycle over the same database) cannot.
    let db = host.storage.connection();
    let damage = modgate_host::storage::statement(
        db.get_database_backend(),
        "UPDATE modgate_module_versions SET component = ? WHERE module = 'probe'",
        [b"not a component".to_vec().into()],
    );
    db.execute_raw(damage).await.unwrap();
    let options = HostOptions { engine: modgate_tests::cached(lang.engine_config()), ..HostOptions::default() };
    let fresh = std::sync::Arc::new(default_host(host.storage.clone(), options).unwrap());
    let config = HookConfig { refresh: std::time::Duration::ZERO, ..HookConfig::default() };
    let hooks = DataHooks::start(fresh, items(), config).await.unwrap();

    let target = HookTarget::new(&ACME, "item");
    let decision = hooks.before_create(&target, item("i-1", "hello", "allow")).await.unwrap();
    let runs: Vec<(&str, &RunResult)> = decision.report().runs.iter().map(|r| (r.module.as_str(), &r.result)).collect();
    assert_eq!(runs[0], ("alpha", &RunResult::Adjusted(vec!["title".into()])), "the other module's hook ran");
    assert!(matches!(runs[1], ("probe", RunResult::Failed { code: "not-available", counted: false, .. })), "{runs:?}");
    assert_eq!(decision.into_result().unwrap_err().code(), "hook-failed", "its check did not run: fail closed");
    let read = hooks.after_read(&target, vec![item("i-1", "t", "allow")]).await.unwrap();
    assert_eq!(read.rows[0]["note"], "seen i-1", "after-read still ran alpha's hook");
}
