//! The artifact store: an install writes the compiled component under the
//! data directory and records its digest; a restarted host adopts it
//! instead of compiling. A file changed on disk, one the host never
//! recorded, or recorded bytes wasmtime refuses are removed and the
//! component compiled (and stored) again — never run.

use std::path::{Path, PathBuf};

use modgate_host::default_host::{HostOptions, default_host};
use modgate_host::engine::EngineConfig;
use modgate_host::lifecycle::{ArtifactUse, Lifecycle};
use modgate_host::storage::Storage;
use modgate_host::testing::InMemoryCommerce;
use modgate_tests::{acme, run};
use sea_orm::{ConnectionTrait, Statement};

use super::{PROBE, install_probe};

/// A host over the database and artifact folder in `dir`, with a fresh
/// engine (nothing compiled, no wasmtime cache): a restart.
pub async fn start(dir: &Path) -> Lifecycle {
    let storage = Storage::connect(&format!("sqlite://{}?mode=rwc", dir.join("modgate.db").display())).await.expect("database");
    let options = HostOptions { commerce: InMemoryCommerce::sample().into_commerce(), engine: EngineConfig::default(), ..HostOptions::default() };
    default_host(storage, options).expect("engine").with_artifact_dir(dir.join("artifacts"))
}

async fn content_hash(lifecycle: &Lifecycle) -> [u8; 32] {
    let shown = lifecycle.show(&acme(), "probe").await.expect("installed");
    hex::decode(shown.component_hash).unwrap().try_into().unwrap()
}

fn artifact_file(dir: &Path, lifecycle: &Lifecycle, hash: [u8; 32]) -> PathBuf {
    dir.join("artifacts").join(format!("{}.cwasm", lifecycle.engine().artifact_key(hash)))
}

#[test]
fn a_restart_adopts_recorded_artifacts_and_compiles_anything_else() {
    run(async {
        let dir = tempfile::tempdir().unwrap();
        let first = start(dir.path()).await;
        install_probe(&first, PROBE, &acme()).await;
        let hash = content_hash(&first).await;
        let file = artifact_file(dir.path(), &first, hash);
        assert!(file.exists(), "the install stored its artifact at {}", file.display());

        let restarted = start(dir.path()).await;
        assert_eq!(restarted.adopt_stored_artifact(hash).await, ArtifactUse::Adopted);
        assert_eq!(restarted.adopt_stored_artifact(hash).await, ArtifactUse::InMemory);
        assert_eq!(restarted.load_all_installed().await.unwrap().len(), 1);
        let loaded = restarted.module(&acme(), "probe").expect("loaded from the artifact");
        loaded.activate(&acme(), "{}").await.expect("the adopted component runs");

        // One byte changed on disk: refused, removed, compiled and stored anew.
        let mut bytes = std::fs::read(&file).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0xff;
        std::fs::write(&file, &bytes).unwrap();
        let tampered = start(dir.path()).await;
        assert_eq!(tampered.adopt_stored_artifact(hash).await, ArtifactUse::Compiled);
        assert!(!file.exists(), "a refused file is removed");
        assert!(tampered.load_installed(&acme(), "probe").await.unwrap().is_some());
        assert!(file.exists(), "compiling stored the artifact again");
        assert_eq!(start(dir.path()).await.adopt_stored_artifact(hash).await, ArtifactUse::Adopted);

        // Bytes whose digest is recorded but which wasmtime refuses (not an
        // artifact at all): refused by wasmtime's own checks, compiled again.
        let garbage = b"not a compiled component".to_vec();
        std::fs::write(&file, &garbage).unwrap();
        let storage = Storage::connect(&format!("sqlite://{}", dir.path().join("modgate.db").display())).await.unwrap();
        let digest = hex::encode(<[u8; 32]>::from(<sha2::Sha256 as sha2::Digest>::digest(&garbage)));
        let key = first.engine().artifact_key(hash);
        let db = storage.connection();
        db.execute_raw(Statement::from_string(
            db.get_database_backend(),
            format!("INSERT INTO modgate_artifacts (artifact_key, digest, bytes, created_at) VALUES ('{key}', '{digest}', 24, '2026-12-01T00:00:00.000Z')"),
        ))
        .await
        .unwrap();
        let refused = start(dir.path()).await;
        assert_eq!(refused.adopt_stored_artifact(hash).await, ArtifactUse::Compiled);
        assert!(refused.load_installed(&acme(), "probe").await.unwrap().is_some());
    });
}

#[test]
fn without_an_artifact_folder_nothing_is_stored_and_loading_compiles() {
    run(async {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::connect(&format!("sqlite://{}?mode=rwc", dir.path().join("modgate.db").display())).await.unwrap();
        let options = HostOptions { commerce: InMemoryCommerce::sample().into_commerce(), ..HostOptions::default() };
        let lifecycle = default_host(storage, options).unwrap();
        install_probe(&lifecycle, PROBE, &acme()).await;
        assert!(!dir.path().join("artifacts").exists());
    });
}
