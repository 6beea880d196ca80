//! Python guests: `componentize-py`, installed from PyPI into a virtual
//! environment inside the clone (`guests/python/.venv`), at the version
//! pinned in `guests/python/requirements.txt`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::GuestBuildError;
use crate::toolchain::{InstallLock, announce, run_tool, tool_version};

/// Python module names for interfaces whose default name would depend on the
/// world (componentize-py qualifies a name only when two packages use it):
/// fixed, so the SDK and guests import the same names in every world.
const INTERFACE_NAMES: [&str; 3] = [
    "modgate:host/types@1.0.0=types",
    "modgate:commerce/types@1.0.0=commerce_types",
    "wasi:http/types@0.2.12=http_types",
];

/// A ready `componentize-py`.
#[derive(Debug, Clone)]
pub struct PythonToolchain {
    componentize_py: PathBuf,
}

impl PythonToolchain {
    /// Makes sure `<python_dir>/.venv` holds the toolchain pinned in
    /// `<python_dir>/requirements.txt`, creating the venv and installing it
    /// with pip when missing or when the pins changed. The interpreter is
    /// `$MODGATE_PYTHON`, else `python3`.
    pub fn ensure(python_dir: &Path) -> Result<Self, GuestBuildError> {
        let requirements_path = python_dir.join("requirements.txt");
        let requirements = std::fs::read(&requirements_path).map_err(|source| GuestBuildError::Io {
            context: format!("reading {}", requirements_path.display()),
            source,
        })?;
        let venv = python_dir.join(".venv");
        let toolchain = PythonToolchain {
            componentize_py: venv.join("bin/componentize-py"),
        };
        let marker = venv.join("modgate-requirements.txt");
        let ready = || toolchain.componentize_py.is_file() && std::fs::read(&marker).is_ok_and(|m| m == requirements);
        if ready() {
            return Ok(toolchain);
        }
        let _lock = InstallLock::acquire(&python_dir.join(".venv.lock"))?;
        if ready() {
            return Ok(toolchain);
        }
        let python = std::env::var("MODGATE_PYTHON").unwrap_or_else(|_| "python3".to_owned());
        tool_version(&python, "--version").map_err(|reason| GuestBuildError::ToolchainMissing {
            tool: python.clone(),
            needed_for: "Python guests",
            reason,
            fix: "install Python 3 with its venv module (Debian: apt-get install python3 python3-venv), or point MODGATE_PYTHON at an interpreter",
        })?;
        announce(&format!(
            "installing the Python guest toolchain ({}) into {} — first build only",
            pins(&requirements),
            venv.display()
        ));
        if !venv.join("bin/python").is_file() {
            run_tool(Command::new(&python).arg("-m").arg("venv").arg(&venv), "creating the Python venv")?;
        }
        run_tool(
            Command::new(venv.join("bin/python"))
                .args(["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet", "-r"])
                .arg(&requirements_path),
            "installing the Python guest toolchain with pip",
        )?;
        std::fs::write(&marker, &requirements).map_err(|source| GuestBuildError::Io {
            context: format!("writing {}", marker.display()),
            source,
        })?;
        Ok(toolchain)
    }

    /// Builds the Python app `app.py` in `app_dir` (with the folders of
    /// `library_paths`, the SDK's first, on its path) against the world of
    /// the generated WIT folder `wit`, writing the component to `out`.
    pub fn componentize(
        &self,
        app_dir: &Path,
        library_paths: &[PathBuf],
        wit: &Path,
        out: &Path,
    ) -> Result<(), GuestBuildError> {
        let mut cmd = Command::new(&self.componentize_py);
        cmd.arg("--quiet").arg("-d").arg(wit).args(["-w", crate::GUEST_WORLD]);
        for name in INTERFACE_NAMES {
            cmd.args(["--import-interface-name", name]);
        }
        cmd.args(["componentize", "app", "-p"]).arg(app_dir);
        for path in library_paths {
            cmd.arg("-p").arg(path);
        }
        cmd.arg("-o")
            .arg(out)
            // Only the app and the SDK are the guest's path; an activated
            // venv's site-packages would otherwise be searched too.
            .env_remove("VIRTUAL_ENV")
            // No bytecode from the host's Python. componentize-py's own
            // pre-initialisation still leaves `__pycache__` beside the
            // sources: git and the inputs hash ignore it.
            .env("PYTHONDONTWRITEBYTECODE", "1");
        run_tool(&mut cmd, &format!("componentize-py for {}", app_dir.display()))
    }
}

/// `componentize-py==0.25.1` and the like, from the requirements file.
fn pins(requirements: &[u8]) -> String {
    String::from_utf8_lossy(requirements)
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect::<Vec<_>>()
        .join(", ")
}
