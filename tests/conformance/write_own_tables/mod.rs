//! World `modgate:host/write-own-tables`, on SQLite and PostgreSQL: the
//! component installs through the real pipeline (its table created from the
//! manifest), then runs its checks for both sample tenants — each sees only
//! its own rows.

use modgate_host::lifecycle::InstallRequest;
use modgate_host::storage::Backend;
use modgate_tests::{Lang, acme, globex, source, test_host_for};

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

modgate_tests::in_every_language! {
    conformance_write_own_tables => on_sqlite,
    conformance_write_own_tables_on_postgres => on_postgres,
    conformance_write_own_tables_no_permission => without_the_permission,
}

fn on_sqlite(lang: Lang) {
    granted(Backend::Sqlite, lang);
}

fn on_postgres(lang: Lang) {
    granted(Backend::Postgres, lang);
}

fn granted(backend: Backend, lang: Lang) {
    let component = lang.component("conformance-write-own-tables");
    modgate_tests::run(async {
        // No PostgreSQL server: skipped, unless MODGATE_REQUIRE_POSTGRES=1.
        let Some(host) = test_host_for(lang, backend).await else { return };
        for tenant in [acme(), globex()] {
            let request = InstallRequest::new(source(MANIFEST, component), tenant.clone());
            host.lifecycle.install(request).await.expect("installs");
        }
        for tenant in [acme(), globex()] {
            let module = host.lifecycle.module(&tenant, "conformance").expect("loaded");
            if let Err(e) = module.activate(&tenant, &format!("tenant={tenant}")).await {
                panic!("conformance failed for tenant {tenant}: {e}");
            }
        }
    });
}

fn without_the_permission(lang: Lang) {
    super::no_permission_twin_is_refused(lang.component("conformance-write-own-tables"), "write:own-tables", "modgate:host/tables");
}
