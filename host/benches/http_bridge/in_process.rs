//! The same four handlers called in this process through the routers
//! (`tower::ServiceExt::oneshot`), without sockets or hyper: what the bridge
//! and the guest cost on their own, per request.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// Requests per handler, after as many again to warm up.
const REQUESTS: usize = 5_000;

/// Prints the median and p99 of one request through each router.
pub fn run(token: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let routers = runtime.block_on(crate::server::routers(dir.path()));
    println!(
        "in process (oneshot through the router, no socket), {REQUESTS} requests each after as many to warm up"
    );
    println!("| handler | native median / p99 µs | guest median / p99 µs | guest − native |");
    println!("|---|---|---|---|");
    for handler in &crate::server::HANDLERS {
        let native = runtime.block_on(time(&routers.native, handler.native_path, token));
        let guest = runtime.block_on(time(&routers.bridge, handler.guest_path, token));
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

/// (median, p99) of a request to `path`, its body read.
async fn time(router: &Router, path: &str, token: &str) -> (Duration, Duration) {
    let client: SocketAddr = "127.0.0.1:40000".parse().unwrap();
    let mut times = Vec::with_capacity(REQUESTS);
    for round in 0..2 * REQUESTS {
        let mut request = http::Request::get(path)
            .header("host", "127.0.0.1")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        request.extensions_mut().insert(ConnectInfo(client));
        let started = Instant::now();
        let response = router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let elapsed = started.elapsed();
        assert!(status.is_success(), "{path}: {status} {body:?}");
        if round >= REQUESTS {
            times.push(elapsed);
        }
    }
    times.sort();
    (times[times.len() / 2], times[times.len() * 99 / 100])
}
