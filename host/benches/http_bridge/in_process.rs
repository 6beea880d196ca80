//! Every handler, both sides, called in this process through the routers
//! (`tower::ServiceExt::oneshot`), without sockets or hyper: what the bridge
//! and the guest cost on their own, per request.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use http_body_util::BodyExt;
use tokio::runtime::Runtime;
use tower::ServiceExt;

/// Requests per handler, after as many again to warm up, unless
/// `HTTP_BENCH_REQUESTS` says otherwise.
const REQUESTS: usize = 5_000;

/// Prints the median and p99 of one request through each router (or only
/// the side `only` names, `<handler>-<side>`: for an instruction count under
/// `valgrind --tool=callgrind`, see docs/benchmarks.md).
pub fn run(token: &str, only: Option<&str>) {
    let requests = std::env::var("HTTP_BENCH_REQUESTS")
        .ok()
        .map_or(REQUESTS, |n| n.parse().expect("HTTP_BENCH_REQUESTS: a number"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let routers = runtime.block_on(crate::server::routers(dir.path()));
    if let Some(only) = only {
        let (handler, guest) = crate::server::handler_named(only);
        let (router, path) = if guest {
            (&routers.bridge, handler.guest_path)
        } else {
            (&routers.native, handler.native_path)
        };
        let (median, p99) = time(&runtime, router, path, token, requests);
        println!("{only}: {requests} requests in process, median {:.1} µs, p99 {:.1} µs", micros(median), micros(p99));
        return;
    }
    println!(
        "in process (oneshot through the router, no socket), {requests} requests each after as many to warm up"
    );
    println!("| handler | native median / p99 µs | guest median / p99 µs | guest − native |");
    println!("|---|---|---|---|");
    for handler in &crate::server::HANDLERS {
        let native = time(&runtime, &routers.native, handler.native_path, token, requests);
        let guest = time(&runtime, &routers.bridge, handler.guest_path, token, requests);
        println!(
            "| {} | {:.1} / {:.1} | {:.1} / {:.1} | {:.1} µs |",
            handler.name,
            micros(native.0),
            micros(native.1),
            micros(guest.0),
            micros(guest.1),
            micros(guest.0) - micros(native.0)
        );
    }
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// (median, p99) of `requests` requests to `path` (after as many to warm
/// up), each with its body read. The measured ones run in
/// [`measured_requests`], the function a callgrind run counts.
fn time(runtime: &Runtime, router: &Router, path: &str, token: &str, requests: usize) -> (Duration, Duration) {
    for _ in 0..requests {
        runtime.block_on(request(router, path, token));
    }
    let mut times = measured_requests(runtime, router, path, token, requests);
    times.sort();
    (times[times.len() / 2], times[times.len() * 99 / 100])
}

/// A function of its own (not inlined, not async) so that
/// `valgrind --tool=callgrind --toggle-collect=<its name>` counts exactly
/// these requests.
#[inline(never)]
fn measured_requests(runtime: &Runtime, router: &Router, path: &str, token: &str, requests: usize) -> Vec<Duration> {
    let mut times = Vec::with_capacity(requests);
    for _ in 0..requests {
        let started = Instant::now();
        runtime.block_on(request(router, path, token));
        times.push(started.elapsed());
    }
    times
}

/// One request to `path` through `router`, answered with a success.
async fn request(router: &Router, path: &str, token: &str) {
    let client: SocketAddr = "127.0.0.1:40000".parse().unwrap();
    let mut request = http::Request::get(path)
        .header("host", "127.0.0.1")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    request.extensions_mut().insert(ConnectInfo(client));
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert!(status.is_success(), "{path}: {status} {body:?}");
}
