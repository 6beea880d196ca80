//! Start-up with many installed modules: how long a host takes from opening
//! its database to every install loaded and ready to serve, with the
//! artifact store (compiled code read back, digests checked) and without it
//! (everything compiled again). Prints a table (medians of 5 starts; the
//! compiling start once — it is the slow path being avoided).
//!
//! The installs: the wishlist reference module for 100 tenants, each a
//! distinct component (a custom section with the tenant's name appended),
//! so each has its own content hash and artifact, as 100 different modules
//! would.
//!
//! Run: `cargo bench -p modgate-host --bench startup`

use std::path::Path;
use std::time::{Duration, Instant};

use modgate_host::default_host::{HostOptions, default_host};
use modgate_host::engine::TenantId;
use modgate_host::lifecycle::{InstallRequest, Lifecycle, ModuleSource};
use modgate_host::storage::Storage;
use modgate_host::testing::InMemoryCommerce;

const INSTALLS: usize = 100;
const RUNS: usize = 5;

/// The component with a custom section naming `tenant` appended: the same
/// code, another content hash.
fn variant(component: &[u8], tenant: &str) -> Vec<u8> {
    let name = b"modgate-bench";
    let mut payload = vec![name.len() as u8];
    payload.extend_from_slice(name);
    payload.extend_from_slice(tenant.as_bytes());
    let mut bytes = component.to_vec();
    bytes.push(0); // custom section
    leb128(&mut bytes, payload.len());
    bytes.extend_from_slice(&payload);
    bytes
}

fn leb128(out: &mut Vec<u8>, mut value: usize) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

async fn host(dir: &Path, artifacts: bool) -> Lifecycle {
    let storage = Storage::connect(&format!("sqlite://{}?mode=rwc", dir.join("modgate.db").display())).await.expect("database");
    let options = HostOptions { commerce: InMemoryCommerce::sample().into_commerce(), ..HostOptions::default() };
    let lifecycle = default_host(storage, options).expect("engine");
    if artifacts { lifecycle.with_artifact_dir(dir.join("artifacts")) } else { lifecycle }
}

/// Opens the host and loads every install; the time it took.
async fn start(dir: &Path, artifacts: bool) -> Duration {
    let started = Instant::now();
    let lifecycle = host(dir, artifacts).await;
    let loaded = lifecycle.load_all_installed().await.expect("loads");
    assert_eq!(loaded.len(), INSTALLS);
    started.elapsed()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let manifest = std::fs::read_to_string(format!("{}/module.toml", modgate_artifacts::WISHLIST_DIR)).expect("manifest");
    let component = modgate_artifacts::read(modgate_artifacts::WISHLIST);
    runtime.block_on(async {
        let lifecycle = host(dir.path(), true).await;
        let installing = Instant::now();
        for n in 0..INSTALLS {
            let tenant = format!("t{n:03}");
            let source = ModuleSource::new(manifest.clone(), variant(&component, &tenant));
            let request = InstallRequest::new(source, TenantId::new(&tenant).expect("tenant"));
            lifecycle.install(InstallRequest { acknowledge_risk: true, ..request }).await.expect("installs");
        }
        eprintln!("installed {INSTALLS} modules in {:.1} s", installing.elapsed().as_secs_f64());
    });
    let with_store: Vec<Duration> = (0..RUNS).map(|_| runtime.block_on(start(dir.path(), true))).collect();
    let compiling = runtime.block_on(start(dir.path(), false));
    let artifact_bytes: u64 = std::fs::read_dir(dir.path().join("artifacts"))
        .map(|entries| entries.flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum())
        .unwrap_or(0);
    println!("start-up, {INSTALLS} installed modules (wishlist, distinct components)");
    println!("| start | ready after |");
    println!("|---|---|");
    println!("| artifact store (median of {RUNS}) | {:.0} ms |", median(with_store).as_secs_f64() * 1000.0);
    println!("| compiling every module | {:.0} ms |", compiling.as_secs_f64() * 1000.0);
    println!("artifacts on disk: {:.1} MB", artifact_bytes as f64 / 1e6);
}
