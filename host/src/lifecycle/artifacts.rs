//! The on-disk artifact store: each component's compiled native code under
//! `<data dir>/artifacts/<artifact key>.cwasm`, its SHA-256 recorded in
//! `modgate_artifacts` when this host wrote it. Loading an installed module
//! adopts its artifact when the file hashes to a recorded digest
//! ([`Engine::adopt_artifact`], the project's one `unsafe`); anything else —
//! no file, another digest, another wasmtime — is compiled again and
//! written anew. A restart of a host with many modules is then a matter of
//! reading files, not of compiling (`docs/benchmarks.md`, "Start-up").
//!
//! The folder holds native code the host will run: it must be writable by
//! the host only, like the database.
//!
//! [`Engine::adopt_artifact`]: crate::engine::Engine::adopt_artifact

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use modgate_manifest::{Manifest, Permission};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

use super::{InstallError, Lifecycle};
use crate::engine::{DependencyComponents, LoadedModule, SerializedArtifact};
use crate::storage::entities::artifact;
use crate::storage::now_rfc3339;

/// Where compiled artifacts live.
#[derive(Debug, Clone)]
pub(super) struct ArtifactStore {
    dir: PathBuf,
}

/// What loading an installed module's artifact did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArtifactUse {
    /// The engine already held the compiled component.
    InMemory,
    /// Read from the store and adopted.
    Adopted,
    /// Not usable (missing, or refused): compiled again.
    Compiled,
}

impl ArtifactStore {
    pub(super) fn new(dir: PathBuf) -> Self {
        ArtifactStore { dir }
    }

    fn path(&self, artifact_key: &str) -> PathBuf {
        self.dir.join(format!("{artifact_key}.cwasm"))
    }
}

impl Lifecycle {
    /// Keeps compiled artifacts under `dir` (created on first write), so a
    /// restart loads installed modules without compiling them.
    pub fn with_artifact_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.artifacts = Some(ArtifactStore::new(dir.as_ref().to_path_buf()));
        self
    }

    /// Before loading a component (`content_hash`: the SHA-256 of its
    /// bytes): adopts its stored artifact when this host recorded writing
    /// exactly those bytes. Never fails: an unusable artifact is removed,
    /// which only means compiling (and writing it anew).
    pub async fn adopt_stored_artifact(&self, content_hash: [u8; 32]) -> ArtifactUse {
        if self.engine.has_compiled(content_hash) {
            return ArtifactUse::InMemory;
        }
        let Some(store) = &self.artifacts else { return ArtifactUse::Compiled };
        let key = self.engine.artifact_key(content_hash);
        let Ok(bytes) = tokio::fs::read(store.path(&key)).await else { return ArtifactUse::Compiled };
        let digest = sha256(&bytes);
        let recorded = artifact::Entity::find()
            .filter(artifact::Column::ArtifactKey.eq(key.as_str()))
            .filter(artifact::Column::Digest.eq(hex::encode(digest)))
            .one(self.storage.connection())
            .await;
        match recorded {
            Ok(Some(_)) => {}
            Ok(None) => {
                tracing::warn!(artifact = %key, "an artifact file this host did not record writing is removed; compiling instead");
                discard(&store.path(&key)).await;
                return ArtifactUse::Compiled;
            }
            Err(e) => {
                tracing::warn!(artifact = %key, "reading the artifact digests failed ({e}); compiling instead");
                return ArtifactUse::Compiled;
            }
        }
        let engine = self.engine.clone();
        // Deserialising maps the code: keep it off the async workers.
        let adopted = tokio::task::spawn_blocking(move || engine.adopt_artifact(content_hash, &bytes, digest)).await;
        match adopted {
            Ok(Ok(())) => ArtifactUse::Adopted,
            Ok(Err(refused)) => {
                tracing::warn!(artifact = %key, "{refused}; the file is removed and the component compiled instead");
                discard(&store.path(&key)).await;
                ArtifactUse::Compiled
            }
            Err(e) => {
                tracing::warn!(artifact = %key, "adopting the artifact failed ({e}); compiling instead");
                ArtifactUse::Compiled
            }
        }
    }

    /// Loads a module's components into the engine (its main component
    /// and any dependency components): each one's stored artifact adopted
    /// first, and the artifact of each one compiled stored afterwards.
    /// Compiling can take seconds, so it runs off the async workers.
    pub(super) async fn load_with_artifacts(
        &self,
        manifest: Manifest,
        component: Vec<u8>,
        dependencies: DependencyComponents,
        grants: BTreeSet<Permission>,
    ) -> Result<LoadedModule, InstallError> {
        let mut adopted = BTreeSet::new();
        for content_hash in std::iter::once(&component).chain(dependencies.values()).map(|bytes| sha256(bytes)) {
            if self.adopt_stored_artifact(content_hash).await == ArtifactUse::Adopted {
                adopted.insert(content_hash);
            }
        }
        let module = manifest.name.as_str().to_owned();
        let engine = self.engine.clone();
        let loaded = tokio::task::spawn_blocking(move || engine.load_tree(manifest, &component, &dependencies, grants))
            .await
            .map_err(|e| InstallError::Corrupt { module, message: format!("loading the component failed: {e}") })??;
        for &content_hash in loaded.component_hashes() {
            if !adopted.contains(&content_hash) {
                self.store_artifact(content_hash).await;
            }
        }
        Ok(loaded)
    }

    /// After a component was compiled: records its artifact's digest and
    /// writes the artifact (a temporary file renamed into place, so a crash
    /// never leaves a half file under the final name). A failure is logged, never
    /// an install failure: the next start compiles instead.
    pub(super) async fn store_artifact(&self, content_hash: [u8; 32]) {
        let Some(store) = &self.artifacts else { return };
        let key = self.engine.artifact_key(content_hash);
        let path = store.path(&key);
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return;
        }
        let engine = self.engine.clone();
        let serialized = tokio::task::spawn_blocking(move || engine.serialized_artifact(content_hash)).await;
        let SerializedArtifact { bytes, digest } = match serialized {
            Ok(Some(Ok(serialized))) => serialized,
            Ok(None) => return,
            Ok(Some(Err(e))) => return tracing::warn!(artifact = %key, "serialising the compiled component failed: {e}"),
            Err(e) => return tracing::warn!(artifact = %key, "serialising the compiled component failed: {e}"),
        };
        // The digest is recorded before the file appears under its name: a
        // process that finds the file always finds its record too.
        let row = artifact::ActiveModel {
            artifact_key: Set(key.clone()),
            digest: Set(hex::encode(digest)),
            bytes: Set(i64::try_from(bytes.len()).unwrap_or(i64::MAX)),
            created_at: Set(now_rfc3339()),
        };
        let recorded = artifact::Entity::insert(row).on_conflict_do_nothing().exec(self.storage.connection()).await;
        if let Err(e) = recorded {
            return tracing::warn!(artifact = %key, "recording the artifact's digest failed: {e}");
        }
        if let Err(e) = write_atomically(&store.dir, &path, &bytes).await {
            tracing::warn!(artifact = %key, "writing {} failed: {e}", path.display());
        }
    }
}

async fn discard(path: &Path) {
    if let Err(e) = tokio::fs::remove_file(path).await {
        tracing::warn!("removing {} failed: {e}", path.display());
    }
}

async fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    tokio::fs::create_dir_all(dir).await?;
    let temporary = path.with_extension(format!("cwasm.{}.tmp", std::process::id()));
    tokio::fs::write(&temporary, bytes).await?;
    tokio::fs::rename(&temporary, path).await
}

/// The SHA-256 of `bytes`: a component's content hash, an artifact's digest.
pub(super) fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}
