//! `modgate new`: a module folder that builds, verifies and installs as it
//! is — the manifest with only the permissions the chosen features need,
//! one working example per feature, a test, the fixtures `modgate run`
//! reads, and a README with the next commands.
//!
//! The files are the templates in the checkout's `guests/templates/`
//! (`common/`, then the language's folder), rendered with minijinja. The
//! name is checked as the manifest checks it, and the rendered manifest is
//! verified before anything is written, so a name `new` accepts is one
//! `install` accepts. The folder appears whole or not at all: it is
//! rendered into a hidden sibling and renamed into place.

mod feature;
mod render;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use modgate_manifest::{CORE_VERSION, ManifestError, ManifestErrors, ModuleName};

pub use feature::{Feature, ModuleLanguage};

/// What to make.
#[derive(Debug, Clone)]
pub struct ScaffoldRequest {
    /// The module's name (the folder's too).
    pub name: String,
    /// The language it is written in.
    pub language: ModuleLanguage,
    /// The examples it starts with.
    pub features: BTreeSet<Feature>,
}

/// A module folder that was written.
#[derive(Debug, Clone)]
pub struct Scaffolded {
    /// The folder.
    pub dir: PathBuf,
    /// Its files, relative to it, sorted.
    pub files: Vec<PathBuf>,
    /// The permissions its manifest asks for.
    pub permissions: Vec<&'static str>,
}

/// Why no module folder was written.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// The manifest would refuse the name: the verifier's own error.
    #[error("{0}")]
    InvalidName(ManifestError),
    /// The folder is there already (nothing is overwritten).
    #[error("{path} already exists; pick another name or remove it")]
    FolderExists {
        /// The folder.
        path: PathBuf,
    },
    /// The templates are not where the checkout should have them.
    #[error(
        "the module templates are missing from {path}: this modgate was built from a checkout that has since moved; rebuild it from the checkout (cargo build -p modgate-host --bin modgate)"
    )]
    TemplatesMissing {
        /// Where they were looked for.
        path: PathBuf,
    },
    /// A template did not render (a bug in the templates).
    #[error("template {template} did not render: {message}")]
    Template {
        /// The template's path under `guests/templates/`.
        template: String,
        /// Minijinja's error.
        message: String,
    },
    /// The rendered manifest does not verify (a bug in the templates, or a
    /// name valid alone but too long for the table names derived from it).
    #[error("the module.toml made for this name would be refused:\n{0}")]
    InvalidManifest(ManifestErrors),
    /// Reading the templates or writing the folder failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl ScaffoldError {
    /// The stable code of the refusal.
    pub fn code(&self) -> &'static str {
        match self {
            ScaffoldError::InvalidName(_) => "invalid-name",
            ScaffoldError::FolderExists { .. } => "folder-exists",
            ScaffoldError::TemplatesMissing { .. } => "templates-missing",
            ScaffoldError::Template { .. } => "template",
            ScaffoldError::InvalidManifest(_) => "invalid-manifest",
            ScaffoldError::Io { .. } => "io",
        }
    }
}

/// The templates of the checkout this host was built from.
pub fn templates_dir() -> PathBuf {
    crate::verify::checkout().join("guests/templates")
}

/// Writes the module `request` asks for into `parent/<name>`, from the
/// templates in `templates`. `modgate` is the path the README tells the
/// author to call.
pub fn scaffold(
    request: &ScaffoldRequest,
    parent: &Path,
    templates: &Path,
    modgate: &Path,
) -> Result<Scaffolded, ScaffoldError> {
    let name: ModuleName = request.name.parse().map_err(ScaffoldError::InvalidName)?;
    let dir = parent.join(name.as_str());
    if dir.exists() {
        return Err(ScaffoldError::FolderExists { path: dir });
    }
    let permissions = feature::permissions(&request.features);
    let mut files = render::render(&render::Inputs {
        name: &name,
        language: request.language,
        features: &request.features,
        permissions: &permissions,
        templates,
        sdk: &crate::verify::checkout().join("guests/sdk"),
        modgate,
    })?;
    if request.language == ModuleLanguage::Rust {
        // The guest workspace's lock: the module builds with the versions
        // this checkout builds (and has fetched) — no registry needed.
        let lock = crate::verify::checkout().join("guests/Cargo.lock");
        if let Ok(text) = std::fs::read_to_string(&lock) {
            files.push((PathBuf::from("Cargo.lock"), text));
        }
    }
    let manifest = files
        .iter()
        .find(|(path, _)| path == Path::new("module.toml"))
        .map(|(_, text)| text.as_str())
        .unwrap_or_default();
    modgate_manifest::verify_manifest(manifest, &CORE_VERSION)
        .map_err(ScaffoldError::InvalidManifest)?;
    write_whole(&dir, &files)?;
    let mut written: Vec<PathBuf> = files.into_iter().map(|(path, _)| path).collect();
    written.sort();
    Ok(Scaffolded {
        dir,
        files: written,
        permissions,
    })
}

/// Writes `files` into a hidden sibling of `dir`, then renames it to `dir`:
/// an interrupted `new` leaves no half-made module behind.
fn write_whole(dir: &Path, files: &[(PathBuf, String)]) -> Result<(), ScaffoldError> {
    let io = |context: String| move |source| ScaffoldError::Io { context, source };
    let parent = dir.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io(format!("creating {}", parent.display())))?;
    let staging = tempfile::Builder::new()
        .prefix(".modgate-new-")
        .tempdir_in(parent)
        .map_err(io(format!("creating a folder in {}", parent.display())))?;
    for (relative, text) in files {
        let path = staging.path().join(relative);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)
                .map_err(io(format!("creating {}", folder.display())))?;
        }
        std::fs::write(&path, text).map_err(io(format!("writing {}", path.display())))?;
    }
    let staged = staging.keep();
    std::fs::rename(&staged, dir).map_err(|source| {
        let _ = std::fs::remove_dir_all(&staged);
        ScaffoldError::Io {
            context: format!("moving the new module to {}", dir.display()),
            source,
        }
    })
}
