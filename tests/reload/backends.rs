//! Staging, promotion and a failed reload on both databases (the HTTP
//! scenarios run on SQLite): the staged columns, the promotion's one
//! transaction and the serving record's snapshot on PostgreSQL too.

use modgate_artifacts::{CONFORMANCE_SERVE, HTTP_PROBE, MINIMAL};
use modgate_host::lifecycle::{Approvals, InstallRequest, ReloadStep, RouteSelection};
use modgate_tests::{acme, on_both_backends, source};

use super::{V1, v2};

on_both_backends! {
    async fn a_reload_is_staged_promoted_and_a_failed_one_audited(host) {
        let lifecycle = &host.lifecycle;
        lifecycle.install(InstallRequest::new(source(V1, HTTP_PROBE), acme())).await.expect("v1 installs");
        lifecycle.approve_routes(&acme(), "failing", &RouteSelection::All, "test").await.expect("approve");

        let reloads = lifecycle.reload(&source(&v2(), CONFORMANCE_SERVE)).await.expect("reload runs");
        assert!(matches!(reloads[0].result, Ok(ReloadStep::Staged(_))), "{reloads:?}");
        let record = lifecycle.serving_record(&acme(), "failing").await.expect("read").expect("installed");
        assert_eq!(record.approved_routes.len(), 1, "v1 keeps its approval while v2 is staged");

        let without_table = v2().replace("version = \"1.1.0\"", "version = \"1.2.0\"").replace("[[tables]]\nname = \"mod_failing_rows\"\ncolumns = [{ name = \"label\", type = \"text\" }]\n", "");
        let reloads = lifecycle.reload(&source(&without_table, HTTP_PROBE)).await.expect("reload runs");
        let code = reloads[0].result.as_ref().err().map(|e| e.code());
        assert_eq!(code, Some("destructive-change"));
        let status = lifecycle.show(&acme(), "failing").await.expect("show");
        assert_eq!(status.staged.map(|s| s.version), Some("1.1.0".to_owned()), "the failed reload left the staged one");
        assert_eq!(status.last_reload.and_then(|r| r.code), Some("destructive-change".to_owned()));

        let all = Approvals { routes: Some(RouteSelection::All), hooks: None };
        let promoted = lifecycle.promote(&acme(), "failing", &all, "test").await.expect("promote");
        assert_eq!(promoted.version, "1.1.0");
        let record = lifecycle.serving_record(&acme(), "failing").await.expect("read").expect("installed");
        assert_eq!(record.approved_routes.iter().collect::<Vec<_>>(), ["GET /echo"]);
        let loaded = lifecycle.module_for(&acme(), "failing", &record, None).await.expect("loads").expect("a version");
        assert_eq!(loaded.manifest().version.to_string(), "1.1.0");
    }
}

on_both_backends! {
    async fn a_version_with_nothing_to_approve_takes_over_at_once_and_a_disabled_install_stays_disabled(host) {
        let lifecycle = &host.lifecycle;
        let quiet = "name = \"quiet\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n";
        lifecycle.install(InstallRequest::new(source(quiet, MINIMAL), acme())).await.expect("v1 installs");
        lifecycle.set_enabled(&acme(), "quiet", false).await.expect("disable");

        let newer = quiet.replace("1.0.0", "1.0.1");
        let reloads = lifecycle.reload(&source(&newer, MINIMAL)).await.expect("reload runs");
        assert!(matches!(reloads[0].result, Ok(ReloadStep::Switched(_))), "{reloads:?}");
        let status = lifecycle.show(&acme(), "quiet").await.expect("show");
        assert_eq!((status.version.as_str(), status.enabled), ("1.0.1", false), "serving 1.0.1, still disabled");
        assert!(status.staged.is_none());
        assert_eq!(status.last_reload.map(|r| r.action), Some("reload".to_owned()));
    }
}
