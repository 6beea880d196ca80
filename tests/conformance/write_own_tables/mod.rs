//! World `modgate:host/write-own-tables`, on SQLite and PostgreSQL: the
//! component installs through the real pipeline (its table created from the
//! manifest), then runs its checks for both sample tenants — each sees only
//! its own rows.

use modgate_artifacts::CONFORMANCE_WRITE_OWN_TABLES;
use modgate_host::lifecycle::InstallRequest;
use modgate_tests::{acme, globex, on_both_backends, source};

/// The conformance module's manifest.
pub const MANIFEST: &str = r#"
name = "conformance"
version = "1.0.0"
compatible-core = "^1.0"
permissions = ["write:own-tables"]

[[tables]]
name = "mod_conformance_notes"
columns = [
  { name = "owner", type = "text", nullable = false },
  { name = "body", type = "text" },
  { name = "score", type = "real" },
  { name = "stars", type = "integer" },
  { name = "raw", type = "blob" },
  { name = "pinned", type = "boolean" },
]
indexes = [{ columns = ["owner", "stars"], unique = true }]
"#;

on_both_backends! {
    async fn conformance_write_own_tables(host) {
        for tenant in [acme(), globex()] {
            let request = InstallRequest::new(source(MANIFEST, CONFORMANCE_WRITE_OWN_TABLES), tenant.clone());
            host.lifecycle.install(request).await.expect("installs");
        }
        for tenant in [acme(), globex()] {
            let module = host.lifecycle.module(&tenant, "conformance").expect("loaded");
            if let Err(e) = module.activate(&tenant, &format!("tenant={tenant}")).await {
                panic!("conformance failed for tenant {tenant}: {e}");
            }
        }
    }
}

#[test]
fn conformance_write_own_tables_no_permission() {
    super::no_permission_twin_is_refused(CONFORMANCE_WRITE_OWN_TABLES, "write:own-tables", "modgate:host/tables");
}
