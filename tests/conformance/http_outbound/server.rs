//! The loopback upstream of the outbound suites, which records what
//! reached it (the tripwire is `modgate_host::testing::Tripwire`).

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::routing::{any, get};
use tokio::net::TcpListener;

/// One request the upstream received.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Its path.
    pub path: String,
    /// Every `authorization` value it carried.
    pub authorization: Vec<String>,
}

/// `/ok` answers `ok`; `/echo` answers `pong` to `ping`; `/redirect`
/// answers 302 to the metadata address. Every request is recorded.
pub struct UpstreamServer {
    /// Its port on 127.0.0.1.
    pub port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl UpstreamServer {
    /// Serves on `127.0.0.1:0`.
    pub async fn start() -> UpstreamServer {
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let record = seen.clone();
        let app = Router::new()
            .route("/ok", get(|| async { "ok" }))
            .route("/redirect", get(|| async { (StatusCode::FOUND, [(header::LOCATION, "http://169.254.169.254/latest/meta-data/")]) }))
            .route(
                "/echo",
                any(|request: Request| async move {
                    let body = axum::body::to_bytes(request.into_body(), 1 << 16).await.unwrap_or_default();
                    if body.as_ref() == b"ping" { "pong" } else { "?" }
                }),
            )
            .layer(axum::middleware::from_fn(move |request: Request, next: axum::middleware::Next| {
                let record = record.clone();
                async move {
                    let authorization = request
                        .headers()
                        .get_all(header::AUTHORIZATION)
                        .iter()
                        .map(|v| v.to_str().unwrap_or("?").to_owned())
                        .collect();
                    record.lock().unwrap().push(Seen { path: request.uri().path().to_owned(), authorization });
                    next.run(request).await
                }
            }));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        let port = listener.local_addr().expect("bound").port();
        tokio::spawn(async move { axum::serve(listener, app).await });
        UpstreamServer { port, seen }
    }

    /// What reached it so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// A loopback port nothing listens on (bound, then released).
pub async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    listener.local_addr().expect("bound").port()
}
