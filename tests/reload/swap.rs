//! Reloading through the lifecycle under steady traffic.

use modgate_artifacts::{CONFORMANCE_SERVE, FAILING_ACTIVATE, HOST_CALLS, HTTP_PROBE};
use modgate_host::default_host::{HostOptions, default_host};
use modgate_host::lifecycle::{Approvals, InstallError, ModuleSource, ReloadStep, RouteSelection, TenantReload};
use modgate_host::storage::Storage;
use modgate_tests::http::{HttpHarness, http_harness, test_http_config};
use modgate_tests::{acme, source};

use super::{Load, V1, v2};

async fn serving_v1() -> HttpHarness {
    let h = http_harness(test_http_config()).await;
    h.install(&acme(), V1, HTTP_PROBE).await;
    h.approve_all(&acme(), "failing").await;
    h
}

/// The one tenant's result (only `acme` has the module).
fn acme_result(mut reloads: Vec<TenantReload>) -> Result<ReloadStep, InstallError> {
    assert_eq!(reloads.len(), 1, "{reloads:?}");
    let reload = reloads.remove(0);
    assert_eq!(reload.tenant, acme());
    reload.result
}

fn all_routes() -> Approvals {
    Approvals { routes: Some(RouteSelection::All), hooks: None }
}

#[test]
fn a_good_version_is_staged_then_promoted_under_load_with_zero_failed_requests() {
    modgate_tests::run(async {
        let h = serving_v1().await;
        let load = Load::start(&h);
        load.settle(50).await;

        let staged = acme_result(h.lifecycle.reload(&source(&v2(), CONFORMANCE_SERVE)).await.expect("reload runs"));
        assert!(matches!(staged, Ok(ReloadStep::Staged(_))), "{staged:?}");
        load.settle(50).await;
        let status = h.lifecycle.show(&acme(), "failing").await.expect("show");
        assert_eq!(status.version, "1.0.0", "v1 serves until the promotion");
        assert_eq!(status.staged.as_ref().map(|s| s.version.as_str()), Some("1.1.0"));
        assert!(status.routes.iter().all(|r| r.approved), "v1 keeps its approvals: {:?}", status.routes);
        assert_eq!(status.last_reload.as_ref().map(|r| r.action.as_str()), Some("stage"));

        let promoted = h.lifecycle.promote(&acme(), "failing", &all_routes(), "test").await.expect("promote");
        assert_eq!((promoted.previous_version.as_str(), promoted.version.as_str()), ("1.0.0", "1.1.0"));
        assert_eq!(promoted.approved, ["GET /echo"]);
        load.settle(200).await;
        let seen = load.stop().await;

        assert!(seen.failures.is_empty(), "failed requests across the swap: {:?}", seen.failures);
        assert!(seen.from_v1 >= 100, "v1 served before the promotion: {seen:?}");
        assert!(seen.from_v2 >= 100, "v2 serves after it: {seen:?}");
        let status = h.lifecycle.show(&acme(), "failing").await.expect("show");
        assert_eq!(status.version, "1.1.0");
        assert!(status.staged.is_none());
        assert_eq!(status.last_reload.map(|r| r.action), Some("promote".to_owned()));
    });
}

#[test]
fn a_version_that_fails_any_step_never_takes_traffic_and_no_request_fails() {
    modgate_tests::run(async {
        let h = serving_v1().await;
        let load = Load::start(&h);
        load.settle(50).await;
        let failing_activate = v2().replace("[[routes]]\nmethod = \"GET\"\npath = \"/echo\"\n", "");
        let without_table = v2().replace("[[tables]]\nname = \"mod_failing_rows\"\ncolumns = [{ name = \"label\", type = \"text\" }]\n", "");
        let cases = [
            ("a refused component", source(&v2(), HOST_CALLS), "component-refused"),
            (
                "a component that does not compile",
                ModuleSource::new(v2(), b"\0asm\x01\0\0\0 not really".to_vec()),
                "component-refused",
            ),
            ("an activate that fails", source(&failing_activate, FAILING_ACTIVATE), "activation-failed"),
            ("a destructive migration", source(&without_table, HTTP_PROBE), "destructive-change"),
        ];
        for (what, source, code) in cases {
            match acme_result(h.lifecycle.reload(&source).await.expect("reload runs")) {
                Err(error) => assert_eq!(error.code(), code, "{what}: {error}"),
                Ok(step) => panic!("{what} was accepted: {step:?}"),
            }
            load.settle(30).await;
            let status = h.lifecycle.show(&acme(), "failing").await.expect("show");
            assert_eq!(status.version, "1.0.0", "{what}: v1 still serves");
            assert!(status.staged.is_none(), "{what}: nothing staged");
            let last = status.last_reload.expect("the failure is audited");
            assert_eq!((last.action.as_str(), last.code.as_deref()), ("reload-failed", Some(code)), "{what}");
        }
        let seen = load.stop().await;
        assert!(seen.failures.is_empty(), "failed requests: {:?}", seen.failures);
        assert_eq!(seen.from_v2, 0);
        assert!(seen.from_v1 >= 100, "{seen:?}");
    });
}

#[test]
fn the_same_sources_reload_nothing_and_a_new_build_of_the_same_version_is_a_new_version() {
    modgate_tests::run(async {
        let h = serving_v1().await;
        let unchanged = acme_result(h.lifecycle.reload(&source(V1, HTTP_PROBE)).await.expect("reload runs"));
        assert!(matches!(unchanged, Ok(ReloadStep::Unchanged)), "{unchanged:?}");

        // Version 1.0.0 still, but other code: approvals do not carry over.
        let rebuilt = acme_result(h.lifecycle.reload(&source(V1, CONFORMANCE_SERVE)).await.expect("reload runs"));
        assert!(matches!(rebuilt, Ok(ReloadStep::Staged(_))), "{rebuilt:?}");
        let again = acme_result(h.lifecycle.reload(&source(V1, CONFORMANCE_SERVE)).await.expect("reload runs"));
        assert!(matches!(again, Ok(ReloadStep::Unchanged)), "already staged: {again:?}");
        h.lifecycle.promote(&acme(), "failing", &Approvals::default(), "test").await.expect("promote");
        let status = h.lifecycle.show(&acme(), "failing").await.expect("show");
        assert_eq!(status.version, "1.0.0");
        assert!(status.routes.iter().all(|r| !r.approved), "approvals went with the old code: {:?}", status.routes);
        let answer = h.client.get(h.url("/modules/failing/echo")).send().await.expect("request");
        assert_eq!(answer.status(), 404, "an unapproved route");

        let nothing = h.lifecycle.promote(&acme(), "failing", &all_routes(), "test").await.unwrap_err();
        assert_eq!(nothing.code(), "nothing-staged", "{nothing}");
    });
}

#[test]
fn a_reload_and_promotion_by_another_process_reach_this_one() {
    modgate_tests::run(async {
        let h = serving_v1().await;
        let load = Load::start(&h);
        load.settle(30).await;
        // Another host process (or the CLI) on the same database.
        let storage = Storage::connect(&h.database_url).await.expect("database opens");
        let other = default_host(storage, HostOptions::default()).expect("second host");
        let staged = acme_result(other.reload(&source(&v2(), CONFORMANCE_SERVE)).await.expect("reload runs"));
        assert!(matches!(staged, Ok(ReloadStep::Staged(_))), "{staged:?}");
        other.promote(&acme(), "failing", &all_routes(), "test").await.expect("promote");
        // The bridge re-reads installs every `refresh` (zero in tests).
        load.settle(100).await;
        let seen = load.stop().await;
        assert!(seen.failures.is_empty(), "{:?}", seen.failures);
        assert!(seen.from_v2 > 0, "this process serves what the other promoted: {seen:?}");
    });
}
