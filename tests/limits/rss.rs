//! Measuring the host's resident memory around one scenario. The suite runs
//! tests in parallel in one process, so a measurement runs in a child
//! process that runs only that test: [`measured_in_child`] re-runs the
//! calling test there, where [`in_child`] is true.

use std::process::Command;

const CHILD: &str = "MODGATE_RSS_CHILD";

/// Whether this process is the child running one measured test.
pub fn in_child() -> bool {
    std::env::var_os(CHILD).is_some()
}

/// Re-runs the test `name` (its path inside the suite, e.g.
/// `limits::memory::some_test`) alone in a child process and fails when it fails.
pub fn measured_in_child(name: &str) {
    let exe = std::env::current_exe().expect("the test binary");
    let output = Command::new(exe)
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .output()
        .expect("the child test runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the measured child failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("1 passed"), "the child ran no test named {name}:\n{stdout}");
}

/// The test path of a function in the calling module: `module_path!()`
/// without the crate name, plus `function`.
pub fn test_path(module_path: &str, function: &str) -> String {
    let module = module_path.split_once("::").map_or("", |(_, rest)| rest);
    format!("{module}::{function}")
}

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("{field} in /proc/self/status"))
}

/// Resident memory now, in bytes.
pub fn resident_bytes() -> u64 {
    status_kib("VmRSS:") * 1024
}

/// Starts measuring the peak from now (resets the kernel's high-water mark)
/// and returns the current resident memory.
pub fn start_peak() -> u64 {
    std::fs::write("/proc/self/clear_refs", "5").expect("resetting the peak resident size");
    resident_bytes()
}

/// The peak resident memory since [`start_peak`], in bytes.
pub fn peak_bytes() -> u64 {
    status_kib("VmHWM:") * 1024
}
