//! Events end to end: core events raised in the integrator's transaction,
//! module events, delivery by the worker with retries and dead letters,
//! exactly-once effects through the SDK's ledger, tenant isolation, and a
//! host killed between commit and delivery. On SQLite and PostgreSQL.

pub mod delivery;
pub mod outbox;
pub mod restart;

use std::time::{Duration, Instant};

use modgate_host::engine::TenantId;
use modgate_host::events::{Amount, CoreEvent, EventConfig};
use modgate_host::lifecycle::InstallRequest;
use modgate_host::storage::module_tables::physical_table;
use modgate_host::storage::Backend;
use modgate_tests::{TestHost, source};
use sea_orm::{ConnectionTrait, Statement, TransactionTrait};

pub use modgate_tests::recorder_manifest;

/// The failing test component's manifest: `mode` is `fail`, `trap`, `spin` or `slow`.
pub fn failing_manifest(subscriptions: &[&str]) -> String {
    format!(
        r#"name = "failing"
version = "1.0.0"
compatible-core = "^1.0"
permissions = ["subscribe:events"]
subscriptions = {subscriptions:?}

[settings]
type = "object"
additionalProperties = false

[settings.properties.mode]
type = "string"
enum = ["fail", "trap", "spin", "slow"]
default = "fail"
"#
    )
}

/// Installs `manifest` with `component` for `tenant`.
pub async fn install(host: &TestHost, manifest: &str, component: &str, tenant: &TenantId, settings: Option<serde_json::Value>) {
    let mut request = InstallRequest::new(source(manifest, component), tenant.clone());
    request.settings = settings;
    host.lifecycle.install(request).await.unwrap_or_else(|e| panic!("installing for {tenant}: {e}"));
}

/// Delivery that retries within milliseconds, for tests.
pub fn fast_delivery() -> EventConfig {
    EventConfig {
        base_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(40),
        // Just over twice the `event` budget's 2 s: the shortest allowed.
        lease: Duration::from_millis(4_100),
        poll_interval: Duration::from_millis(20),
        ..EventConfig::default()
    }
}

/// A price drop of `product` from `previous` to `current` cents.
pub fn price_drop(product: &str, previous: i64, current: i64) -> CoreEvent {
    CoreEvent::ProductPriceChanged {
        product_id: product.to_owned(),
        previous: Amount::new(previous, "EUR"),
        current: Amount::new(current, "EUR"),
    }
}

/// Raises `event` for `tenant` in its own committed transaction; its id.
pub async fn raise(host: &TestHost, tenant: &TenantId, event: &CoreEvent) -> String {
    let tx = host.storage.connection().begin().await.expect("begin");
    let recorded = host.outbox.raise(&tx, tenant, event).await.expect("raise");
    tx.commit().await.expect("commit");
    host.outbox.committed();
    recorded.id
}

/// The recorder's effect rows for `tenant`: (event id, name, detail), by event id.
pub async fn effects(host: &TestHost, tenant: &TenantId) -> Vec<(String, String, String)> {
    let table = physical_table(host.storage.backend(), tenant, "mod_recorder_effects");
    let name = match &table.schema {
        Some(schema) => format!("\"{schema}\".\"{}\"", table.table),
        None => format!("\"{}\"", table.table),
    };
    let db = host.storage.connection();
    let sql = format!("SELECT event_id, name, coalesce(detail, '') AS detail FROM {name} ORDER BY event_id");
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("reading the recorder's effects");
    rows.iter()
        .map(|row| {
            (
                row.try_get("", "event_id").unwrap(),
                row.try_get("", "name").unwrap(),
                row.try_get("", "detail").unwrap(),
            )
        })
        .collect()
}

/// The number `sql` counts (first column).
pub async fn count(host: &TestHost, sql: &str, values: Vec<sea_orm::Value>) -> i64 {
    let db = host.storage.connection();
    let statement = modgate_host::storage::statement(db.get_database_backend(), sql, values);
    let row = db.query_one_raw(statement).await.expect("count").expect("a row");
    row.try_get_by_index::<i64>(0).expect("an integer")
}

/// The state and attempts of the delivery of `event` to `module`.
pub async fn delivery(host: &TestHost, event: &str, module: &str) -> Option<(String, i64)> {
    let db = host.storage.connection();
    let statement = modgate_host::storage::statement(
        db.get_database_backend(),
        "SELECT state, CAST(attempts AS BIGINT) AS attempts FROM modgate_deliveries WHERE event_id = ? AND module = ?",
        [event.into(), module.into()],
    );
    let row = db.query_one_raw(statement).await.expect("delivery")?;
    Some((row.try_get("", "state").unwrap(), row.try_get("", "attempts").unwrap()))
}

/// Waits (up to a minute: the machine may be loaded) until `done` holds.
pub async fn wait_until<F, Fut>(what: &str, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !done().await {
        assert!(started.elapsed() < Duration::from_secs(60), "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The backend's name, for messages.
pub fn backend_name(host: &TestHost) -> &'static str {
    match host.storage.backend() {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}
