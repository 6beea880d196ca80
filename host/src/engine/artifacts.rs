//! Compiled artifacts in and out of the engine, for the artifact store the
//! lifecycle keeps under the data directory (`lifecycle/artifacts.rs`): a
//! restart loads each installed component's native code instead of
//! compiling it again.
//!
//! Loading native code is the one place the host trusts bytes it did not
//! just produce, so it is the only `unsafe` in the project
//! ([`Engine::adopt_artifact`]; `host/tests/unsafe_code.rs` fails on any
//! other): the bytes must hash to a digest the host recorded in its
//! database when it wrote them, and anything else is compiled again.

use sha2::{Digest, Sha256};
use wasmtime::component::Component;

use crate::engine::Engine;
use crate::sync::lock;

/// Why an artifact was not adopted; the component is compiled instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArtifactRefused {
    /// The bytes are not the ones the host recorded writing.
    #[error("the artifact's SHA-256 does not match the digest recorded when it was written")]
    DigestMismatch,
    /// Wasmtime refused them (another wasmtime version or setting, or damage
    /// its own checks caught).
    #[error("wasmtime refused the artifact: {0}")]
    Incompatible(String),
}

/// A compiled component serialized for the artifact store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerializedArtifact {
    /// The bytes to write.
    pub bytes: Vec<u8>,
    /// Their SHA-256, to record.
    pub digest: [u8; 32],
}

impl Engine {
    /// The native code of a component this engine compiled or adopted,
    /// serialized for the artifact store; `None` when the engine does not
    /// hold it.
    pub fn serialized_artifact(&self, content_hash: [u8; 32]) -> Option<Result<SerializedArtifact, String>> {
        let component = lock(&self.components).get(&content_hash).cloned()?;
        Some(
            component
                .serialize()
                .map(|bytes| SerializedArtifact { digest: Sha256::digest(&bytes).into(), bytes })
                .map_err(|e| format!("{e:#}")),
        )
    }

    /// Adopts `artifact` as the compiled form of the component hashing to
    /// `content_hash`, so loading it compiles nothing — once `artifact`
    /// hashes to `recorded_digest`, the digest the host recorded in its
    /// database when it wrote the file.
    #[allow(unsafe_code)]
    pub fn adopt_artifact(
        &self,
        content_hash: [u8; 32],
        artifact: &[u8],
        recorded_digest: [u8; 32],
    ) -> Result<(), ArtifactRefused> {
        if <[u8; 32]>::from(Sha256::digest(artifact)) != recorded_digest {
            return Err(ArtifactRefused::DigestMismatch);
        }
        // SAFETY: `Component::deserialize` runs the bytes as native code,
        // trusting them to be what `Component::serialize` produced. They
        // are: the host wrote them from `serialized_artifact`, recorded their
        // SHA-256 in its database, and they hash to that digest just above —
        // a file changed on disk since is refused and compiled again.
        // Wasmtime also checks they were made by this wasmtime version with
        // these settings, and refuses them otherwise.
        let component = unsafe { Component::deserialize(&self.shared.wasmtime, artifact) }
            .map_err(|e| ArtifactRefused::Incompatible(format!("{e:#}")))?;
        lock(&self.components).insert(content_hash, component);
        Ok(())
    }

    /// Whether the engine holds the compiled form of this component.
    pub fn has_compiled(&self, content_hash: [u8; 32]) -> bool {
        lock(&self.components).contains_key(&content_hash)
    }
}
