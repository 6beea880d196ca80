//! A failed install changes nothing: each pipeline step is made to fail for
//! real, and the database is compared before and after.

use modgate_artifacts::{FAILING_ACTIVATE, SQL_PROBE};
use modgate_host::lifecycle::{InstallError, InstallRequest};
use modgate_host::manifest::Permission;
use modgate_tests::{TestHost, acme, on_both_backends, source};

use super::snapshot::snapshot;
use super::{PROBE, install_probe, probe};

const FAILING: &str = r#"
name = "failing"
version = "1.0.0"
compatible-core = "^1.0"
permissions = ["write:own-tables"]

[[tables]]
name = "mod_failing_rows"
columns = [{ name = "label", type = "text" }]
"#;

async fn fails_without_change(host: &TestHost, request: InstallRequest, code: &str) {
    let before = snapshot(&host.storage, &["probe", "failing"], &[acme()]).await;
    match host.lifecycle.install(request).await {
        Ok(_) => panic!("install should fail with {code}"),
        Err(e) => assert_eq!(e.code(), code, "{e}"),
    }
    let after = snapshot(&host.storage, &["probe", "failing"], &[acme()]).await;
    assert_eq!(before, after, "a failed install ({code}) changed the database");
}

on_both_backends! {
    async fn a_failed_install_changes_nothing_at_any_step(host) {
        let tenant = acme();
        let request = |manifest: &str, component: &str| InstallRequest::new(source(manifest, component), tenant.clone());

        let mut bad = request(&PROBE.replace("name = \"probe\"", "name = \"Probe!\""), SQL_PROBE);
        fails_without_change(&host, bad.clone(), "invalid-manifest").await;

        bad = request(PROBE, SQL_PROBE);
        bad.grants = Some([Permission::ReadOrders].into());
        fails_without_change(&host, bad, "grant-not-requested").await;

        let risky = PROBE.replace("[\"write:own-tables\"]", "[\"write:own-tables\", \"http:outbound\"]");
        fails_without_change(&host, request(&risky, SQL_PROBE), "acknowledgement-required").await;

        let with_settings = format!("{PROBE}\n[settings]\ntype = \"object\"\nproperties.limit = {{ type = \"integer\", maximum = 5 }}\n");
        bad = request(&with_settings, SQL_PROBE);
        bad.settings = Some(serde_json::json!({ "limit": 6 }));
        fails_without_change(&host, bad, "invalid-settings").await;

        bad = request(PROBE, SQL_PROBE);
        bad.grants = Some(Default::default());
        fails_without_change(&host, bad, "component-refused").await;

        fails_without_change(&host, request(FAILING, FAILING_ACTIVATE), "activation-failed").await;

        // An upgrade that fails in the database after its records, tables and
        // indexes were written: a unique index over duplicate rows.
        install_probe(&host.lifecycle, PROBE, &tenant).await;
        for _ in 0..2 {
            probe(&host.lifecycle, "probe", &tenant, "exec\nINSERT INTO mod_probe_items (name) VALUES ('same')")
                .await
                .expect("insert");
        }
        let unique = PROBE
            .replace("version = \"1.0.0\"", "version = \"1.1.0\"")
            .replace("{ name = \"note\", type = \"text\" },\n]", "{ name = \"note\", type = \"text\" },\n]\nindexes = [{ columns = [\"name\"], unique = true }]");
        fails_without_change(&host, request(&unique, SQL_PROBE), "storage").await;
        let dropped = PROBE.replace("version = \"1.0.0\"", "version = \"2.0.0\"").replace("  { name = \"note\", type = \"text\" },\n", "");
        fails_without_change(&host, request(&dropped, SQL_PROBE), "destructive-change").await;
        // The old version still serves after the failed upgrades.
        probe(&host.lifecycle, "probe", &tenant, "expect-rows 2\nquery\nSELECT note FROM mod_probe_items").await.expect("v1 serves");
    }
}

#[test]
fn every_refusal_has_a_stable_code() {
    let error = InstallError::AcknowledgementRequired(vec![Permission::HttpOutbound]);
    assert_eq!(error.code(), "acknowledgement-required");
    assert!(error.to_string().contains("http:outbound") && error.to_string().contains("--acknowledge-risk"));
}
