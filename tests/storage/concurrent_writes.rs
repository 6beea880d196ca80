//! Lifecycle changes made while other writers commit all end with their own
//! outcome. Each one reads (the install, kept tables) before it writes; on
//! SQLite a transaction that starts as a reader fails at its first write
//! with "database is locked" when a write committed meanwhile, so these
//! take the write lock from their start (`Storage::begin_write`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use modgate_artifacts::SQL_PROBE;
use modgate_host::lifecycle::{InstallError, InstallRequest, Lifecycle, RouteSelection};
use modgate_host::storage::Storage;
use modgate_host::tenant::TenantId;
use modgate_tests::{acme, on_both_backends, source};
use sea_orm::ConnectionTrait;

use super::{OTHER, PROBE, install_probe, probe};

/// Rounds of install, disable, enable, breaker reset, allowlist change,
/// approval, upgrade and uninstall, each round for a tenant of its own.
const ROUNDS: usize = 6;

/// Commits writes until `stop`, two kinds at once: the probe module's own
/// statements (which queue for the process's write turn) and plain
/// statements on the pool (which do not, like another process's writes).
fn keep_writing(
    lifecycle: Arc<Lifecycle>,
    storage: Storage,
    stop: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<usize> {
    tokio::spawn(async move {
        let tenant = acme();
        let mut writes = 0;
        while !stop.load(Ordering::Relaxed) {
            probe(
                &lifecycle,
                "probe",
                &tenant,
                "exec\nINSERT INTO mod_probe_items (name) VALUES ('load')",
            )
            .await
            .expect("the probe's insert");
            storage
                .connection()
                .execute_unprepared("INSERT INTO write_load (n) VALUES (1)")
                .await
                .expect("a plain insert");
            writes += 2;
        }
        writes
    })
}

/// The outcome of one lifecycle `step`, or a panic naming the step and the
/// error's code.
fn succeeded<T>(step: &str, tenant: &TenantId, result: Result<T, InstallError>) -> T {
    result.unwrap_or_else(|e| panic!("{step} for {tenant} under write load: [{}] {e}", e.code()))
}

async fn change_everything(lifecycle: &Lifecycle, tenant: &TenantId) {
    let first = InstallRequest::new(source(OTHER, SQL_PROBE), tenant.clone());
    succeeded("install", tenant, lifecycle.install(first).await);
    let disabled = lifecycle.set_enabled(tenant, "other", false).await;
    assert!(succeeded("disable", tenant, disabled));
    let enabled = lifecycle.set_enabled(tenant, "other", true).await;
    assert!(succeeded("enable", tenant, enabled));
    let reset = lifecycle.reset_breaker(tenant, "other").await;
    succeeded("breaker reset", tenant, reset);
    let allowlist = lifecycle.change_allowlist(tenant, "other", Ok).await;
    succeeded("allowlist change", tenant, allowlist);
    let approved = lifecycle
        .approve_routes(tenant, "other", &RouteSelection::All, "test")
        .await;
    succeeded("approval", tenant, approved);
    let upgrade = OTHER.replace("version = \"1.0.0\"", "version = \"1.1.0\"");
    let second = InstallRequest::new(source(&upgrade, SQL_PROBE), tenant.clone());
    succeeded("upgrade", tenant, lifecycle.install(second).await);
    let removed = lifecycle.uninstall(tenant, "other", true).await;
    succeeded("uninstall", tenant, removed);
}

on_both_backends! {
    async fn lifecycle_changes_under_write_load_all_succeed(host) {
        install_probe(&host.lifecycle, PROBE, &acme()).await;
        host.storage
            .connection()
            .execute_unprepared("CREATE TABLE write_load (n INTEGER)")
            .await
            .expect("create the load table");
        let stop = Arc::new(AtomicBool::new(false));
        let writer = keep_writing(host.lifecycle.clone(), host.storage.clone(), stop.clone());
        for round in 0..ROUNDS {
            let tenant = TenantId::new(format!("tenant-{round}")).expect("slug");
            change_everything(&host.lifecycle, &tenant).await;
        }
        stop.store(true, Ordering::Relaxed);
        let writes = writer.await.expect("the writer finished");
        assert!(writes > 0, "the load wrote while the lifecycle changed things");
    }
}
