//! Making sure the wasm32 target is installed.

use std::path::PathBuf;
use std::process::Command;

use crate::GuestBuildError;

/// The Rust target guests are compiled for.
pub const GUEST_TARGET: &str = "wasm32-unknown-unknown";

/// What [`ensure_target_installed`] found or did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetStatus {
    /// The target was already installed.
    AlreadyInstalled,
    /// The target was missing and `rustup target add` installed it.
    Installed,
}

/// Installs [`GUEST_TARGET`] with rustup when the active toolchain lacks it.
///
/// Prints what it does on stderr (a build script's stderr is shown by cargo
/// when the build fails, and the `cargo:warning` line always).
pub fn ensure_target_installed() -> Result<TargetStatus, GuestBuildError> {
    if target_libdir()?.is_some_and(|dir| dir.is_dir()) {
        return Ok(TargetStatus::AlreadyInstalled);
    }
    let announce = format!("installing the Rust target {GUEST_TARGET}: rustup target add {GUEST_TARGET}");
    eprintln!("modgate: {announce}");
    if std::env::var_os("CARGO_MANIFEST_DIR").is_some() && std::env::var_os("OUT_DIR").is_some() {
        println!("cargo:warning={announce}");
    }
    let output = Command::new("rustup").args(["target", "add", GUEST_TARGET]).output();
    match output {
        Err(e) => Err(GuestBuildError::TargetMissing {
            target: GUEST_TARGET,
            reason: format!("rustup could not be run: {e}"),
        }),
        Ok(out) if !out.status.success() => Err(GuestBuildError::TargetMissing {
            target: GUEST_TARGET,
            reason: format!(
                "rustup target add failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        }),
        Ok(_) => Ok(TargetStatus::Installed),
    }
}

/// The directory holding the target's standard library for the active
/// toolchain, as rustc itself reports it.
fn target_libdir() -> Result<Option<PathBuf>, GuestBuildError> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let out = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .map_err(|source| GuestBuildError::Io {
            context: format!("running {rustc} --print sysroot"),
            source,
        })?;
    if !out.status.success() {
        return Ok(None);
    }
    let sysroot = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    Ok(Some(
        PathBuf::from(sysroot)
            .join("lib/rustlib")
            .join(GUEST_TARGET)
            .join("lib"),
    ))
}
