//! What data hooks add to the integrator's paths, on SQLite (a file in a
//! temp dir) with real components:
//!
//! - **`before_update` alone**: the dispatcher with no hook approved, then
//!   with the one no-op hook, with no database write around it: what the
//!   hook itself costs;
//! - **core write + one no-op before-hook**: an `UPDATE` of the
//!   integrator's own table in its own transaction, with and without
//!   `before_update` running one approved hook that allows (the
//!   conformance-hooks component: a fresh instance under the `hook-before`
//!   budget, the record as JSON in and the outcome out);
//! - **after-read over 100 rows**: `after_read` on 100 rows with one
//!   approved hook that sets a field on each row (one invocation, the
//!   changes type-checked and applied), against the same call with no hook
//!   approved (what the dispatcher costs by itself).
//!
//! Medians of 2 000 runs after 200 warm-up runs. Run:
//! `cargo bench -p modgate-tests --bench hooks`. Prints a table for
//! docs/benchmarks.md.

use std::sync::Arc;
use std::time::{Duration, Instant};

use modgate_artifacts::CONFORMANCE_HOOKS;
use modgate_host::default_host::{HostOptions, default_host};
use modgate_host::hookable::{FieldType, HookableEntities, HookableEntity};
use modgate_host::hooks::{DataHooks, HookConfig, HookTarget};
use modgate_host::lifecycle::{HookSelection, InstallRequest, Lifecycle, ModuleSource};
use modgate_host::manifest::HookWhen;
use modgate_host::storage::{Storage, statement};
use modgate_tests::acme;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{Value, json};

const RUNS: usize = 2_000;
const WARM_UP: usize = 200;

const MANIFEST: &str = r#"name = "conformance"
version = "1.0.0"
compatible-core = "^1.0"
[[hooks]]
entity = "item"
when = "before-update"
[[hooks]]
entity = "item"
when = "after-read"
"#;

fn entities() -> HookableEntities {
    HookableEntities::new()
        .register(
            HookableEntity::new("item")
                .field("id", FieldType::STRING)
                .adjustable("title", FieldType::STRING)
                .adjustable("note", FieldType::STRING.or_null())
                .hookable_at([HookWhen::BeforeUpdate, HookWhen::AfterRead]),
        )
        .expect("valid")
}

async fn median(mut run: impl AsyncFnMut()) -> Duration {
    for _ in 0..WARM_UP {
        run().await;
    }
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        run().await;
        times.push(started.elapsed());
    }
    times.sort();
    times[RUNS / 2]
}

async fn update(lifecycle: &Lifecycle, hooks: Option<&DataHooks>, title: &str) {
    let db = lifecycle.storage().connection();
    let tx = db.begin().await.expect("begin");
    let mut record = json!({ "id": "i-1", "title": title });
    if let Some(hooks) = hooks {
        let previous = json!({ "id": "i-1", "title": "old" });
        let target = HookTarget::new(&TENANT, "item");
        record = hooks.before_update(&target, &previous, record).await.expect("hooks").into_result().expect("allowed");
    }
    let sql = "UPDATE shop_items SET title = ? WHERE id = ?";
    let values = [record["title"].as_str().unwrap_or_default().into(), "i-1".into()];
    tx.execute_raw(statement(tx.get_database_backend(), sql, values)).await.expect("update");
    tx.commit().await.expect("commit");
}

/// `before_update` on one record, no database write around it.
async fn before(hooks: &DataHooks) {
    let previous = json!({ "id": "i-1", "title": "old" });
    let target = HookTarget::new(&TENANT, "item");
    let record = json!({ "id": "i-1", "title": "new" });
    hooks.before_update(&target, &previous, record).await.expect("hooks").into_result().expect("allowed");
}

static TENANT: std::sync::LazyLock<modgate_host::engine::TenantId> = std::sync::LazyLock::new(acme);

async fn measure() -> Vec<(&'static str, Duration, Duration)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("modgate.db").display());
    let storage = Storage::connect(&url).await.expect("database");
    let lifecycle = Arc::new(default_host(storage.clone(), HostOptions::default()).expect("host"));
    let config = HookConfig { refresh: Duration::from_secs(3600), ..HookConfig::default() };
    let hooks = DataHooks::start(lifecycle.clone(), entities(), config).await.expect("hooks");
    let source = ModuleSource::new(MANIFEST.to_owned(), modgate_artifacts::read(CONFORMANCE_HOOKS));
    lifecycle.install(InstallRequest::new(source, acme())).await.expect("install");
    let db = storage.connection();
    db.execute_unprepared("CREATE TABLE shop_items (id TEXT PRIMARY KEY, title TEXT NOT NULL)").await.expect("table");
    db.execute_unprepared("INSERT INTO shop_items VALUES ('i-1', 'old')").await.expect("row");
    let rows: Vec<Value> = (0..100).map(|i| json!({ "id": format!("r-{i}"), "title": "t" })).collect();
    let target = HookTarget::new(&TENANT, "item");

    // Nothing approved yet: the dispatcher alone.
    let read_alone = median(async || {
        let read = hooks.after_read(&target, rows.clone()).await.expect("hooks");
        assert!(read.report.runs.is_empty());
    })
    .await;
    let write_alone = median(async || update(&lifecycle, None, "new").await).await;
    let before_alone = median(async || before(&hooks).await).await;

    lifecycle.approve_hooks(&acme(), "conformance", &HookSelection::All, "bench").await.expect("approve");
    hooks.invalidate(&acme());
    let write_hooked = median(async || update(&lifecycle, Some(&hooks), "new").await).await;
    let before_hooked = median(async || before(&hooks).await).await;
    let read_hooked = median(async || {
        let read = hooks.after_read(&target, rows.clone()).await.expect("hooks");
        assert_eq!(read.rows[99]["note"], "seen r-99");
    })
    .await;
    vec![
        ("`before_update` alone, no write: the dispatcher, then one no-op hook", before_alone, before_hooked),
        ("core write (UPDATE in a transaction) + one no-op before-hook", write_alone, write_hooked),
        ("after-read over 100 rows, one hook setting a field on each", read_alone, read_hooked),
    ]
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let rows = modgate_tests::run(measure());
    println!("\n| path (SQLite) | without hooks | with the hook | added |");
    println!("|---|---|---|---|");
    for (path, alone, hooked) in rows {
        println!(
            "| {path} | {:.1} µs | {:.1} µs | **{:.1} µs** |",
            alone.as_secs_f64() * 1e6,
            hooked.as_secs_f64() * 1e6,
            (hooked.as_secs_f64() - alone.as_secs_f64()) * 1e6
        );
    }
}
