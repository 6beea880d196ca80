//! Storage, tenants and own tables, each scenario on SQLite and PostgreSQL.

pub mod artifacts;
mod concurrent_writes;
pub mod hostile_sql;
mod install;
mod isolation;
mod limits;
mod placeholders;
mod snapshot;
mod sql_forms;
pub mod transactional;
mod upgrade;

use modgate_artifacts::SQL_PROBE;
use modgate_host::engine::{InvocationError, TenantId};
use modgate_host::lifecycle::{InstallRequest, Lifecycle};
use modgate_host::engine::ErrorCode;
use modgate_tests::source;

/// The probe module: two tables of its own.
pub const PROBE: &str = r#"
name = "probe"
version = "1.0.0"
compatible-core = "^1.0"
permissions = ["write:own-tables"]

[[tables]]
name = "mod_probe_items"
columns = [
  { name = "name", type = "text" },
  { name = "qty", type = "integer" },
  { name = "note", type = "text" },
]

[[tables]]
name = "mod_probe_tags"
columns = [{ name = "label", type = "text" }]
"#;

/// Another module whose table the probe must never reach.
pub const OTHER: &str = r#"
name = "other"
version = "1.0.0"
compatible-core = "^1.0"
permissions = ["write:own-tables"]

[[tables]]
name = "mod_other_secrets"
columns = [{ name = "secret", type = "text" }]
"#;

/// Installs `manifest` (with the SQL probe component) for `tenant`.
pub async fn install_probe(lifecycle: &Lifecycle, manifest: &str, tenant: &TenantId) {
    let request = InstallRequest::new(source(manifest, SQL_PROBE), tenant.clone());
    if let Err(e) = lifecycle.install(request).await {
        panic!("installing the probe for {tenant}: [{}] {e}", e.code());
    }
}

/// Runs one statement through the probe module of `tenant`.
pub async fn probe(lifecycle: &Lifecycle, module: &str, tenant: &TenantId, settings: &str) -> Result<(), InvocationError> {
    let loaded = lifecycle.module(tenant, module).expect("module installed");
    loaded.activate(tenant, settings).await.map(|_| ())
}

/// The guest's error code of a failed probe.
pub fn guest_code(result: Result<(), InvocationError>) -> Option<ErrorCode> {
    match result {
        Err(InvocationError::Guest { code, .. }) => Some(code),
        _ => None,
    }
}
