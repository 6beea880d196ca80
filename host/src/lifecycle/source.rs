//! What an install starts from: a manifest and a component.

use std::path::Path;

use modgate_manifest::verify_manifest_file;

use super::InstallError;
use crate::CORE_VERSION;
use crate::verify::{Problem, ProblemCode, locate_built_component, locate_component, read_component_file};

/// A module's manifest text and component bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct ModuleSource {
    /// The `module.toml` text.
    pub manifest_text: String,
    /// The component bytes.
    pub component: Vec<u8>,
}

impl ModuleSource {
    /// Reads a module folder; a Rust guest crate without a built component
    /// is built first (see [`crate::verify::locate_component`]). A component
    /// over `max_component_bytes` is refused without being read.
    pub fn from_dir(dir: &Path, max_component_bytes: usize) -> Result<Self, InstallError> {
        Self::read_dir(dir, max_component_bytes, locate_component)
    }

    /// Reads a module folder whose component is already built, never
    /// building anything (building runs the folder's own code): what the
    /// admin API uses for a folder an operator names.
    pub fn from_built_dir(dir: &Path, max_component_bytes: usize) -> Result<Self, InstallError> {
        Self::read_dir(dir, max_component_bytes, locate_built_component)
    }

    fn read_dir(
        dir: &Path,
        max_component_bytes: usize,
        locate: fn(&Path, &modgate_manifest::Manifest) -> Result<crate::verify::LocatedComponent, Problem>,
    ) -> Result<Self, InstallError> {
        let path = dir.join("module.toml");
        let verified = verify_manifest_file(&path, &CORE_VERSION).map_err(InstallError::InvalidManifest)?;
        let manifest_text = std::fs::read_to_string(&path).map_err(|e| {
            InstallError::Source(Problem::new(ProblemCode::ComponentNotFound, "module.toml", e.to_string(), "check the file"))
        })?;
        let located = locate(dir, &verified.manifest).map_err(InstallError::Source)?;
        let component = read_component_file(&located.path, max_component_bytes).map_err(InstallError::Source)?;
        Ok(ModuleSource { manifest_text, component })
    }
}

impl std::fmt::Debug for ModuleSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModuleSource")
            .field("manifest_text", &self.manifest_text)
            .field("component_bytes", &self.component.len())
            .finish()
    }
}
