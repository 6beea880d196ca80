//! Running cargo for the guest workspace.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{GUEST_TARGET, GuestBuildError};

/// A guest crate that builds into a component (a `cdylib`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuestPackage {
    /// The Cargo package name, e.g. `wishlist`.
    pub name: String,
    /// The library target's name (`-` becomes `_`), which names the `.wasm`.
    pub lib_name: String,
    /// The folder holding the package's `Cargo.toml`.
    pub dir: PathBuf,
    /// Where cargo puts the release build for [`GUEST_TARGET`].
    pub core_module: PathBuf,
    /// The features it enables on `modgate-sdk` (sorted). They decide which
    /// exports the SDK generates, so packages asking for different ones are
    /// built in separate cargo runs (cargo unifies features within a run).
    pub sdk_features: Vec<String>,
}

/// Lists the `cdylib` packages of the workspace (or single package) that
/// `manifest_path` belongs to, using `cargo metadata`.
pub fn guest_packages(manifest_path: &Path) -> Result<Vec<GuestPackage>, GuestBuildError> {
    let out = cargo()
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline", "--manifest-path"])
        .arg(manifest_path)
        .output()
        .map_err(|source| GuestBuildError::Io {
            context: "running cargo metadata".to_owned(),
            source,
        })?;
    let meta_err = |message: String| GuestBuildError::Metadata {
        manifest: manifest_path.to_path_buf(),
        message,
    };
    if !out.status.success() {
        return Err(meta_err(String::from_utf8_lossy(&out.stderr).trim().to_owned()));
    }
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| meta_err(e.to_string()))?;
    let target_dir = meta["target_directory"]
        .as_str()
        .ok_or_else(|| meta_err("no target_directory".to_owned()))?;
    let release_dir = Path::new(target_dir).join(GUEST_TARGET).join("release");
    let mut packages = Vec::new();
    for package in meta["packages"].as_array().into_iter().flatten() {
        let Some(lib) = package["targets"].as_array().into_iter().flatten().find(|t| {
            t["crate_types"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|k| k == "cdylib"))
        }) else {
            continue;
        };
        let name = package["name"].as_str().unwrap_or_default().to_owned();
        let lib_name = lib["name"].as_str().unwrap_or(&name).replace('-', "_");
        let dir = package["manifest_path"]
            .as_str()
            .map(|p| Path::new(p).parent().unwrap_or(Path::new(".")).to_path_buf())
            .unwrap_or_default();
        let mut sdk_features: Vec<String> = package["dependencies"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|dependency| dependency["name"] == "modgate-sdk")
            .flat_map(|dependency| dependency["features"].as_array().cloned().unwrap_or_default())
            .filter_map(|feature| feature.as_str().map(str::to_owned))
            .collect();
        sdk_features.sort();
        sdk_features.dedup();
        packages.push(GuestPackage {
            sdk_features,
            core_module: release_dir.join(format!("{lib_name}.wasm")),
            name,
            lib_name,
            dir,
        });
    }
    packages.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(packages)
}

/// Builds the packages (one cargo run per distinct set of SDK features) and
/// returns their core modules, in the same order.
pub fn build_packages(
    manifest_path: &Path,
    packages: &[GuestPackage],
) -> Result<Vec<PathBuf>, GuestBuildError> {
    let mut groups: Vec<(&[String], Vec<&GuestPackage>)> = Vec::new();
    for package in packages {
        match groups.iter_mut().find(|(features, _)| *features == package.sdk_features.as_slice()) {
            Some((_, members)) => members.push(package),
            None => groups.push((&package.sdk_features, vec![package])),
        }
    }
    for (_, members) in groups {
        build_group(manifest_path, &members)?;
    }
    Ok(packages.iter().map(|p| p.core_module.clone()).collect())
}

fn build_group(manifest_path: &Path, packages: &[&GuestPackage]) -> Result<(), GuestBuildError> {
    let mut cmd = cargo();
    cmd.args(["build", "--release", "--target", GUEST_TARGET, "--manifest-path"])
        .arg(manifest_path);
    for package in packages {
        cmd.args(["-p", &package.name]);
    }
    // A small shadow stack: every fresh instance resets it, so its size is
    // paid on each invocation (TOOLCHAIN-NOTES: the default 1 MiB dominated).
    cmd.env("CARGO_ENCODED_RUSTFLAGS", "-Clink-arg=-zstack-size=65536");
    let command = format!("{cmd:?}");
    let status = cmd.status().map_err(|source| GuestBuildError::Io {
        context: format!("running {command}"),
        source,
    })?;
    if !status.success() {
        return Err(GuestBuildError::CargoFailed {
            command,
            status: status.to_string(),
        });
    }
    Ok(())
}

/// A `cargo` command that does not inherit the settings of an outer cargo
/// run (we may be inside a build script), so guests are built for their own
/// target with their own flags.
fn cargo() -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut cmd = Command::new(cargo);
    for (key, _) in std::env::vars_os() {
        let Some(key) = key.to_str() else { continue };
        let inherited_from_outer_build = key.starts_with("CARGO_FEATURE_")
            || key.starts_with("CARGO_CFG_")
            || key.starts_with("CARGO_PKG_")
            || matches!(
                key,
                "RUSTFLAGS"
                    | "CARGO_ENCODED_RUSTFLAGS"
                    | "CARGO_BUILD_TARGET"
                    | "CARGO_TARGET_DIR"
                    | "CARGO_BUILD_TARGET_DIR"
                    | "CARGO_MANIFEST_DIR"
                    | "CARGO_MANIFEST_PATH"
                    | "CARGO_PRIMARY_PACKAGE"
                    | "CARGO_CRATE_NAME"
                    | "RUSTC_WRAPPER"
                    | "RUSTC_WORKSPACE_WRAPPER"
                    | "OUT_DIR"
                    | "TARGET"
                    | "HOST"
                    | "PROFILE"
                    | "OPT_LEVEL"
                    | "DEBUG"
                    | "NUM_JOBS"
            );
        if inherited_from_outer_build {
            cmd.env_remove(key);
        }
    }
    cmd
}
