//! Running and installing the guest toolchains: what Python and JavaScript
//! builds share.

use std::fs::File;
use std::path::Path;
use std::process::Command;

use crate::GuestBuildError;

/// Most of a failed tool's output kept in the error: the end says why.
const KEPT_OUTPUT_BYTES: usize = 4096;

/// Says on stderr what is being installed (and as a cargo warning inside a
/// build script, whose stderr cargo only shows when the build fails).
pub(crate) fn announce(message: &str) {
    eprintln!("modgate: {message}");
    if std::env::var_os("CARGO_MANIFEST_DIR").is_some() && std::env::var_os("OUT_DIR").is_some() {
        println!("cargo:warning={message}");
    }
}

/// `<tool> <flag>` (e.g. `python3 --version`): whether the tool can be run.
pub(crate) fn tool_version(tool: &str, flag: &str) -> Result<String, String> {
    match Command::new(tool).arg(flag).output() {
        Err(e) => Err(format!("{tool} could not be run: {e}")),
        Ok(out) if !out.status.success() => Err(format!("`{tool} {flag}` failed: {}", out.status)),
        Ok(out) => Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned()),
    }
}

/// Runs `cmd` to completion; a failure carries the end of its output.
pub(crate) fn run_tool(cmd: &mut Command, what: &str) -> Result<(), GuestBuildError> {
    let command = format!("{cmd:?}");
    let out = cmd.output().map_err(|source| GuestBuildError::Io {
        context: format!("{what}: running {command}"),
        source,
    })?;
    if out.status.success() {
        return Ok(());
    }
    let mut output = String::from_utf8_lossy(&out.stderr).into_owned();
    output.push_str(&String::from_utf8_lossy(&out.stdout));
    Err(GuestBuildError::ToolFailed {
        what: what.to_owned(),
        command,
        status: out.status.to_string(),
        output: tail(output.trim(), KEPT_OUTPUT_BYTES),
    })
}

fn tail(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut start = text.len() - max;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    format!("…{}", &text[start..])
}

/// An exclusive lock on a file, held while a toolchain is installed: test
/// threads and build processes may ask for the same toolchain at once.
pub(crate) struct InstallLock(File);

impl InstallLock {
    pub(crate) fn acquire(path: &Path) -> Result<Self, GuestBuildError> {
        let io = |source| GuestBuildError::Io {
            context: format!("locking {}", path.display()),
            source,
        };
        let file = File::options().create(true).truncate(false).write(true).open(path).map_err(io)?;
        file.lock().map_err(io)?;
        Ok(InstallLock(file))
    }
}

impl Drop for InstallLock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_tool_is_reported_not_a_panic() {
        let reason = tool_version("modgate-no-such-tool", "--version").expect_err("missing");
        assert!(reason.contains("could not be run"), "{reason}");
    }

    #[test]
    fn a_failing_tool_keeps_the_end_of_its_output() {
        let refused = run_tool(Command::new("sh").args(["-c", "printf 'x%.0s' $(seq 1 6000); echo because; exit 3"]), "probe")
            .expect_err("fails");
        let GuestBuildError::ToolFailed { output, status, .. } = refused else { panic!("{refused}") };
        assert!(output.ends_with("because"), "{output}");
        assert!(output.len() <= KEPT_OUTPUT_BYTES + 3);
        assert!(status.contains('3'), "{status}");
    }
}
