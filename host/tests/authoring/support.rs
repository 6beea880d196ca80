//! Running `modgate` and reading what `modgate run --json` reports.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub fn modgate() -> Command {
    Command::new(env!("CARGO_BIN_EXE_modgate"))
}

/// What one `modgate` command did.
pub struct Ran {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    pub fn of(output: Output) -> Ran {
        Ran {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// The `--json` budget report on stdout.
    pub fn report(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("no JSON report ({e}):\n{}\n{}", self.stdout, self.stderr))
    }
}

impl std::fmt::Display for Ran {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

pub fn run(args: &[&str]) -> Ran {
    Ran::of(modgate().args(args).output().expect("modgate runs"))
}

/// `modgate new <name> --lang <lang> --with <features> --dir <parent>`; the folder.
pub fn new_module(parent: &Path, name: &str, lang: &str, with: &str) -> PathBuf {
    let mut command = modgate();
    command
        .args(["new", name, "--lang", lang, "--dir"])
        .arg(parent);
    if !with.is_empty() {
        command.args(["--with", with]);
    }
    let ran = Ran::of(command.output().unwrap());
    assert_eq!(ran.code, Some(0), "{ran}");
    parent.join(name)
}

/// The report's call named `call`.
pub fn call<'a>(report: &'a Value, call: &str) -> &'a Value {
    report["calls"]
        .as_array()
        .and_then(|calls| calls.iter().find(|c| c["call"] == call))
        .unwrap_or_else(|| panic!("no call {call} in {report:#}"))
}

/// The one run of a call made once.
pub fn only_run<'a>(report: &'a Value, name: &str) -> &'a Value {
    let runs = call(report, name)["runs"]
        .as_array()
        .unwrap_or_else(|| panic!("{name}: no runs"));
    assert_eq!(runs.len(), 1, "{name}: {runs:?}");
    &runs[0]
}

/// A module folder holding a test component and its manifest.
pub fn module_folder(component: &str, manifest: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let name = manifest
        .lines()
        .find_map(|line| line.strip_prefix("name = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("the manifest names the module");
    std::fs::copy(component, dir.path().join(format!("{name}.wasm"))).unwrap();
    std::fs::write(dir.path().join("module.toml"), manifest).unwrap();
    dir
}
