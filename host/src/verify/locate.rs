//! Finding (or building) the component of a module folder.

use std::path::{Path, PathBuf};

use modgate_guest_build::{build_components, guest_packages};
use modgate_manifest::Manifest;

use crate::verify::problem::{Problem, ProblemCode};

/// Where a module's component came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedComponent {
    /// The component file.
    pub path: PathBuf,
    /// Whether it was just built from the folder's Rust crate.
    pub built: bool,
}

/// The component of the module in `dir`: the manifest's `component` file,
/// else `<name>.wasm` beside the manifest, else — for a Rust guest crate —
/// the component built from it (installing the wasm32 target if needed).
pub fn locate_component(dir: &Path, manifest: &Manifest) -> Result<LocatedComponent, Problem> {
    if let Some(relative) = &manifest.component {
        let path = dir.join(relative);
        return if path.is_file() {
            Ok(LocatedComponent { path, built: false })
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
    if beside.is_file() {
        return Ok(LocatedComponent { path: beside, built: false });
    }
    let cargo_toml = dir.join("Cargo.toml");
    if !cargo_toml.is_file() {
        return Err(Problem::new(
            ProblemCode::ComponentNotFound,
            dir.display().to_string(),
            format!("no component: neither `component` in module.toml nor {} exists", beside.display()),
            "set `component = \"<file>.wasm\"` in module.toml or put the component beside it",
        ));
    }
    build_rust_guest(dir, &cargo_toml)
}

fn build_rust_guest(dir: &Path, cargo_toml: &Path) -> Result<LocatedComponent, Problem> {
    let failed = |message: String| {
        Problem::new(
            ProblemCode::ComponentNotFound,
            dir.display().to_string(),
            format!("building the Rust guest failed: {message}"),
            "fix the build error above, then run verify again",
        )
    };
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
    let path = built
        .into_iter()
        .next()
        .map(|b| b.path)
        .ok_or_else(|| failed("no component was produced".to_owned()))?;
    Ok(LocatedComponent { path, built: true })
}
