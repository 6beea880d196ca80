//! Upgrades: additive table changes apply by themselves, destructive ones
//! need the operator's flag, and a new version revokes its approvals.

use modgate_artifacts::SQL_PROBE;
use modgate_host::lifecycle::InstallRequest;
use modgate_host::storage::entities::{approval, install};
use modgate_host::storage::{new_id, now_rfc3339};
use modgate_tests::{acme, on_both_backends, source};
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};

use super::{PROBE, install_probe, probe};

fn version(manifest: &str, version: &str) -> String {
    manifest.replace("version = \"1.0.0\"", &format!("version = \"{version}\""))
}

on_both_backends! {
    async fn additive_changes_apply_and_destructive_ones_need_the_flag(host) {
        let tenant = acme();
        install_probe(&host.lifecycle, PROBE, &tenant).await;
        probe(&host.lifecycle, "probe", &tenant, "exec\nINSERT INTO mod_probe_items (name, qty, note) VALUES ('a', 1, 'n')").await.expect("insert");

        let additive = version(PROBE, "1.1.0").replace(
            "{ name = \"note\", type = \"text\" },\n]",
            "{ name = \"note\", type = \"text\" },\n  { name = \"price\", type = \"real\" },\n]\nindexes = [{ columns = [\"qty\"] }]",
        ) + "\n[[tables]]\nname = \"mod_probe_extra\"\ncolumns = [{ name = \"x\", type = \"integer\" }]\n";
        let outcome = host.lifecycle.install(InstallRequest::new(source(&additive, SQL_PROBE), tenant.clone())).await.expect("additive upgrade");
        assert_eq!(outcome.previous_version.as_deref(), Some("1.0.0"));
        assert_eq!(outcome.table_changes.len(), 3, "{:?}", outcome.table_changes);
        probe(&host.lifecycle, "probe", &tenant, "expect-rows 1\nquery\nSELECT name, price FROM mod_probe_items WHERE price IS NULL").await.expect("row kept");
        probe(&host.lifecycle, "probe", &tenant, "expect-rows 0\nquery\nSELECT x FROM mod_probe_extra").await.expect("new table");
        assert!(!host.lifecycle.show(&tenant, "probe").await.expect("show").has_drift());

        let destructive = additive.replace("version = \"1.1.0\"", "version = \"2.0.0\"").replace("  { name = \"note\", type = \"text\" },\n", "");
        let refused = host.lifecycle.install(InstallRequest::new(source(&destructive, SQL_PROBE), tenant.clone())).await.expect_err("refused");
        assert_eq!(refused.code(), "destructive-change");
        assert!(refused.to_string().contains("drops column note"), "{refused}");

        let mut allowed = InstallRequest::new(source(&destructive, SQL_PROBE), tenant.clone());
        allowed.allow_destructive = true;
        host.lifecycle.install(allowed).await.expect("destructive upgrade with the flag");
        probe(&host.lifecycle, "probe", &tenant, "expect-rows 1\nquery\nSELECT id, name, qty FROM mod_probe_items WHERE name = 'a' AND qty = 1").await.expect("surviving columns kept");
        let status = host.lifecycle.show(&tenant, "probe").await.expect("show");
        assert!(!status.has_drift(), "{:?}", status.tables);
    }
}

on_both_backends! {
    async fn a_new_version_revokes_its_approvals(host) {
        let tenant = acme();
        install_probe(&host.lifecycle, PROBE, &tenant).await;
        let db = host.storage.connection();
        let installed = install::Entity::find().one(db).await.expect("read").expect("install");
        approval::ActiveModel {
            id: Set(new_id()),
            install_id: Set(installed.id.clone()),
            version_id: Set(installed.version_id.clone()),
            kind: Set("route".into()),
            subject: Set("GET /items".into()),
            approved_by: Set("operator".into()),
            approved_at: Set(now_rfc3339()),
        }
        .insert(db)
        .await
        .expect("approve");
        install_probe(&host.lifecycle, PROBE, &tenant).await;
        assert_eq!(approval::Entity::find().count(db).await.expect("count"), 1, "re-installing the same version keeps approvals");
        install_probe(&host.lifecycle, &version(PROBE, "1.0.1"), &tenant).await;
        assert_eq!(approval::Entity::find().count(db).await.expect("count"), 0, "a new version starts unapproved");
    }
}
