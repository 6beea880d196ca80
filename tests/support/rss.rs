//! Measuring the host's resident memory around a scenario, in a child
//! process that runs only that test (the harness runs tests in parallel in
//! one process, so a measurement in the parent would see the others). The
//! parent runs one measured child at a time, so two measurements never
//! share the machine's cores.

use std::process::Command;
use std::sync::Mutex;

const CHILD: &str = "MODGATE_RSS_CHILD";

/// Held by the parent while a measured child runs.
static ONE_CHILD_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Whether this process is the child running one measured test.
pub fn in_child() -> bool {
    std::env::var_os(CHILD).is_some()
}

/// Re-runs the test `name` (its path inside the calling test binary, e.g.
/// `limits::memory::some_test`) alone in a child process, prints what it printed, and
/// fails when it fails.
pub fn measured_in_child(name: &str) {
    measured_in_child_with(name, &[]);
}

/// glibc's malloc tuned to two arenas, for a measurement of growth over
/// time. By default glibc keeps up to eight arenas per core, each keeping
/// the high-water mark of the threads that used it; which runtime thread
/// serves a burst varies, so the resident size steps up whenever another
/// arena first sees peak load — allocator state, not the host's. Two arenas
/// is also what a memory-conscious deployment sets (`docs/security.md`).
pub const TWO_MALLOC_ARENAS: (&str, &str) = ("GLIBC_TUNABLES", "glibc.malloc.arena_max=2");

/// As [`measured_in_child`], with `env` set for the child.
pub fn measured_in_child_with(name: &str, env: &[(&str, &str)]) {
    let _turn = ONE_CHILD_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let exe = std::env::current_exe().expect("the test binary");
    let output = Command::new(exe)
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .envs(env.iter().copied())
        .output()
        .expect("the child test runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "the measured child failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("1 passed"),
        "the child ran no test named {name}:\n{stdout}"
    );
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

/// File-backed resident memory now (mostly the test binary's code), in bytes.
pub fn file_bytes() -> u64 {
    status_kib("RssFile:") * 1024
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

/// Bytes as MiB, for the printed figures.
pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1u64 << 20) as f64
}

/// Resident memory split three ways, in bytes: mappings larger than 1 GiB
/// (wasmtime's pool reservations: guest memories and tables), other
/// anonymous memory (the heaps: host state, SQLite's caches, the client),
/// file-backed (code, the database's shared memory).
pub fn resident_split() -> (u64, u64, u64) {
    let smaps = std::fs::read_to_string("/proc/self/smaps").expect("/proc/self/smaps");
    let (mut pool, mut anon, mut file) = (0u64, 0u64, 0u64);
    let mut size = 0u64;
    let mut is_file = false;
    for line in smaps.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        if first.contains('-') && !first.ends_with(':') {
            let mut parts = line.split_whitespace();
            let range = parts.next().unwrap_or("");
            let (a, b) = range.split_once('-').unwrap_or(("0", "0"));
            size = u64::from_str_radix(b, 16)
                .unwrap_or(0)
                .saturating_sub(u64::from_str_radix(a, 16).unwrap_or(0));
            let path = parts.nth(4).unwrap_or("");
            is_file = path.starts_with('/');
        } else if let Some(rest) = line.strip_prefix("Rss:") {
            let kib: u64 = rest
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .unwrap_or(0);
            let bytes = kib * 1024;
            if size > (1 << 30) {
                pool += bytes;
            } else if is_file {
                file += bytes;
            } else {
                anon += bytes;
            }
        }
    }
    (pool, anon, file)
}
