//! Outbound HTTP overhead: one GET of a 2-byte body from a server on
//! loopback, over a fresh connection each time (the guard never reuses
//! one: every request is checked and connected from scratch),
//!
//! - **native**: `hyper` directly (connect, handshake, GET, read the body);
//! - **module**: a fresh, fully budgeted invocation of a component whose
//!   `activate` sends that GET with its wasi:http client through the
//!   `http:outbound` capability (allowlist, address guard, connect to the
//!   checked address, limits) and checks the answer;
//! - **module, no request**: the same invocation doing nothing, to
//!   subtract the invocation itself.
//!
//! The guard's and capability's cost is `module − no request − native`. A
//! last row runs the native GET in tasks the way wasmtime-wasi-http runs a
//! guest's (the exchange in one task, the connection in another), to show
//! what that structure costs by itself.
//! Medians over `RUNS` after a warm-up. Run:
//! `cargo bench -p modgate-tests --bench outbound`. Prints a table for
//! docs/benchmarks.md.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use modgate_artifacts::CONFORMANCE_HTTP_OUTBOUND;
use modgate_host::capabilities::outbound::{Allowlist, AllowlistEntry, ranges, target};
use modgate_host::engine::{Extensions, InstallSettings};
use modgate_tests::{acme, default_engine, load, manifest};

const RUNS: usize = 2_000;
const WARM_UP: usize = 200;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

async fn native_get(port: u16) {
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.expect("connects");
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.expect("handshake");
    tokio::spawn(connection);
    let request = hyper::Request::get("/ok").header("host", format!("127.0.0.1:{port}")).body(Empty::<Bytes>::new()).unwrap();
    let response = sender.send_request(request).await.expect("answers");
    let body = response.into_body().collect().await.expect("a body").to_bytes();
    assert_eq!(body.as_ref(), b"ok");
}

/// The same GET shaped as wasmtime-wasi-http runs a guest's request: the
/// exchange in a task of its own (the guest waits on it), the connection in
/// another, the body read where the guest is.
async fn native_get_in_tasks(port: u16) {
    let exchange = tokio::spawn(async move {
        let stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.expect("connects");
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.expect("handshake");
        let request = hyper::Request::get("/ok").header("host", format!("127.0.0.1:{port}")).body(Empty::<Bytes>::new()).unwrap();
        let connection = tokio::spawn(connection);
        (sender.send_request(request).await.expect("answers"), connection)
    });
    let (response, _connection) = exchange.await.expect("the task ends");
    let body = response.into_body().collect().await.expect("a body").to_bytes();
    assert_eq!(body.as_ref(), b"ok");
}

/// The guard's own decisions for one request, without I/O: the target
/// normalised, the allowlist entry found, the address checked. Mean over
/// a million rounds, in nanoseconds.
fn guard_checks(allowlist: &Allowlist, port: u16) -> f64 {
    let uri: http::Uri = format!("http://127.0.0.1:{port}/ok").parse().unwrap();
    const ROUNDS: u32 = 1_000_000;
    let started = Instant::now();
    for _ in 0..ROUNDS {
        let target = target::target_of(std::hint::black_box(&uri)).expect("a target");
        let entry = allowlist.entry_for(&target.host, target.port).expect("allowed");
        let target::TargetHost::Ip(address) = target.host else { unreachable!("an address literal") };
        ranges::check_address(address, &entry.addresses).expect("the exception");
    }
    started.elapsed().as_secs_f64() * 1e9 / f64::from(ROUNDS)
}

fn main() {
    modgate_tests::run(async {
        let app = axum::Router::new().route("/ok", axum::routing::get(|| async { "ok" }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move { axum::serve(listener, app).await });

        let engine = default_engine();
        let module = load(&engine, manifest("conformance", &["http:outbound"]), CONFORMANCE_HTTP_OUTBOUND).expect("loads");
        let entry: AllowlistEntry = format!("127.0.0.1:{port}").parse().unwrap();
        let allowlist = Allowlist::new([entry.with_addresses(["127.0.0.1/32".parse().unwrap()]).unwrap()]);
        let with_request = format!("ok=http://127.0.0.1:{port}/ok");
        let without = "{}".to_owned();

        let mut rows = Vec::new();
        let mut native = Vec::with_capacity(RUNS);
        for i in 0..WARM_UP + RUNS {
            let started = Instant::now();
            native_get(port).await;
            if i >= WARM_UP {
                native.push(started.elapsed());
            }
        }
        rows.push(("native hyper GET (fresh connection)", median(native)));
        let mut in_tasks = Vec::with_capacity(RUNS);
        for i in 0..WARM_UP + RUNS {
            let started = Instant::now();
            native_get_in_tasks(port).await;
            if i >= WARM_UP {
                in_tasks.push(started.elapsed());
            }
        }
        let in_tasks = median(in_tasks);
        for (label, settings) in [("module: invocation + GET through the guard", &with_request), ("module: invocation, no request", &without)] {
            let extensions = Extensions::new().with(InstallSettings::new(settings.as_str())).with(allowlist.clone());
            let mut samples = Vec::with_capacity(RUNS);
            for i in 0..WARM_UP + RUNS {
                let started = Instant::now();
                module.activate_with(&acme(), settings, &extensions).await.expect("the request succeeds");
                if i >= WARM_UP {
                    samples.push(started.elapsed());
                }
            }
            rows.push((label, median(samples)));
        }
        println!("| what | median |");
        println!("|---|---|");
        for (label, time) in &rows {
            println!("| {label} | {:.1} µs |", time.as_secs_f64() * 1e6);
        }
        let overhead = rows[1].1.as_secs_f64() - rows[2].1.as_secs_f64() - rows[0].1.as_secs_f64();
        println!("| guard + capability (module − no request − native) | {:.1} µs |", overhead * 1e6);
        println!("| native hyper GET in tasks, as wasmtime-wasi-http runs one | {:.1} µs |", in_tasks.as_secs_f64() * 1e6);
        println!("| the guard's checks alone (target, allowlist, address) | {:.0} ns |", guard_checks(&allowlist, port));
    });
}
