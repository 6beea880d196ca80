//! Peers benchmark (issue 21): the same workload — a handler that makes one
//! host call (get product `p-1`) and returns a string — run in one process,
//! one after the other, as native Rust, on raw wasmtime 48 (a reused
//! instance; a fresh instance per call with a tuned pooling allocator, and
//! with modgate's memory settings on top; and the smallest fresh component
//! and core module this workload allows, written in WAT), on Lua 5.4 via
//! mlua (a fresh and a reused sandboxed state), on Extism (a reused plugin;
//! a new plugin per call)
//! and as modgate's full invocation (a fresh instance with fuel, epoch
//! deadline, op budget and memory limit). Each call is timed on its own after
//! a warm-up; it prints one markdown table with the median, the p99 and the
//! ratios to native and to modgate, then the exact settings of every row.
//!
//! Run (its own workspace, outside `cargo test --workspace`):
//!
//! ```text
//! cd benches/peers && cargo run --release
//! PEERS_WARMUP=2000 PEERS_CALLS=20000 cargo run --release   # the defaults
//! PEERS_ONLY=modgate cargo run --release     # rows whose label has the text (to profile one)
//! cargo run --release -- ladder              # modgate's mechanisms one per row
//! PEERS_UNDER_VALGRIND=1 PEERS_ONLY=… valgrind --tool=callgrind --collect-atstart=no \
//!   --toggle-collect='modgate_peers_bench::measure::row::*' ../../target/release/modgate-peers-bench
//!                                            # one row's instructions per call (pools of 20)
//! ```
//!
//! The wasm rows (raw wasmtime and modgate) run the same `host-calls` test
//! component (`guests/test-components/host-calls`) with settings `"1"`: one
//! `products.get("p-1")`, then `activate` returns `result<_, error>`.

mod catalogue;
mod extism;
mod ladder;
mod lua;
mod measure;
mod modgate;
mod native;
mod raw_wasmtime;
mod smallest;
mod table;

use measure::{Row, Settings, measure_all};

/// A peer: its rows, ready to time, or why it could not make them.
type Peer = fn() -> anyhow::Result<Vec<Row>>;

fn main() -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    if std::env::args().nth(1).as_deref() == Some("ladder") {
        return ladder(settings);
    }
    let peers: [(&str, Peer); 6] = [
        ("native", native::rows),
        ("raw wasmtime", raw_wasmtime::rows),
        ("raw wasmtime, smallest", smallest::rows),
        ("Lua", lua::rows),
        ("Extism", extism::rows),
        ("modgate", modgate::rows),
    ];
    let mut rows = Vec::new();
    let mut left_out = Vec::new();
    for (peer, make) in peers {
        // A peer that fails is reported, not faked: its rows are left out.
        match make() {
            Ok(made) => rows.extend(made),
            Err(e) => left_out.push(format!("{peer}: {e:#}")),
        }
    }
    keep_only_asked(&mut rows);
    eprintln!("measuring {} rows, taking turns…", rows.len());
    let (rows, failed) = measure_all(rows, settings);
    left_out.extend(failed);

    table::print(&rows, ("native", native::LABEL), modgate::LABEL);
    println!();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "{} warm-up then {} timed calls per row, each timed with `Instant`; {cores} cores; one process, the rows taking turns (100 calls each per round).",
        settings.warmup, settings.calls
    );
    println!("- raw wasmtime: {}", raw_wasmtime::TUNING);
    println!("- raw wasmtime, modgate's memory settings: {}", raw_wasmtime::MODGATE_MEMORY);
    println!("- raw wasmtime, smallest: {}", smallest::SETTINGS);
    println!("- Lua: {}", lua::SANDBOX);
    println!("- Extism {}: {}", extism::VERSION, extism::SETTINGS);
    println!("- modgate: {}", modgate::settings());
    println!(
        "- Native, Lua and Extism return the text `{}`; the other wasm rows run the `host-calls` component, whose `activate` returns `result<_, error>` after the host call, except the smallest ones (their settings above).",
        catalogue::EXPECTED_TEXT
    );
    for reason in &left_out {
        println!("- left out: {reason}");
    }
    Ok(())
}

/// The ladder: modgate's mechanisms added one per row onto raw wasmtime on
/// modgate's memory settings, ending with modgate's own invocation.
fn ladder(settings: Settings) -> anyhow::Result<()> {
    let mut rows = vec![raw_wasmtime::floor_row()?];
    rows.extend(ladder::rows()?);
    rows.extend(modgate::rows()?);
    keep_only_asked(&mut rows);
    let (rows, failed) = measure_all(rows, settings);
    table::print(&rows, ("floor", raw_wasmtime::FLOOR_LABEL), modgate::LABEL);
    for reason in &failed {
        println!("- failed: {reason}");
    }
    Ok(())
}

/// For a profiler (`PEERS_ONLY`): only the rows whose label contains the text.
fn keep_only_asked(rows: &mut Vec<Row>) {
    if let Ok(only) = std::env::var("PEERS_ONLY") {
        rows.retain(|row| row.label().contains(only.as_str()));
    }
}
