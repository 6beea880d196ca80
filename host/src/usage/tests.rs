//! The usage audit on a real SQLite database: counts add up across flushes
//! and recorders (host nodes), percentiles come from the merged buckets, a
//! failed flush neither writes half nor loses anything, retention drops
//! only what is old, and the least-privilege report names what was not
//! used and prints the line to paste.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use modgate_manifest::Permission;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

use super::*;
use crate::engine::{InvocationContext, InvocationError, InvocationObserver, InvocationRecord};
use crate::storage::Storage;
use crate::storage::entities::{usage_call, usage_series};
use crate::tenant::TenantId;

const NOW: &str = "2026-11-30T10:15:30Z";

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn tenant(id: &str) -> TenantId {
    TenantId::new(id).unwrap()
}

/// An invocation of `wishlist` for `tenant` over HTTP that took `elapsed`
/// and called `op_calls`; adjust the other fields with struct update.
fn invocation<'a>(
    tenant: &'a TenantId,
    elapsed: Duration,
    op_calls: &'a [(&'static str, u32)],
) -> InvocationRecord<'a> {
    InvocationRecord {
        module: "wishlist",
        tenant,
        context: InvocationContext::Http,
        error: None,
        elapsed,
        fuel_used: 0,
        ops_used: op_calls.iter().map(|(_, n)| n).sum(),
        memory_peak_bytes: 0,
        op_calls,
        path_calls: &[],
    }
}

async fn storage() -> (tempfile::TempDir, Storage) {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::open_data_dir(dir.path()).await.unwrap();
    (dir, storage)
}

/// Every call row as (tenant, permission, operation, day, calls).
async fn call_rows(storage: &Storage) -> Vec<(String, String, String, String, i64)> {
    usage_call::Entity::find()
        .order_by_asc(usage_call::Column::Tenant)
        .order_by_asc(usage_call::Column::Day)
        .order_by_asc(usage_call::Column::Operation)
        .all(storage.connection())
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.tenant, r.permission, r.operation, r.day, r.calls))
        .collect()
}

async fn series_rows(storage: &Storage) -> Vec<usage_series::Model> {
    usage_series::Entity::find()
        .order_by_asc(usage_series::Column::Tenant)
        .order_by_asc(usage_series::Column::Minute)
        .all(storage.connection())
        .await
        .unwrap()
}

fn row(
    tenant: &str,
    permission: &str,
    operation: &str,
    day: &str,
    calls: i64,
) -> (String, String, String, String, i64) {
    (
        tenant.into(),
        permission.into(),
        operation.into(),
        day.into(),
        calls,
    )
}

#[tokio::test]
async fn counts_add_up_across_flushes_per_tenant_operation_and_minute() {
    let (_dir, storage) = storage().await;
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let recorder = UsageRecorder::new();
    let deadline = InvocationError::DeadlineExceeded {
        module: "wishlist".into(),
        context: "event",
        millis: 5000,
    };

    recorder.record_at(
        &InvocationRecord {
            fuel_used: 1_000,
            memory_peak_bytes: 1_000_000,
            ..invocation(
                &acme,
                Duration::from_millis(2),
                &[("products.get", 3), ("tables.query", 2)],
            )
        },
        at("2026-11-30T10:15:10Z"),
    );
    recorder.record_at(
        &InvocationRecord {
            context: InvocationContext::Event,
            error: Some(&deadline),
            fuel_used: 500,
            memory_peak_bytes: 3_000_000,
            ..invocation(&acme, Duration::from_millis(3), &[("products.get", 1)])
        },
        at("2026-11-30T10:15:20Z"),
    );
    recorder.flush_at(&storage, at(NOW)).await.unwrap();
    recorder.record_at(
        &InvocationRecord {
            fuel_used: 250,
            memory_peak_bytes: 2_000_000,
            ..invocation(
                &acme,
                Duration::from_millis(1),
                &[("products.get", 2), ("products.list", 0)],
            )
        },
        at("2026-11-30T10:15:40Z"),
    );
    recorder.record_at(
        &invocation(&globex, Duration::from_millis(1), &[("products.get", 7)]),
        at("2026-11-30T10:15:50Z"),
    );
    recorder.flush_at(&storage, at(NOW)).await.unwrap();
    // Nothing is left to add: a third flush changes nothing.
    recorder.flush_at(&storage, at(NOW)).await.unwrap();

    assert_eq!(
        call_rows(&storage).await,
        [
            row(
                "acme",
                "subscribe:events",
                "event-handler.deliver",
                "2026-11-30",
                1
            ),
            row("acme", "read:products", "products.get", "2026-11-30", 6),
            row("acme", "write:own-tables", "tables.query", "2026-11-30", 2),
            row("globex", "read:products", "products.get", "2026-11-30", 7),
        ]
    );
    let series =
        |tenant: &str, invocations, errors, fuel, ops, memory_peak_bytes| usage_series::Model {
            tenant: tenant.into(),
            module: "wishlist".into(),
            minute: "2026-11-30T10:15Z".into(),
            invocations,
            errors,
            fuel,
            ops,
            memory_peak_bytes,
        };
    assert_eq!(
        series_rows(&storage).await,
        [
            series("acme", 3, 1, 1_750, 8, 3_000_000),
            series("globex", 1, 0, 0, 7, 0)
        ]
    );
}

#[tokio::test]
async fn series_percentiles_come_from_the_buckets_of_every_flush_and_node() {
    let (_dir, storage) = storage().await;
    let acme = tenant("acme");
    let (node_a, node_b) = (UsageRecorder::new(), UsageRecorder::new());
    let record = |recorder: &UsageRecorder, times: usize, elapsed: Duration, minute: &str| {
        for _ in 0..times {
            recorder.record_at(&invocation(&acme, elapsed, &[]), at(minute));
        }
    };
    record(
        &node_a,
        50,
        Duration::from_micros(200),
        "2026-11-30T10:14:05Z",
    );
    record(
        &node_a,
        20,
        Duration::from_millis(3),
        "2026-11-30T10:14:06Z",
    );
    node_a.flush_at(&storage, at(NOW)).await.unwrap();
    record(
        &node_b,
        25,
        Duration::from_millis(3),
        "2026-11-30T10:14:07Z",
    );
    record(
        &node_b,
        4,
        Duration::from_millis(100),
        "2026-11-30T10:14:08Z",
    );
    record(&node_b, 1, Duration::from_secs(1), "2026-11-30T10:14:09Z");
    record(&node_b, 1, Duration::from_millis(7), "2026-11-30T10:15:00Z");
    // 76 minutes ago: outside a window of 60.
    record(&node_b, 1, Duration::from_millis(7), "2026-11-30T08:59:59Z");
    node_b.flush_at(&storage, at(NOW)).await.unwrap();

    let points = usage_series_at(&storage, &acme, "wishlist", 60, at(NOW))
        .await
        .unwrap();
    let point = |minute: &str, invocations, p50, p95, p99| UsagePoint {
        minute: minute.into(),
        invocations,
        errors: 0,
        latency_p50_ms: p50,
        latency_p95_ms: p95,
        latency_p99_ms: p99,
        fuel: 0,
        ops: 0,
        memory_peak_bytes: 0,
    };
    // 100 invocations: the 50th is in the ≤0.25 ms bucket, the 95th in
    // ≤4 ms (3 ms), the 99th in ≤128 ms (100 ms).
    assert_eq!(
        points,
        [
            point("2026-11-30T10:14Z", 100, 0.25, 4.0, 128.0),
            point("2026-11-30T10:15Z", 1, 8.0, 8.0, 8.0)
        ]
    );
    assert!(
        usage_series_at(&storage, &tenant("globex"), "wishlist", 60, at(NOW))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_failed_flush_writes_nothing_and_loses_nothing() {
    let (_dir, storage) = storage().await;
    let acme = tenant("acme");
    let recorder = UsageRecorder::new();
    let db = storage.connection();
    recorder.record_at(
        &invocation(&acme, Duration::from_millis(2), &[("products.get", 3)]),
        at("2026-11-30T10:15:00Z"),
    );

    // The latency table is written last: the calls and series written
    // before it must roll back with it.
    db.execute_unprepared("ALTER TABLE modgate_usage_latency RENAME TO usage_latency_away")
        .await
        .unwrap();
    assert!(recorder.flush_at(&storage, at(NOW)).await.is_err());
    assert_eq!(call_rows(&storage).await, []);
    assert_eq!(series_rows(&storage).await, []);
    recorder.record_at(
        &invocation(&acme, Duration::from_millis(2), &[("products.get", 1)]),
        at("2026-11-30T10:15:10Z"),
    );
    db.execute_unprepared("ALTER TABLE usage_latency_away RENAME TO modgate_usage_latency")
        .await
        .unwrap();

    recorder.flush_at(&storage, at(NOW)).await.unwrap();
    assert_eq!(
        call_rows(&storage).await,
        [row(
            "acme",
            "read:products",
            "products.get",
            "2026-11-30",
            4
        )]
    );
    let series = series_rows(&storage).await;
    assert_eq!(
        (series.len(), series[0].invocations, series[0].ops),
        (1, 2, 4)
    );
    let points = usage_series_at(&storage, &acme, "wishlist", 5, at(NOW))
        .await
        .unwrap();
    assert_eq!((points[0].invocations, points[0].latency_p99_ms), (2, 2.0));
}

#[tokio::test]
async fn flush_drops_series_after_a_week_and_calls_after_400_days() {
    let (_dir, storage) = storage().await;
    let acme = tenant("acme");
    let recorder = UsageRecorder::new();
    for when in [
        "2024-10-25T12:00:00Z",
        "2025-10-26T12:00:00Z",
        "2026-11-22T12:00:00Z",
        "2026-11-24T12:00:00Z",
    ] {
        recorder.record_at(
            &invocation(&acme, Duration::from_millis(1), &[("orders.list", 1)]),
            at(when),
        );
    }
    recorder.flush_at(&storage, at(NOW)).await.unwrap();

    // 2026-11-30 minus 400 days is 2025-10-26: that day is kept.
    assert_eq!(
        call_rows(&storage).await,
        [
            row("acme", "read:orders", "orders.list", "2025-10-26", 1),
            row("acme", "read:orders", "orders.list", "2026-11-22", 1),
            row("acme", "read:orders", "orders.list", "2026-11-24", 1),
        ]
    );
    let minutes: Vec<String> = series_rows(&storage)
        .await
        .into_iter()
        .map(|r| r.minute)
        .collect();
    assert_eq!(minutes, ["2026-11-24T12:00Z"]);
}

#[tokio::test]
async fn least_privilege_names_the_unused_permission_and_prints_the_minimal_line() {
    let (_dir, storage) = storage().await;
    let acme = tenant("acme");
    let recorder = UsageRecorder::new();
    let today = at("2026-11-30T09:00:00Z");
    recorder.record_at(
        &invocation(
            &acme,
            Duration::from_millis(1),
            &[("products.get", 10), ("products.list", 2)],
        ),
        today,
    );
    recorder.record_at(
        &invocation(
            &acme,
            Duration::from_millis(1),
            &[("tables.query", 4), ("tables.exec", 1)],
        ),
        today,
    );
    for _ in 0..3 {
        let delivery = InvocationRecord {
            context: InvocationContext::Event,
            ..invocation(&acme, Duration::from_millis(1), &[])
        };
        recorder.record_at(&delivery, today);
    }
    // An email 40 days ago, before the 30-day window.
    recorder.record_at(
        &invocation(&acme, Duration::from_millis(1), &[("email.send", 1)]),
        at("2026-10-21T09:00:00Z"),
    );
    recorder.flush_at(&storage, at(NOW)).await.unwrap();

    let declared = BTreeSet::from([
        Permission::ReadProducts,
        Permission::WriteOwnTables,
        Permission::SubscribeEvents,
        Permission::EmailSend,
    ]);
    let report = least_privilege_at(&storage, &acme, "wishlist", &declared, 30, at(NOW))
        .await
        .unwrap();
    let operation = |operation: &str, calls| OperationUse {
        operation: operation.into(),
        calls,
    };
    assert_eq!(
        report,
        LeastPrivilegeReport {
            tenant: "acme".into(),
            module: "wishlist".into(),
            window_days: 30,
            since: "2026-11-01".into(),
            declared: vec![
                Permission::ReadProducts,
                Permission::WriteOwnTables,
                Permission::SubscribeEvents,
                Permission::EmailSend
            ],
            used: vec![
                PermissionUse {
                    permission: Permission::ReadProducts,
                    calls: 12,
                    operations: vec![operation("products.get", 10), operation("products.list", 2)],
                },
                PermissionUse {
                    permission: Permission::WriteOwnTables,
                    calls: 5,
                    operations: vec![operation("tables.exec", 1), operation("tables.query", 4)],
                },
                PermissionUse {
                    permission: Permission::SubscribeEvents,
                    calls: 3,
                    operations: vec![operation("event-handler.deliver", 3)],
                },
            ],
            unused: vec![Permission::EmailSend],
            minimal_permissions: vec![
                Permission::ReadProducts,
                Permission::WriteOwnTables,
                Permission::SubscribeEvents
            ],
            minimal_manifest_line:
                r#"permissions = ["read:products", "write:own-tables", "subscribe:events"]"#.into(),
            paths: Vec::new(),
        }
    );
    assert_eq!(
        report.render(),
        "wishlist for tenant acme, last 30 days (since 2026-11-01):\n\
         used:\n\
         \x20 read:products: 12 calls (products.get 10, products.list 2)\n\
         \x20 write:own-tables: 5 calls (tables.exec 1, tables.query 4)\n\
         \x20 subscribe:events: 3 calls (event-handler.deliver 3)\n\
         declared but never used in the last 30 days: email:send\n\
         (a section that needs a removed permission, such as [[tables]] or subscriptions, must go too; `modgate verify` checks the result)\n\
         minimal manifest line:\n\
         permissions = [\"read:products\", \"write:own-tables\", \"subscribe:events\"]\n"
    );

    // The email is inside a 45-day window.
    let wider = least_privilege_at(&storage, &acme, "wishlist", &declared, 45, at(NOW))
        .await
        .unwrap();
    assert_eq!(
        (wider.since.as_str(), wider.unused.as_slice()),
        ("2026-10-17", &[][..])
    );
}

#[tokio::test]
async fn a_permission_used_without_being_declared_stays_in_the_minimal_line() {
    let (_dir, storage) = storage().await;
    let acme = tenant("acme");
    let recorder = UsageRecorder::new();
    recorder.record_at(
        &invocation(
            &acme,
            Duration::from_millis(1),
            &[("products.get", 1), ("http.outbound", 2)],
        ),
        at(NOW),
    );
    recorder.flush_at(&storage, at(NOW)).await.unwrap();

    let declared = BTreeSet::from([Permission::ReadProducts]);
    let report = least_privilege_at(&storage, &acme, "wishlist", &declared, 7, at(NOW))
        .await
        .unwrap();
    assert_eq!(report.unused, []);
    assert_eq!(
        report.minimal_permissions,
        [Permission::ReadProducts, Permission::HttpOutbound]
    );
    assert_eq!(
        report.render(),
        "wishlist for tenant acme, last 7 days (since 2026-11-24):\n\
         used:\n\
         \x20 read:products: 1 call (products.get 1)\n\
         \x20 http:outbound: 2 calls (http.outbound 2) — used but not declared\n\
         every declared permission was used in the last 7 days\n\
         minimal manifest line:\n\
         permissions = [\"read:products\", \"http:outbound\"]\n"
    );

    let idle = least_privilege_at(
        &storage,
        &tenant("globex"),
        "wishlist",
        &declared,
        7,
        at(NOW),
    )
    .await
    .unwrap();
    assert_eq!(idle.unused, [Permission::ReadProducts]);
    assert_eq!(idle.minimal_manifest_line, "permissions = []");
}

#[tokio::test]
async fn the_observer_counts_and_the_flusher_writes_on_its_own() {
    let (_dir, storage) = storage().await;
    let acme = tenant("acme");
    let recorder = UsageRecorder::new();
    let flusher = recorder.spawn_flusher(storage.clone(), Duration::from_millis(20));
    recorder.finished(&invocation(
        &acme,
        Duration::from_millis(1),
        &[("categories.get", 2)],
    ));

    let mut rows = Vec::new();
    for _ in 0..250 {
        rows = call_rows(&storage).await;
        if !rows.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    flusher.abort();
    let written: Vec<(&str, &str, i64)> = rows
        .iter()
        .map(|r| (r.1.as_str(), r.2.as_str(), r.4))
        .collect();
    assert_eq!(written, [("read:categories", "categories.get", 2)]);
}

#[tokio::test]
async fn a_module_with_dependencies_is_reported_by_component_path() {
    let (_dir, storage) = storage().await;
    let acme = tenant("acme");
    let manifest = modgate_manifest::verify_manifest(
        r#"
name = "wishlist"
version = "1.0.0"
compatible-core = "^1.0"
permissions = ["read:products", "read:categories", "http:outbound"]

[dependencies.fetcher]
component = "deps/fetcher.wasm"
permissions = ["http:outbound"]

[dependencies.casing]
component = "deps/casing.wasm"
"#,
        &crate::CORE_VERSION,
    )
    .unwrap()
    .manifest;
    let path_calls = [
        crate::engine::OpCalls { path: "wishlist".into(), operation: "products.get", calls: 2 },
        crate::engine::OpCalls { path: "wishlist>fetcher".into(), operation: "http.outbound", calls: 3 },
    ];
    let recorder = UsageRecorder::new();
    for _ in 0..2 {
        let calls = [("products.get", 2), ("http.outbound", 3)];
        recorder.record_at(
            &InvocationRecord { path_calls: &path_calls, ..invocation(&acme, Duration::from_millis(1), &calls) },
            at(NOW),
        );
    }
    recorder.flush_at(&storage, at(NOW)).await.unwrap();

    let report = least_privilege_at(&storage, &acme, "wishlist", &manifest.permissions, 7, at(NOW))
        .await
        .unwrap()
        .with_paths(&storage, &acme, &manifest)
        .await
        .unwrap();
    type PathSummary<'a> = (&'a str, Vec<Permission>, Vec<(Permission, u64)>, Vec<Permission>);
    let summary: Vec<PathSummary> = report
        .paths
        .iter()
        .map(|p| (p.path.as_str(), p.holds.clone(), p.used.iter().map(|u| (u.permission, u.calls)).collect(), p.unused.clone()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "wishlist",
                vec![Permission::ReadProducts, Permission::ReadCategories],
                vec![(Permission::ReadProducts, 4)],
                vec![Permission::ReadCategories],
            ),
            ("wishlist>fetcher", vec![Permission::HttpOutbound], vec![(Permission::HttpOutbound, 6)], vec![]),
            ("wishlist>casing", vec![], vec![], vec![]),
        ],
        "the main component's share is the total minus its dependencies'"
    );
    let rendered = report.render();
    assert!(rendered.contains("wishlist>fetcher holds http:outbound"), "{rendered}");
    assert!(rendered.contains("never used: read:categories"), "{rendered}");

    // A module without dependencies: no report by path, no rows by path.
    let plain = least_privilege_at(&storage, &acme, "wishlist", &manifest.permissions, 7, at(NOW)).await.unwrap();
    assert!(plain.paths.is_empty());
}
