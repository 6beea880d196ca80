//! What an install starts from: a manifest, its component and the
//! dependency components the manifest declares.

use std::path::Path;

use modgate_manifest::verify_manifest_file;

use super::InstallError;
use crate::CORE_VERSION;
use crate::engine::{DependencyComponents, tree_hash};
use crate::verify::{
    Problem, ProblemCode, locate_built_component, locate_component, read_component_file, read_dependency_components,
};

/// A module's manifest text and component bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct ModuleSource {
    /// The `module.toml` text.
    pub manifest_text: String,
    /// The (main) component bytes.
    pub component: Vec<u8>,
    /// The components module.toml declares under `[dependencies]`, by
    /// dependency name (docs/dependencies.md); empty for most modules.
    pub dependencies: DependencyComponents,
}

impl ModuleSource {
    /// A module that is one component.
    pub fn new(manifest_text: impl Into<String>, component: Vec<u8>) -> Self {
        ModuleSource { manifest_text: manifest_text.into(), component, dependencies: DependencyComponents::new() }
    }

    /// This source with the dependency component `name`.
    pub fn with_dependency(mut self, name: impl Into<String>, component: Vec<u8>) -> Self {
        self.dependencies.insert(name.into(), component);
        self
    }

    /// The identity of the code: the SHA-256 of the component, or for a
    /// module with dependencies the hash over every component
    /// ([`tree_hash`]) — what [`crate::engine::LoadedModule::content_hash`]
    /// says once loaded.
    pub fn content_hash(&self) -> [u8; 32] {
        tree_hash(&self.component, &self.dependencies)
    }

    /// Reads a module folder; a Rust guest crate without a built component
    /// is built first (see [`crate::verify::locate_component`]), and so is
    /// a dependency's crate (`deps/x/` for `deps/x.wasm`). A component
    /// over `max_component_bytes` is refused without being read.
    pub fn from_dir(dir: &Path, max_component_bytes: usize) -> Result<Self, InstallError> {
        Self::read_dir(dir, max_component_bytes, Build::Allowed)
    }

    /// Reads a module folder whose components (its own and its
    /// dependencies') are already built, never building anything (building
    /// runs the folder's own code): what the admin API uses for a folder an
    /// operator names.
    pub fn from_built_dir(dir: &Path, max_component_bytes: usize) -> Result<Self, InstallError> {
        Self::read_dir(dir, max_component_bytes, Build::Never)
    }

    fn read_dir(dir: &Path, max_component_bytes: usize, build: Build) -> Result<Self, InstallError> {
        let path = dir.join("module.toml");
        let verified = verify_manifest_file(&path, &CORE_VERSION).map_err(InstallError::InvalidManifest)?;
        let manifest_text = std::fs::read_to_string(&path).map_err(|e| {
            InstallError::Source(Problem::new(ProblemCode::ComponentNotFound, "module.toml", e.to_string(), "check the file"))
        })?;
        let located = match build {
            Build::Allowed => locate_component(dir, &verified.manifest),
            Build::Never => locate_built_component(dir, &verified.manifest),
        }
        .map_err(InstallError::Source)?;
        let component = read_component_file(&located.path, max_component_bytes).map_err(InstallError::Source)?;
        let dependencies =
            read_dependency_components(dir, &verified.manifest, max_component_bytes, build == Build::Allowed)
                .map_err(one_problem)?;
        Ok(ModuleSource { manifest_text, component, dependencies })
    }
}

/// Whether reading a module folder may build its guest crates.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Build {
    Allowed,
    Never,
}

/// The first of `problems`, saying the others in its message.
fn one_problem(mut problems: Vec<Problem>) -> InstallError {
    let mut first = problems.remove(0);
    if !problems.is_empty() {
        let others: Vec<String> = problems.iter().map(ToString::to_string).collect();
        first.message = format!("{}; also {}", first.message, others.join("; "));
    }
    InstallError::Source(first)
}

impl std::fmt::Debug for ModuleSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModuleSource")
            .field("manifest_text", &self.manifest_text)
            .field("component_bytes", &self.component.len())
            .field(
                "dependency_bytes",
                &self.dependencies.iter().map(|(name, bytes)| (name, bytes.len())).collect::<Vec<_>>(),
            )
            .finish()
    }
}
