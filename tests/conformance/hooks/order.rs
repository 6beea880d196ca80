//! Several modules' hooks on one entity × moment run in module-name order:
//! each sees the record as the ones before it left it, and the first
//! refusal stops the rest.

use modgate_artifacts::HOOK_PROBE;
use modgate_host::hooks::{Decision, HookConfig, HookTarget, RunResult};
use modgate_tests::{Lang, TestHost};

use super::support::{ACME, conformance_manifest, install_approved, item, probe_manifest, start_hooks};

fn modules_run(decision: &Decision) -> Vec<(&str, &RunResult)> {
    decision.report().runs.iter().map(|run| (run.module.as_str(), &run.result)).collect()
}

modgate_tests::in_every_language! {
    on_both_backends:
    hooks_run_in_module_name_order_and_the_first_refusal_stops_them => hooks_run_in_module_name_order_and_the_first_refusal_stops_them,
}

async fn hooks_run_in_module_name_order_and_the_first_refusal_stops_them(host: TestHost, lang: Lang) {
    let hooks = start_hooks(&host, HookConfig::default()).await;
    install_approved(&host, &ACME, &conformance_manifest("alpha"), lang.component("conformance-hooks")).await;
    install_approved(&host, &ACME, &probe_manifest("probe", "1.0.0"), HOOK_PROBE).await;
    install_approved(&host, &ACME, &conformance_manifest("zeta"), lang.component("conformance-hooks")).await;
    let target = HookTarget::new(&ACME, "item");

    // alpha uppercases, probe echoes what it saw (the adjusted title)
    // into the note, zeta uppercases again.
    let decision = hooks.before_create(&target, item("i-1", "hello", "echo-title")).await.unwrap();
    let adjusted = |fields: &[&str]| RunResult::Adjusted(fields.iter().map(|f| f.to_string()).collect());
    assert_eq!(
        modules_run(&decision),
        [("alpha", &adjusted(&["title"])), ("probe", &adjusted(&["note"])), ("zeta", &adjusted(&["title"]))]
    );
    let record = decision.into_result().unwrap();
    assert_eq!((record["title"].as_str(), record["note"].as_str()), (Some("HELLO"), Some("saw HELLO")));

    // probe refuses: zeta is not called.
    let decision = hooks.before_create(&target, item("i-2", "hello", "reject")).await.unwrap();
    assert_eq!(
        modules_run(&decision),
        [("alpha", &adjusted(&["title"])), ("probe", &RunResult::Rejected(vec!["probe says no".into()]))]
    );
    assert_eq!(decision.into_result().unwrap_err().module, "probe");
}
