//! Builds modgate guests into WebAssembly components: Rust crates with
//! cargo, Python apps with componentize-py, JavaScript with componentize-js.
//!
//! Rust guests are compiled for `wasm32-unknown-unknown` and the resulting core
//! module is wrapped into a component in-process with `wit-component`.
//! That target was chosen over `wasm32-wasip2` because the component then
//! imports exactly the WIT interfaces the guest uses — no `wasi:io`/`wasi:cli`
//! imports that Rust's standard library adds by habit on WASI targets — and
//! it is less than half the size (measured: 28 KB instead of 68 KB), which
//! also makes every fresh instance cheaper.
//!
//! The target is not installed automatically by rustup on these machines, so
//! [`ensure_target_installed`] runs `rustup target add` when it is missing
//! and says so, or fails with that exact command where rustup is absent.
//!
//! Python and JavaScript guests ([`polyglot`]) cannot drop unused imports,
//! so each is built against exactly the worlds its manifest implies
//! ([`worlds`]). Their toolchains are pinned in `guests/python` and
//! `guests/javascript` and installed there, inside the clone, from PyPI and
//! npm on first use ([`python`], [`javascript`]).

#![deny(missing_docs)]

mod cargo;
pub mod javascript;
pub mod polyglot;
pub mod python;
mod target;
mod toolchain;
pub mod worlds;

use std::path::{Path, PathBuf};

pub use cargo::{GuestPackage, build_packages, guest_packages};
pub use polyglot::{GuestSource, GuestTree, Language, build_guest_sources, guest_sources};
pub use target::{GUEST_TARGET, TargetStatus, ensure_target_installed};
pub use worlds::{GUEST_WORLD, GuestWorlds};

/// Everything that can go wrong while building a guest.
#[derive(Debug, thiserror::Error)]
pub enum GuestBuildError {
    /// The wasm32 target is missing and could not be installed.
    #[error(
        "the Rust target {target} is not installed and could not be installed automatically ({reason}); install it with: rustup target add {target}"
    )]
    TargetMissing {
        /// The missing target.
        target: &'static str,
        /// Why the automatic install did not happen.
        reason: String,
    },
    /// `cargo` failed to build the guest crates.
    #[error("building guest crates failed ({command}): exit status {status}")]
    CargoFailed {
        /// The command that was run.
        command: String,
        /// Its exit status.
        status: String,
    },
    /// A tool could not be started or read.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// `cargo metadata` output could not be understood.
    #[error("reading cargo metadata for {manifest}: {message}")]
    Metadata {
        /// The manifest that was asked about.
        manifest: PathBuf,
        /// What was wrong.
        message: String,
    },
    /// A Python or JavaScript guest folder is not one (no entry file, a
    /// broken `module.toml` or `component.toml`).
    #[error("the guest in {path} cannot be built: {message}")]
    GuestSource {
        /// The folder or file at fault.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A tool a guest language needs (python3, node, npm) is not installed.
    #[error("{tool} is needed to build {needed_for} but {reason}; {fix}")]
    ToolchainMissing {
        /// The missing tool.
        tool: String,
        /// Which guests need it.
        needed_for: &'static str,
        /// What happened when it was run.
        reason: String,
        /// How to install it.
        fix: &'static str,
    },
    /// A toolchain command (pip, npm, componentize-py, rolldown, componentize-js) failed.
    #[error("{what} failed ({command}): {status}\n{output}")]
    ToolFailed {
        /// What was being done.
        what: String,
        /// The command that was run.
        command: String,
        /// Its exit status.
        status: String,
        /// The end of what it printed.
        output: String,
    },
    /// A language's toolchain was used before it was installed (a bug in
    /// the guest build, not in the guest).
    #[error("the {0} toolchain was not installed before building")]
    ToolchainNotReady(Language),
    /// The core module could not be turned into a component.
    #[error("wrapping {module} into a component failed: {message}")]
    Componentize {
        /// The core module's path.
        module: PathBuf,
        /// The `wit-component` error, with its causes.
        message: String,
    },
}

/// A guest built into a component.
#[derive(Debug, Clone)]
pub struct BuiltComponent {
    /// The guest's Cargo package name.
    pub package: String,
    /// Where the component was written.
    pub path: PathBuf,
    /// The component's size in bytes.
    pub size: u64,
}

/// Wraps a core module produced with `wit-bindgen` into a component.
///
/// `wit-bindgen` embeds the world in a custom section; only the imports the
/// module really uses end up in the component.
pub fn componentize(core_module: &[u8], origin: &Path) -> Result<Vec<u8>, GuestBuildError> {
    let fail = |e: anyhow::Error| GuestBuildError::Componentize {
        module: origin.to_path_buf(),
        message: format!("{e:#}"),
    };
    wit_component::ComponentEncoder::default()
        .module(core_module)
        .map_err(fail)?
        .validate(true)
        .encode()
        .map_err(fail)
}

/// Builds the given guest packages of the Cargo workspace at `manifest_path`
/// (release profile, [`GUEST_TARGET`]) and writes one component per package
/// into `out_dir` as `<package>.wasm`.
pub fn build_components(
    manifest_path: &Path,
    packages: &[GuestPackage],
    out_dir: &Path,
) -> Result<Vec<BuiltComponent>, GuestBuildError> {
    ensure_target_installed()?;
    let core_modules = build_packages(manifest_path, packages)?;
    std::fs::create_dir_all(out_dir).map_err(|source| GuestBuildError::Io {
        context: format!("creating {}", out_dir.display()),
        source,
    })?;
    let mut built = Vec::with_capacity(packages.len());
    for (package, core_path) in packages.iter().zip(core_modules) {
        let core = std::fs::read(&core_path).map_err(|source| GuestBuildError::Io {
            context: format!("reading {}", core_path.display()),
            source,
        })?;
        let component = componentize(&core, &core_path)?;
        let path = out_dir.join(format!("{}.wasm", package.name));
        write_if_changed(&path, &component)?;
        built.push(BuiltComponent {
            package: package.name.clone(),
            path,
            size: component.len() as u64,
        });
    }
    Ok(built)
}

/// Keeps the file's timestamp when the bytes did not change, so dependants
/// are not rebuilt for nothing.
fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<(), GuestBuildError> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    std::fs::write(path, bytes).map_err(|source| GuestBuildError::Io {
        context: format!("writing {}", path.display()),
        source,
    })
}
