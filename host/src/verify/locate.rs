//! Finding (or building) the component of a module folder.

use std::path::{Path, PathBuf};

use modgate_guest_build::{BuiltComponent, GuestBuildError, GuestSource, GuestTree, Language, build_components, build_guest_sources, guest_packages};
use modgate_manifest::Manifest;

use crate::verify::problem::{Problem, ProblemCode};

/// Where a module's component came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedComponent {
    /// The component file.
    pub path: PathBuf,
    /// Whether it was just built from the folder's sources (Rust, Python or JavaScript).
    pub built: bool,
}

/// The component of the module in `dir`: the manifest's `component` file,
/// else `<name>.wasm` beside the manifest, else the component built from the
/// folder — a Rust guest crate (installing the wasm32 target if needed), or
/// a Python (`app.py`) or JavaScript (`index.js`) guest (installing its
/// toolchain into this modgate checkout if needed).
pub fn locate_component(dir: &Path, manifest: &Manifest) -> Result<LocatedComponent, Problem> {
    match built_component(dir, manifest)? {
        Some(found) => Ok(found),
        None => build_component(dir, manifest),
    }
}

/// The component already in `dir` (the manifest's `component` file, else
/// `<name>.wasm` beside the manifest), never building anything: what a
/// service reading a folder on an operator's behalf uses, since building
/// runs the folder's own code (a crate's `build.rs`, a package's scripts).
pub fn locate_built_component(dir: &Path, manifest: &Manifest) -> Result<LocatedComponent, Problem> {
    built_component(dir, manifest)?.ok_or_else(|| {
        Problem::new(
            ProblemCode::ComponentNotFound,
            dir.display().to_string(),
            format!("no built component: neither `component` in module.toml nor {}.wasm exists", manifest.name.as_str()),
            "build the module first (`modgate verify <folder>` builds a guest crate, app.py or index.js), then try again",
        )
    })
}

/// The component file of a dependency `[dependencies.<name>] component =
/// "deps/x.wasm"` declares in the module folder `dir`. When the file is
/// missing and `build` allows, a Rust guest crate at `deps/x/` (the path
/// without `.wasm`) is built and its component used; `None` when there is
/// neither.
pub(crate) fn locate_dependency(dir: &Path, component: &Path, build: bool) -> Result<Option<PathBuf>, Problem> {
    let path = dir.join(component);
    if path.is_file() {
        return Ok(Some(path));
    }
    let crate_dir = path.with_extension("");
    let cargo_toml = crate_dir.join("Cargo.toml");
    if !build || !cargo_toml.is_file() {
        return Ok(None);
    }
    build_rust_guest(&crate_dir, &cargo_toml).map(|built| Some(built.path))
}

/// The manifest's `component` (an error when it names no file) or the
/// `<name>.wasm` beside the manifest; `None` when neither is there.
fn built_component(dir: &Path, manifest: &Manifest) -> Result<Option<LocatedComponent>, Problem> {
    if let Some(relative) = &manifest.component {
        let path = dir.join(relative);
        return if path.is_file() {
            Ok(Some(LocatedComponent { path, built: false }))
        } else {
            Err(Problem::new(
                ProblemCode::ComponentNotFound,
                "component",
                format!("{} does not exist", path.display()),
                "build the module first, or fix `component` in module.toml",
            ))
        };
    }
    let beside = dir.join(format!("{}.wasm", manifest.name.as_str()));
    Ok(beside.is_file().then_some(LocatedComponent { path: beside, built: false }))
}

/// Builds the guest in `dir`: a Python or JavaScript folder, or a Rust crate.
fn build_component(dir: &Path, manifest: &Manifest) -> Result<LocatedComponent, Problem> {
    if let Some(language) = Language::of_dir(dir) {
        return build_polyglot_guest(dir, language);
    }
    let cargo_toml = dir.join("Cargo.toml");
    if !cargo_toml.is_file() {
        return Err(Problem::new(
            ProblemCode::ComponentNotFound,
            dir.display().to_string(),
            format!(
                "no component: neither `component` in module.toml nor {}.wasm exists, and the folder is no Rust crate, app.py or index.js",
                dir.join(manifest.name.as_str()).display()
            ),
            "set `component = \"<file>.wasm\"` in module.toml or put the component beside it",
        ));
    }
    build_rust_guest(dir, &cargo_toml)
}

/// The one component a build of one guest produced.
fn just_built(built: Vec<BuiltComponent>, failed: impl Fn(String) -> Problem) -> Result<LocatedComponent, Problem> {
    let path = built
        .into_iter()
        .next()
        .map(|b| b.path)
        .ok_or_else(|| failed("no component was produced".to_owned()))?;
    Ok(LocatedComponent { path, built: true })
}

/// The problem a failed build of the guest in `dir` is reported as.
fn build_failed(dir: &Path, language: &str, message: String) -> Problem {
    Problem::new(
        ProblemCode::ComponentNotFound,
        dir.display().to_string(),
        format!("building the {language} guest failed: {message}"),
        "fix the build error above, then run verify again",
    )
}

fn build_rust_guest(dir: &Path, cargo_toml: &Path) -> Result<LocatedComponent, Problem> {
    let failed = |message: String| build_failed(dir, "Rust", message);
    let wanted = std::fs::canonicalize(dir).map_err(|e| failed(e.to_string()))?;
    let package = guest_packages(cargo_toml)
        .map_err(|e| failed(e.to_string()))?
        .into_iter()
        .find(|p| std::fs::canonicalize(&p.dir).is_ok_and(|d| d == wanted))
        .ok_or_else(|| failed("the crate is not a cdylib guest".to_owned()))?;
    let out_dir = package
        .core_module
        .parent()
        .map(|p| p.join("components"))
        .unwrap_or_else(|| dir.join("target"));
    let built = build_components(cargo_toml, std::slice::from_ref(&package), &out_dir)
        .map_err(|e| failed(e.to_string()))?;
    just_built(built, failed)
}

/// The checkout this host was built from: its `wit/` and `guests/` hold the
/// contracts, SDKs and pinned toolchains Python and JavaScript guests are
/// built with; components go to its `target/guests/`.
pub(crate) fn checkout() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn build_polyglot_guest(dir: &Path, language: Language) -> Result<LocatedComponent, Problem> {
    let failed = |message: String| build_failed(dir, &language.to_string(), message);
    let repo = checkout();
    let tree = GuestTree::of_repo(&repo);
    if !tree.guests.join(language.folder()).is_dir() {
        return Err(failed(format!(
            "{language} guests are built with the SDK and toolchain of a modgate checkout, and {} has none",
            repo.display()
        )));
    }
    let source = GuestSource::from_dir(dir).map_err(|e| failed(e.to_string()))?;
    let out_dir = repo.join("target/guests");
    let built = build_guest_sources(&tree, std::slice::from_ref(&source), &out_dir).map_err(|e| match e {
        GuestBuildError::ToolchainMissing { fix, .. } => {
            Problem::new(ProblemCode::GuestToolchainMissing, dir.display().to_string(), e.to_string(), fix)
        }
        e => failed(e.to_string()),
    })?;
    just_built(built, failed)
}
