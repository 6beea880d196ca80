//! One breaker per hook (module × moment × entity): ten consecutive
//! failures disable that hook — not called, and failing under the failure
//! policy — until the operator re-arms it or a new version arrives; the
//! module's other hooks and its HTTP routes are unaffected, and HTTP
//! failures never disable a hook.

use modgate_artifacts::HOOK_PROBE;
use modgate_host::breaker::BreakerStatus;
use modgate_host::hooks::{Decision, FailurePolicy, HookConfig, HookTarget, RunResult};
use modgate_tests::http::{http_harness, test_http_config};
use modgate_tests::on_both_backends;

use super::support::{ACME, install_approved, item, probe_manifest, start_hooks};

on_both_backends! {
    async fn ten_failures_disable_one_hook_until_it_is_re_armed_or_upgraded(host) {
        let hooks = start_hooks(&host, HookConfig::default()).await;
        install_approved(&host, &ACME, &probe_manifest("probe", "1.0.0"), HOOK_PROBE).await;
        let target = HookTarget::new(&ACME, "item");
        for _ in 0..10 {
            let decision = hooks.before_create(&target, item("i", "t", "trap")).await.unwrap();
            assert_eq!(decision.into_result().unwrap_err().code(), "hook-failed");
        }
        let open = hooks.breaker_status(&ACME, "probe", "before-create item");
        assert!(matches!(open, Some(BreakerStatus::Open { .. })), "{open:?}");
        // Disabled: not called, and failing as far as the write is
        // concerned (fail closed), so failing a check on purpose cannot
        // switch it off.
        let decision = hooks.before_create(&target, item("i", "t", "reject")).await.unwrap();
        assert_eq!(decision.report().runs[0].result, RunResult::BreakerOpen);
        assert_eq!(decision.into_result().unwrap_err().code(), "hook-failed");
        // Its other hooks still run.
        let deleting = hooks.before_delete(&target, item("i", "t", "reject")).await.unwrap();
        assert_eq!(deleting.into_result().unwrap_err().messages, ["probe says no"]);

        // Re-armed by the operator (read on the next refresh: at once here).
        host.lifecycle.reset_hook_breakers(&ACME, "probe").await.unwrap();
        let decision = hooks.before_create(&target, item("i", "t", "reject")).await.unwrap();
        assert_eq!(decision.into_result().unwrap_err().messages, ["probe says no"]);

        // Disabled again, then a new version starts with a closed breaker.
        for _ in 0..10 {
            let _ = hooks.before_create(&target, item("i", "t", "trap")).await.unwrap();
        }
        assert_eq!(hooks.before_create(&target, item("i", "t", "reject")).await.unwrap().report().runs[0].result, RunResult::BreakerOpen);
        install_approved(&host, &ACME, &probe_manifest("probe", "1.0.1"), HOOK_PROBE).await;
        let decision = hooks.before_create(&target, item("i", "t", "reject")).await.unwrap();
        assert_eq!(decision.into_result().unwrap_err().messages, ["probe says no"]);
    }
}

on_both_backends! {
    async fn under_the_skip_policy_a_disabled_hook_is_skipped(host) {
        let config = HookConfig { failure_policy: FailurePolicy::Skip, ..HookConfig::default() };
        let hooks = start_hooks(&host, config).await;
        install_approved(&host, &ACME, &probe_manifest("probe", "1.0.0"), HOOK_PROBE).await;
        let target = HookTarget::new(&ACME, "item");
        for _ in 0..10 {
            let _ = hooks.before_create(&target, item("i", "t", "trap")).await.unwrap();
        }
        let decision = hooks.before_create(&target, item("i", "t", "reject")).await.unwrap();
        assert_eq!(decision.report().runs[0].result, RunResult::BreakerOpen);
        assert!(matches!(decision, Decision::Proceed { .. }), "{decision:?}");
    }
}

/// The probe with its routes, for the HTTP half.
fn serving_probe_manifest() -> String {
    format!("{}\n[[routes]]\nmethod = \"GET\"\npath = \"/ok\"\n[[routes]]\nmethod = \"GET\"\npath = \"/fail\"\n", probe_manifest("probe", "1.0.0"))
}

#[test]
fn the_hook_breakers_and_the_http_breaker_are_independent() {
    modgate_tests::run(async {
        let h = http_harness(test_http_config()).await;
        let hooks = modgate_host::hooks::DataHooks::start(
            h.lifecycle.clone(),
            super::support::items(),
            HookConfig { refresh: std::time::Duration::ZERO, ..HookConfig::default() },
        )
        .await
        .unwrap();
        h.install(&ACME, &serving_probe_manifest(), HOOK_PROBE).await;
        h.approve_all(&ACME, "probe").await;
        h.lifecycle.approve_hooks(&ACME, "probe", &modgate_host::lifecycle::HookSelection::All, "test").await.unwrap();
        let target = HookTarget::new(&ACME, "item");
        let get = async |path: &str| h.client.get(h.url(&format!("/modules/probe{path}"))).send().await.unwrap().status().as_u16();

        // Hooks fail until their breaker opens: HTTP keeps answering.
        for _ in 0..10 {
            let _ = hooks.before_create(&target, item("i", "t", "trap")).await.unwrap();
        }
        assert!(matches!(hooks.breaker_status(&ACME, "probe", "before-create item"), Some(BreakerStatus::Open { .. })));
        assert_eq!(get("/ok").await, 200, "the HTTP breaker did not see the hook failures");
        let http = h.bridge.breaker_status(&ACME, "probe");
        assert!(matches!(http, Some(BreakerStatus::Closed { consecutive_failures: 0 })), "{http:?}");

        // HTTP fails until its breaker opens: the other hooks keep running.
        for _ in 0..20 {
            if get("/fail").await == 503 {
                break;
            }
        }
        assert_eq!(get("/ok").await, 503, "the HTTP breaker is open");
        let deleting = hooks.before_delete(&target, item("i", "t", "reject")).await.unwrap();
        assert_eq!(deleting.into_result().unwrap_err().messages, ["probe says no"], "hooks did not see the HTTP failures");
        assert!(hooks.breaker_status(&ACME, "probe", "before-delete item").is_some_and(|s| s == BreakerStatus::Closed { consecutive_failures: 0 }));
    });
}
