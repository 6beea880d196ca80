//! The hooks suite's test integrator: entity `item` (hookable at every
//! moment and on action `double`), its own table `shop_items` written in its
//! own transaction, and the manifests of the two hook components.

use std::time::Duration;

use modgate_host::engine::TenantId;
use modgate_host::hookable::{FieldType, HookableEntities, HookableEntity};
use modgate_host::hooks::{DataHooks, Decision, HookConfig, HookTarget};
use modgate_host::lifecycle::{HookSelection, InstallRequest};
use modgate_host::manifest::HookWhen;
use modgate_tests::{TestHost, acme, globex, source};
use sea_orm::{ConnectionTrait, DatabaseTransaction, TransactionTrait};
use serde_json::{Value, json};

/// The sample tenants, for targets that borrow them.
pub static ACME: std::sync::LazyLock<TenantId> = std::sync::LazyLock::new(acme);
/// See [`ACME`].
pub static GLOBEX: std::sync::LazyLock<TenantId> = std::sync::LazyLock::new(globex);

/// Every moment, for an entity hookable at all of them.
pub const ALL_MOMENTS: [HookWhen; 7] = [
    HookWhen::BeforeCreate,
    HookWhen::BeforeUpdate,
    HookWhen::BeforeDelete,
    HookWhen::AfterCreate,
    HookWhen::AfterUpdate,
    HookWhen::AfterDelete,
    HookWhen::AfterRead,
];

/// The test integrator's entity: `item`, hookable at every moment and on
/// action `double`. `cost` is the integrator's secret: never registered,
/// so no hook sees it.
pub fn items() -> HookableEntities {
    HookableEntities::new()
        .register(
            HookableEntity::new("item")
                .field("id", FieldType::STRING)
                .field("probe", FieldType::STRING)
                .field("locked", FieldType::BOOLEAN)
                .adjustable("title", FieldType::STRING)
                .adjustable("note", FieldType::STRING.or_null())
                .adjustable("quantity", FieldType::INTEGER)
                .hookable_at(ALL_MOMENTS)
                .action("double"),
        )
        .expect("the test entity is valid")
}

/// The conformance component's hooks: every moment on `item`, and the action.
pub const CONFORMANCE_HOOKS_TOML: &str = r#"
[[hooks]]
entity = "item"
when = "before-create"
[[hooks]]
entity = "item"
when = "before-update"
[[hooks]]
entity = "item"
when = "before-delete"
[[hooks]]
entity = "item"
when = "after-create"
[[hooks]]
entity = "item"
when = "after-update"
[[hooks]]
entity = "item"
when = "after-delete"
[[hooks]]
entity = "item"
when = "after-read"
[[hooks]]
entity = "item"
when = "on-action"
action = "double"
"#;

/// A manifest for the conformance component named `name`.
pub fn conformance_manifest(name: &str) -> String {
    format!("name = \"{name}\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n{CONFORMANCE_HOOKS_TOML}")
}

/// The hook-probe's manifest (`version` lets tests upgrade it): its table,
/// and its hooks on `item` before create and delete, after create and read.
pub fn probe_manifest(name: &str, version: &str) -> String {
    format!(
        r#"name = "{name}"
version = "{version}"
compatible-core = "^1.0"
permissions = ["write:own-tables"]

[[tables]]
name = "mod_{table}_rows"
columns = [{{ name = "value", type = "text" }}]

[[hooks]]
entity = "item"
when = "before-create"
[[hooks]]
entity = "item"
when = "before-delete"
[[hooks]]
entity = "item"
when = "after-create"
[[hooks]]
entity = "item"
when = "after-read"
"#,
        table = name.replace('-', "_")
    )
}

/// Hooks over `host` with the test entity, re-reading installs on every
/// call (so approvals take effect at once).
pub async fn start_hooks(host: &TestHost, config: HookConfig) -> DataHooks {
    let config = HookConfig {
        refresh: Duration::ZERO,
        ..config
    };
    DataHooks::start(host.lifecycle.clone(), items(), config).await.expect("hooks start")
}

/// Installs a module and approves all its hooks.
pub async fn install_approved(host: &TestHost, tenant: &TenantId, manifest: &str, component: &str) {
    install(host, tenant, manifest, component).await;
    let name = manifest_name(manifest);
    host.lifecycle
        .approve_hooks(tenant, &name, &HookSelection::All, "test")
        .await
        .expect("approve");
}

/// Installs a module (its hooks unapproved).
pub async fn install(host: &TestHost, tenant: &TenantId, manifest: &str, component: &str) {
    host.lifecycle
        .install(InstallRequest::new(source(manifest, component), tenant.clone()))
        .await
        .unwrap_or_else(|e| panic!("install failed: {e}"));
}

fn manifest_name(manifest: &str) -> String {
    let line = manifest.lines().find(|l| l.starts_with("name = ")).expect("a name line");
    line.trim_start_matches("name = ").trim_matches('"').to_owned()
}

/// An item record as the integrator holds it (with its secret `cost`).
pub fn item(id: &str, title: &str, probe: &str) -> Value {
    json!({ "id": id, "title": title, "probe": probe, "locked": false, "quantity": 3, "cost": 40 })
}

/// The integrator's table, created once per database.
pub async fn create_shop_items(host: &TestHost) {
    host.storage
        .connection()
        .execute_unprepared("CREATE TABLE shop_items (tenant TEXT NOT NULL, id TEXT NOT NULL, title TEXT NOT NULL)")
        .await
        .expect("shop_items");
}

/// What a well-behaved integrator does to create an item: in its own
/// transaction, the before-create hooks, then the insert of the adjusted
/// record, or a rollback on refusal; after the commit, the after-create
/// hooks. Returns the decision.
pub async fn create_item(hooks: &DataHooks, host: &TestHost, tenant: &TenantId, record: Value) -> Decision {
    let tx: DatabaseTransaction = host.storage.connection().begin().await.expect("begin");
    let target = HookTarget::new(tenant, "item");
    let decision = hooks.before_create(&target, record).await.expect("the hooks run");
    match &decision {
        Decision::Proceed { record, .. } => {
            let insert = modgate_host::storage::statement(
                tx.get_database_backend(),
                "INSERT INTO shop_items (tenant, id, title) VALUES (?, ?, ?)",
                [tenant.as_str().into(), record["id"].as_str().unwrap_or_default().into(), record["title"].as_str().unwrap_or_default().into()],
            );
            tx.execute_raw(insert).await.expect("insert");
            tx.commit().await.expect("commit");
            hooks.after_create(&target, record).await.expect("the after hooks run");
        }
        Decision::Reject { .. } => tx.rollback().await.expect("rollback"),
    }
    decision
}

/// The integrator's items of `tenant`: (id, title).
pub async fn shop_items(host: &TestHost, tenant: &TenantId) -> Vec<(String, String)> {
    let db = host.storage.connection();
    let query = modgate_host::storage::statement(
        db.get_database_backend(),
        "SELECT id, title FROM shop_items WHERE tenant = ? ORDER BY id",
        [tenant.as_str().into()],
    );
    db.query_all_raw(query)
        .await
        .expect("select")
        .into_iter()
        .map(|row| (row.try_get("", "id").unwrap(), row.try_get("", "title").unwrap()))
        .collect()
}
