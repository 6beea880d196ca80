//! Own-tables benchmarks on embedded SQLite (criterion):
//! - `select_by_key/native_sea_orm`: `SELECT name, qty … WHERE id = ?1`
//!   issued by the host through sea-orm on the tenant's physical table.
//! - `select_by_key/guest_100_per_invocation`: the same query from a guest
//!   through `modgate:host/tables` (guard, rewrite, bind, execute, decode),
//!   100 times in one invocation; divide by 100 for the per-query cost.
//! - `select_by_key/guest_invocation_with_1_query`: a whole invocation
//!   (fresh instance + one query).
//!
//! Run: `cargo bench -p modgate-host --bench tables`

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use modgate_host::default_host::{HostOptions, default_host};
use modgate_host::engine::{Budget, EngineConfig, InvocationContext, TenantId};
use modgate_host::lifecycle::{InstallRequest, ModuleSource};
use modgate_host::storage::Storage;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

const PROBE: &str = r#"
name = "probe"
version = "1.0.0"
compatible-core = "^1.0"
permissions = ["write:own-tables"]

[[tables]]
name = "mod_probe_items"
columns = [{ name = "name", type = "text" }, { name = "qty", type = "integer" }]
"#;

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let tenant = TenantId::new("acme").unwrap();
    let (lifecycle, storage) = runtime.block_on(async {
        let storage = Storage::open_data_dir(dir.path()).await.unwrap();
        let mut config = EngineConfig::default();
        config.budgets.set(
            InvocationContext::Activate,
            Budget { ops: 10_000, fuel: 1_000_000_000, wall_clock: Duration::from_secs(60) },
        );
        let lifecycle = default_host(storage.clone(), HostOptions { engine: config, ..HostOptions::default() }).unwrap();
        let source = ModuleSource::new(PROBE, modgate_artifacts::read(modgate_artifacts::SQL_PROBE));
        lifecycle.install(InstallRequest::new(source, tenant.clone())).await.unwrap();
        (lifecycle, storage)
    });
    let module = lifecycle.module(&tenant, "probe").unwrap();
    runtime
        .block_on(module.activate(&tenant, &format!("exec\nINSERT INTO mod_probe_items (name, qty) VALUES {}",
            (0..500).map(|i| format!("('item-{i}', {i})")).collect::<Vec<_>>().join(", "))))
        .unwrap();
    let key: String = runtime.block_on(async {
        let row = storage
            .connection()
            .query_one_raw(Statement::from_string(DbBackend::Sqlite, "SELECT id FROM \"acme__mod_probe_items\" WHERE name = 'item-250'"))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index(0).unwrap()
    });

    let mut group = c.benchmark_group("select_by_key");
    group.bench_function("native_sea_orm", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let row = storage
                    .connection()
                    .query_one_raw(Statement::from_sql_and_values(
                        DbBackend::Sqlite,
                        "SELECT name, qty FROM \"acme__mod_probe_items\" WHERE id = ?1",
                        [key.clone().into()],
                    ))
                    .await
                    .unwrap();
                assert!(row.is_some());
            })
        })
    });
    let one = format!("expect-rows 1\nparam {key}\nquery\nSELECT name, qty FROM mod_probe_items WHERE id = ?1");
    group.bench_function("guest_invocation_with_1_query", |b| {
        b.iter(|| runtime.block_on(module.activate(&tenant, &one)).unwrap())
    });
    let hundred = format!("expect-rows 1\nparam {key}\nrepeat 100\nquery\nSELECT name, qty FROM mod_probe_items WHERE id = ?1");
    group.bench_function("guest_100_per_invocation", |b| {
        b.iter(|| runtime.block_on(module.activate(&tenant, &hundred)).unwrap())
    });
    group.finish();
}

criterion_group! {
    name = tables;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(5));
    targets = benches
}
criterion_main!(tables);
