//! HTTP throughput and latency over loopback, measured with `wrk`, for
//! handlers each written twice — as a module behind the bridge and natively
//! in axum — and served by one server process:
//! - **trivial**: `GET /modules/echo/hello`, the `conformance-serve` guest
//!   echoing what arrived as JSON (no database): the bridge and the fresh
//!   instance alone; **trivial-python** and **trivial-javascript** are its
//!   Python and JavaScript twins, against the same native handler;
//! - **wishlist**: `GET /modules/wishlist/items` for a customer with 10
//!   saved items (one parameterised SELECT on the tenant's SQLite table,
//!   sorted, JSON).
//!
//! Both sides verify the same JWT. To be fair on a 2-core machine the server
//! process is pinned to core 0 and `wrk` (one thread) to core 1 with
//! `taskset`; runs alternate native and guest, and the table gives medians
//! and the spread of the runs. The ratio guest/native is the figure that
//! counts.
//!
//! Run: `cargo bench -p modgate-host --bench http_bridge` (needs `wrk` and
//! `taskset`: `apt-get install wrk util-linux`). Settings (environment):
//! `HTTP_BENCH_RUNS` (15), `HTTP_BENCH_SECONDS` per run (2),
//! `HTTP_BENCH_CONNECTIONS` (16), `HTTP_BENCH_PIN=0` to run unpinned,
//! `HTTP_BENCH_WORKERS` (the server's tokio workers: 1 pinned, 2 unpinned;
//! 0 for a current-thread runtime),
//! `HTTP_BENCH_ONLY=<handler>-<side>` (e.g. `wishlist-guest`) to load one
//! handler only, for a profiler attached to the printed server pid;
//! `HTTP_BENCH_IN_PROCESS=1` times every handler, both sides, through their routers
//! in this process instead (no socket, no hyper, no `wrk`; with
//! `HTTP_BENCH_ONLY`, one of them; `HTTP_BENCH_REQUESTS` per handler).

mod in_process;
mod native;
mod server;
mod wrk;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use modgate_host::http::identity::issue_hs256;

use crate::server::{HANDLERS, Servers};
use crate::wrk::{Load, Measured};

/// Set in the server child: how many tokio workers it runs.
const SERVE_ENV: &str = "HTTP_BENCH_SERVE";

fn main() {
    if let Ok(workers) = std::env::var(SERVE_ENV) {
        serve_until_stdin_closes(workers.parse().expect("worker count"));
        return;
    }
    let token = token();
    if std::env::var_os("HTTP_BENCH_IN_PROCESS").is_some() {
        in_process::run(&token, std::env::var("HTTP_BENCH_ONLY").ok().as_deref());
        return;
    }
    let settings = Settings::from_env();
    let (mut server, servers) = start_server(&settings);
    // (name, native URL, guest URL) of each handler.
    let handlers: Vec<(&str, String, String)> = HANDLERS
        .iter()
        .map(|h| {
            (
                h.name,
                format!("{}{}", servers.native, h.native_path),
                format!("{}{}", servers.guest, h.guest_path),
            )
        })
        .collect();
    check_answers(&handlers, &token);

    if let Some(only) = &settings.only {
        let (handler, guest) = crate::server::handler_named(only);
        let url = if guest {
            format!("{}{}", servers.guest, handler.guest_path)
        } else {
            format!("{}{}", servers.native, handler.native_path)
        };
        let m = settings.load.run(&url, &token);
        println!(
            "{only}: {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms, non-2xx {}",
            m.requests_per_second, m.p50_ms, m.p99_ms, m.non_2xx
        );
        stop(&mut server);
        return;
    }

    let mut results: Vec<(&str, Vec<(Measured, Measured)>)> = handlers
        .iter()
        .map(|(name, _, _)| (*name, Vec::new()))
        .collect();
    for run in 0..settings.runs {
        for (index, (name, native_url, guest_url)) in handlers.iter().enumerate() {
            // Alternate which side goes first, so neither always runs on a
            // warmer (or more tired) machine.
            let (native, guest) = if run % 2 == 0 {
                let native = settings.load.run(native_url, &token);
                (native, settings.load.run(guest_url, &token))
            } else {
                let guest = settings.load.run(guest_url, &token);
                (settings.load.run(native_url, &token), guest)
            };
            eprintln!(
                "run {} {name}: native {:.0}/s, guest {:.0}/s, {:.1} %",
                run + 1,
                native.requests_per_second,
                guest.requests_per_second,
                100.0 * guest.requests_per_second / native.requests_per_second
            );
            results[index].1.push((native, guest));
        }
    }
    stop(&mut server);
    print_table(&settings, &results);
}

/// Both sides of each handler answer as expected before anything is
/// measured.
fn check_answers(handlers: &[(&str, String, String)], token: &str) {
    for (handler, (name, native, guest)) in HANDLERS.iter().zip(handlers) {
        for (url, side) in [(native, "native"), (guest, "guest")] {
            let body = get(url, token);
            assert!((handler.answers)(&body), "{name} {side} answered {body}");
        }
    }
}

/// How the benchmark runs, from the environment.
struct Settings {
    runs: usize,
    load: Load,
    /// The core the server is pinned to (`None`: unpinned).
    server_core: Option<usize>,
    workers: usize,
    only: Option<String>,
}

impl Settings {
    fn from_env() -> Self {
        let number = |name: &str, default: usize| {
            std::env::var(name).ok().map_or(default, |v| {
                v.parse()
                    .unwrap_or_else(|_| panic!("{name} must be a number"))
            })
        };
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let pin = std::env::var("HTTP_BENCH_PIN").map_or(true, |v| v != "0");
        if pin && cores < 2 {
            eprintln!("only {cores} core: running unpinned");
        }
        let pinned = pin && cores >= 2;
        Settings {
            // Short runs, many of them: this VM's speed drifts in phases of
            // seconds, and a native run and its guest run must share one.
            runs: number("HTTP_BENCH_RUNS", 15).max(1),
            load: Load {
                seconds: number("HTTP_BENCH_SECONDS", 2) as u32,
                connections: number("HTTP_BENCH_CONNECTIONS", 16) as u32,
                core: pinned.then_some(1),
            },
            server_core: pinned.then_some(0),
            workers: number("HTTP_BENCH_WORKERS", if pinned { 1 } else { 2 }),
            only: std::env::var("HTTP_BENCH_ONLY").ok(),
        }
    }
}

fn token() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    issue_hs256(
        server::SECRET,
        &serde_json::json!({ "sub": "cu-1", "tenant": "acme", "exp": now + 3600 }),
    )
    .unwrap()
}

/// Starts this binary again as the server (pinned if asked) and reads the
/// URLs it serves.
fn start_server(settings: &Settings) -> (Child, Servers) {
    let exe = std::env::current_exe().expect("the bench binary's path");
    let mut command = match settings.server_core {
        Some(core) => {
            let mut taskset = Command::new("taskset");
            taskset.args(["-c", &core.to_string()]).arg(exe);
            taskset
        }
        None => Command::new(exe),
    };
    let mut child = command
        .env(SERVE_ENV, settings.workers.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the server starts (taskset: apt-get install util-linux)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let servers: Servers =
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("the server printed {line:?}: {e}"));
    eprintln!(
        "server pid {} ({} tokio worker(s), {}), wrk {}",
        child.id(),
        settings.workers,
        settings
            .server_core
            .map_or("unpinned".to_owned(), |c| format!("core {c}")),
        settings
            .load
            .core
            .map_or("unpinned".to_owned(), |c| format!("core {c}"))
    );
    (child, servers)
}

/// Closing the server's stdin ends it.
fn stop(server: &mut Child) {
    drop(server.stdin.take());
    let _ = server.wait();
}

/// Serves until the parent closes stdin, on `workers` tokio workers (0: a
/// current-thread runtime, everything on this thread).
fn serve_until_stdin_closes(workers: usize) {
    let runtime = match workers {
        0 => tokio::runtime::Builder::new_current_thread().enable_all().build(),
        n => tokio::runtime::Builder::new_multi_thread().worker_threads(n).enable_all().build(),
    }
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    runtime.block_on(async {
        let servers = server::start(dir.path()).await;
        let mut stdout = std::io::stdout();
        writeln!(stdout, "{}", serde_json::to_string(&servers).unwrap()).unwrap();
        stdout.flush().unwrap();
        let _ = tokio::task::spawn_blocking(|| std::io::stdin().read_to_end(&mut Vec::new())).await;
    });
    drop(runtime);
}

fn get(url: &str, token: &str) -> String {
    let out = Command::new("curl")
        .args(["-s", "-H"])
        .arg(format!("Authorization: Bearer {token}"))
        .arg(url)
        .output();
    out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// `median [min – max]` of `values`, formatted with `decimals`.
fn spread(values: &[f64], decimals: usize) -> String {
    let mut sorted = values.to_vec();
    let middle = median(&mut sorted);
    format!(
        "{middle:.decimals$} [{:.decimals$}–{:.decimals$}]",
        sorted[0],
        sorted[sorted.len() - 1]
    )
}

fn print_table(settings: &Settings, results: &[(&str, Vec<(Measured, Measured)>)]) {
    println!(
        "wrk -t1 -c{} -d{}s --latency, {} runs, server {} ({} tokio worker(s)), wrk {}; medians [min–max] of the runs",
        settings.load.connections,
        settings.load.seconds,
        settings.runs,
        settings
            .server_core
            .map_or("unpinned".to_owned(), |c| format!("on core {c}")),
        settings.workers,
        settings
            .load
            .core
            .map_or("unpinned".to_owned(), |c| format!("on core {c}")),
    );
    println!(
        "| handler | native requests/s | guest requests/s | guest / native | native p50 / p99 ms | guest p50 / p99 ms | non-2xx |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (name, runs) in results {
        let column =
            |f: &dyn Fn(&(Measured, Measured)) -> f64| runs.iter().map(f).collect::<Vec<_>>();
        let ratio = column(&|(n, g)| 100.0 * g.requests_per_second / n.requests_per_second);
        let non_2xx: u64 = runs.iter().map(|(n, g)| n.non_2xx + g.non_2xx).sum();
        println!(
            "| {name} | {} | {} | **{} %** | {:.2} / {:.2} | {:.2} / {:.2} | {non_2xx} |",
            spread(&column(&|(n, _)| n.requests_per_second), 0),
            spread(&column(&|(_, g)| g.requests_per_second), 0),
            spread(&ratio, 1),
            median(&mut column(&|(n, _)| n.p50_ms)),
            median(&mut column(&|(n, _)| n.p99_ms)),
            median(&mut column(&|(_, g)| g.p50_ms)),
            median(&mut column(&|(_, g)| g.p99_ms)),
        );
    }
}
