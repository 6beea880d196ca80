//! Install, show (tables and drift), list, settings and uninstall.

use modgate_artifacts::{WISHLIST, WISHLIST_DIR};
use modgate_host::lifecycle::{InstallError, InstallRequest};
use modgate_host::storage::Backend;
use modgate_host::storage::module_tables::DriftProblem;
use modgate_tests::{acme, globex, on_both_backends, source};
use sea_orm::ConnectionTrait;

use super::{PROBE, install_probe, probe};

fn wishlist_manifest() -> String {
    std::fs::read_to_string(format!("{WISHLIST_DIR}/module.toml")).expect("wishlist manifest")
}

on_both_backends! {
    async fn wishlist_installs_with_its_table_and_no_drift_until_altered(host) {
        let outcome = host
            .lifecycle
            .install(InstallRequest { acknowledge_risk: true, ..InstallRequest::new(source(&wishlist_manifest(), WISHLIST), acme()) })
            .await
            .expect("wishlist installs");
        assert_eq!(
            outcome.table_changes,
            ["create table mod_wishlist_items", "create table mod_wishlist_digest", "create table mod_wishlist_ledger"]
        );
        assert_eq!(outcome.subscriptions, ["product.price-changed"]);
        assert_eq!(outcome.settings, serde_json::json!({ "max-items": 100 }), "defaults are filled in");

        let status = host.lifecycle.show(&acme(), "wishlist").await.expect("show");
        assert_eq!(status.tables.len(), 3);
        let table = &status.tables[0];
        assert_eq!(table.name, "mod_wishlist_items");
        let columns: Vec<&str> = table.columns.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(columns, ["id", "customer_id", "product_id", "note", "created_at", "updated_at"]);
        assert!(table.drift.is_empty(), "{:?}", table.drift);
        assert!(!status.has_drift());

        let (alter, drop_index) = match host.storage.backend() {
            Backend::Sqlite => ("ALTER TABLE \"acme__mod_wishlist_items\" ADD COLUMN sneaky TEXT", "DROP INDEX \"{index}\""),
            Backend::Postgres => ("ALTER TABLE \"mg_t_acme\".\"mod_wishlist_items\" ADD COLUMN sneaky TEXT", "DROP INDEX \"mg_t_acme\".\"{index}\""),
        };
        host.storage.connection().execute_unprepared(alter).await.expect("alter");
        let status = host.lifecycle.show(&acme(), "wishlist").await.expect("show");
        assert_eq!(status.tables[0].drift, [DriftProblem::UnexpectedColumn { column: "sneaky".into() }]);

        let physical = modgate_host::storage::module_tables::physical_table(host.storage.backend(), &acme(), "mod_wishlist_items");
        let specs = modgate_host::storage::module_tables::index_specs(&status_table_decl());
        let index = modgate_host::storage::module_tables::index_name(&physical, &specs[0]);
        host.storage.connection().execute_unprepared(&drop_index.replace("{index}", &index)).await.expect("drop index");
        let status = host.lifecycle.show(&acme(), "wishlist").await.expect("show");
        assert!(status.tables[0].drift.contains(&DriftProblem::MissingIndex {
            columns: vec!["customer_id".into(), "product_id".into()],
            unique: true,
        }), "{:?}", status.tables[0].drift);
    }
}

fn status_table_decl() -> modgate_host::manifest::TableDecl {
    modgate_tests::manifest_from(&wishlist_manifest()).tables.remove(0)
}

on_both_backends! {
    async fn invalid_settings_are_refused_with_the_schema_path(host) {
        let mut request = InstallRequest::new(source(&wishlist_manifest(), WISHLIST), acme());
        request.settings = Some(serde_json::json!({ "max-items": 0 }));
        request.acknowledge_risk = true;
        let error = host.lifecycle.install(request).await.expect_err("refused");
        let InstallError::InvalidSettings(problems) = &error else { panic!("{error}") };
        assert_eq!(error.code(), "invalid-settings");
        assert_eq!(problems[0].path, "/max-items");
        assert_eq!(problems[0].schema_path, "/properties/max-items/minimum");
        assert!(host.lifecycle.list(None).await.expect("list").is_empty());
    }
}

on_both_backends! {
    async fn uninstall_keeps_rows_unless_purged(host) {
        install_probe(&host.lifecycle, PROBE, &acme()).await;
        install_probe(&host.lifecycle, PROBE, &globex()).await;
        probe(&host.lifecycle, "probe", &acme(), "exec\nINSERT INTO mod_probe_items (name, qty) VALUES ('kept', 1)").await.expect("insert");

        let listed = host.lifecycle.list(None).await.expect("list");
        assert_eq!(listed.len(), 2);
        assert_eq!(host.lifecycle.list(Some(&acme())).await.expect("list").len(), 1);

        host.lifecycle.uninstall(&acme(), "probe", false).await.expect("uninstall");
        assert!(host.lifecycle.module(&acme(), "probe").is_none());
        let error = host.lifecycle.show(&acme(), "probe").await.expect_err("gone");
        assert_eq!(error.code(), "not-installed");
        install_probe(&host.lifecycle, PROBE, &acme()).await;
        probe(&host.lifecycle, "probe", &acme(), "expect-rows 1\nquery\nSELECT name FROM mod_probe_items").await.expect("row kept");

        host.lifecycle.uninstall(&acme(), "probe", true).await.expect("purge");
        install_probe(&host.lifecycle, PROBE, &acme()).await;
        probe(&host.lifecycle, "probe", &acme(), "expect-rows 0\nquery\nSELECT name FROM mod_probe_items").await.expect("purged");
        assert_eq!(host.lifecycle.uninstall(&acme(), "nothing", false).await.expect_err("unknown").code(), "not-installed");
    }
}
