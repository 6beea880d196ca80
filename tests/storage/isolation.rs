//! Tenant and module isolation: a module never reaches another tenant's
//! rows or another module's tables, by any route.

use modgate_host::engine::ErrorCode;
use modgate_host::storage::Backend;
use modgate_host::storage::module_tables::module_role;
use modgate_tests::{acme, globex, on_both_backends};
use sea_orm::{ConnectionTrait, TransactionTrait};

use super::{OTHER, PROBE, guest_code, install_probe, probe};

on_both_backends! {
    async fn a_module_never_sees_another_tenants_rows_or_another_modules_tables(host) {
        for tenant in [acme(), globex()] {
            install_probe(&host.lifecycle, PROBE, &tenant).await;
        }
        install_probe(&host.lifecycle, OTHER, &acme()).await;
        probe(&host.lifecycle, "probe", &acme(), "exec\nINSERT INTO mod_probe_items (name, qty) VALUES ('acme-only', 1), ('acme-too', 2)")
            .await
            .expect("insert");
        probe(&host.lifecycle, "other", &acme(), "exec\nINSERT INTO mod_other_secrets (secret) VALUES ('s3cret')").await.expect("insert");

        probe(&host.lifecycle, "probe", &acme(), "expect-rows 2\nquery\nSELECT * FROM mod_probe_items").await.expect("own rows");
        probe(&host.lifecycle, "probe", &globex(), "expect-rows 0\nquery\nSELECT * FROM mod_probe_items").await.expect("globex sees none");
        probe(&host.lifecycle, "probe", &globex(), "expect-rows 0\nexec\nUPDATE mod_probe_items SET qty = 9").await.expect("globex changes none");
        probe(&host.lifecycle, "probe", &globex(), "expect-rows 0\nexec\nDELETE FROM mod_probe_items").await.expect("globex deletes none");
        probe(&host.lifecycle, "probe", &acme(), "expect-rows 2\nquery\nSELECT * FROM mod_probe_items WHERE qty < 9").await.expect("acme rows intact");

        let routes = [
            "query\nSELECT * FROM mod_other_secrets",
            "query\nSELECT name FROM mod_probe_items WHERE name IN (SELECT secret FROM mod_other_secrets)",
            "query\nSELECT * FROM globex__mod_probe_items",
            "query\nSELECT * FROM acme__mod_other_secrets",
            "query\nSELECT * FROM \"acme__mod_other_secrets\"",
            "query\nSELECT * FROM mg_t_globex.mod_probe_items",
            "query\nSELECT * FROM \"mg_t_acme\".\"mod_other_secrets\"",
            "query\nSELECT * FROM main.mod_probe_items",
            "exec\nINSERT INTO mod_other_secrets (secret) VALUES ('x')",
            "exec\nDELETE FROM mod_probe_items WHERE name IN (SELECT secret FROM mod_other_secrets)",
        ];
        for route in routes {
            let code = guest_code(probe(&host.lifecycle, "probe", &acme(), route).await);
            assert_eq!(code, Some(ErrorCode::Forbidden), "{route}");
        }
    }
}

/// On PostgreSQL the database itself stops a module role outside its own
/// tables, should a statement ever get past the guard.
#[test]
fn postgres_roles_hold_privileges_on_their_own_tables_only() {
    modgate_tests::run(async {
        let Some(host) = modgate_tests::test_host(Backend::Postgres).await else { return };
        for tenant in [acme(), globex()] {
            install_probe(&host.lifecycle, PROBE, &tenant).await;
        }
        let role = module_role(host.storage.database_name(), "probe", &acme());
        let attempts = [
            ("SELECT * FROM \"mg_t_acme\".\"mod_probe_items\"", true),
            ("SELECT * FROM \"mg_t_globex\".\"mod_probe_items\"", false),
            ("SELECT * FROM modgate_installs", false),
            ("CREATE TABLE \"mg_t_acme\".\"mod_probe_new\" (x int)", false),
        ];
        for (sql, allowed) in attempts {
            let tx = host.storage.connection().begin().await.expect("tx");
            tx.execute_unprepared(&format!("SET LOCAL ROLE \"{role}\"")).await.expect("set role");
            let result = tx.execute_unprepared(sql).await;
            assert_eq!(result.is_ok(), allowed, "{sql}: {result:?}");
            if let Err(e) = result {
                assert!(e.to_string().contains("permission denied"), "{sql}: {e}");
            }
        }
    });
}
