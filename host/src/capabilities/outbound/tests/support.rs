//! What the guard tests need: a resolver whose answers the test scripts
//! (and counts), a loopback HTTP server that records what reached it, and a
//! way to hand a request to the guarded sender as wasmtime-wasi-http would.

use std::collections::HashMap;
use std::io;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Query, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use http_body_util::{BodyExt, Full};
use tokio::net::TcpListener;
use wasmtime_wasi_http::{Error, WasiBody, WasiHttpHooks};

use super::super::send::GuardedSender;
use super::super::{Allowlist, Outbound, OutboundLimits, Resolve};
use crate::capabilities::{BuiltinServices, builtin};
use crate::engine::module_log::LogLine;
use crate::testing::capability::TestInvocation;

const MANIFEST: &str = r#"
name = "probe"
version = "1.0.0"
compatible-core = "^1.0"
permissions = ["http:outbound"]
"#;

/// Answers scripted per name: each lookup takes the next answer, the last
/// one repeats. Counts lookups.
#[derive(Clone, Default)]
pub struct ScriptedResolver {
    answers: Arc<Mutex<HashMap<String, Vec<Vec<IpAddr>>>>>,
    lookups: Arc<AtomicUsize>,
}

impl ScriptedResolver {
    /// `name` answers `answers[0]`, then `answers[1]`, …
    pub fn answer(self, name: &str, answers: &[&[&str]]) -> Self {
        let answers = answers.iter().map(|a| a.iter().map(|ip| ip.parse().unwrap()).collect()).collect();
        self.answers.lock().unwrap().insert(name.to_owned(), answers);
        self
    }

    /// Lookups made so far.
    pub fn lookups(&self) -> usize {
        self.lookups.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl Resolve for ScriptedResolver {
    async fn lookup(&self, name: &str) -> io::Result<Vec<IpAddr>> {
        self.lookups.fetch_add(1, Ordering::SeqCst);
        let mut answers = self.answers.lock().unwrap();
        let queue = answers.get_mut(name).ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such name"))?;
        Ok(if queue.len() > 1 { queue.remove(0) } else { queue[0].clone() })
    }
}

/// What reached the test server.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// A loopback HTTP server: `/ok`, `/echo` (records, answers `pong` to
/// `ping`), `/redirect?to=URL` (302), `/big?n=BYTES` (a body with its
/// length), `/stream?n=BYTES` (chunked, no length), `/hang` (never answers).
pub struct TestServer {
    pub port: u16,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl TestServer {
    pub async fn start() -> TestServer {
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let record = seen.clone();
        let app = Router::new()
            .route("/ok", get(|| async { "ok" }))
            .route(
                "/echo",
                any(move |request: Request| {
                    let record = record.clone();
                    async move {
                        let path = request.uri().path().to_owned();
                        let headers = request.headers().clone();
                        let body = request.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                        let answer = if body.as_ref() == b"ping" { "pong" } else { "?" };
                        record.lock().unwrap().push(Seen { path, headers, body });
                        answer
                    }
                }),
            )
            .route(
                "/redirect",
                get(|Query(query): Query<HashMap<String, String>>| async move {
                    (StatusCode::FOUND, [(header::LOCATION, query.get("to").cloned().unwrap_or_default())])
                }),
            )
            .route(
                "/big",
                get(|Query(query): Query<HashMap<String, usize>>| async move { vec![b'x'; query["n"]] }),
            )
            .route(
                "/stream",
                get(|Query(query): Query<HashMap<String, usize>>| async move {
                    let chunks = (0..query["n"].div_ceil(1024)).map(|_| Ok::<_, io::Error>(Bytes::from(vec![b'x'; 1024])));
                    Response::new(Body::from_stream(futures_util::stream::iter(chunks))).into_response()
                }),
            )
            .route("/hang", get(std::future::pending::<&'static str>));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move { axum::serve(listener, app).await });
        TestServer { port, seen }
    }
}

/// An invocation of a module granted `http:outbound` under `allowlist`,
/// with the capability built on `resolver` and `limits`.
pub struct Probe {
    call: TestInvocation,
}

/// A response as the guest would read it.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Result<Bytes, Error>,
}

impl Probe {
    pub fn new(allowlist: Allowlist, outbound: Outbound) -> Probe {
        let registry = builtin(BuiltinServices { outbound, ..BuiltinServices::default() });
        let call = TestInvocation::builder(&registry, MANIFEST).extension(allowlist).build();
        Probe { call }
    }

    /// With scripted names and short timeouts (nothing here waits on the
    /// internet).
    pub fn scripted(allowlist: Allowlist, resolver: ScriptedResolver) -> Probe {
        Probe::new(allowlist, Outbound::new(test_limits()).with_resolver(resolver))
    }

    /// Sends `method url` with `headers` and `body` as wasmtime-wasi-http
    /// hands a guest's request over, and reads the whole response body.
    pub async fn send(&mut self, method: &str, url: &str, headers: &[(&str, &str)], body: &str) -> Result<Answer, Error> {
        let response = self.open(method, url, headers, body).await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.map(|b| b.to_bytes());
        Ok(Answer { status, headers, body })
    }

    /// [`Self::send`] without reading the body: the request stays in flight
    /// while the response is held.
    pub async fn open(
        &mut self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Result<http::Response<WasiBody>, Error> {
        let uri: http::Uri = url.parse().expect("test URLs parse");
        let mut request = http::Request::builder().method(method).uri(uri.clone());
        if let Some(authority) = uri.authority() {
            request = request.header(header::HOST, authority.as_str());
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let body: WasiBody = Full::new(Bytes::from(body.to_owned())).map_err(|never| match never {}).boxed_unsync();
        let request = request.body(body).unwrap();
        let view = self.call.view::<Outbound>().expect("linked");
        let mut sender = GuardedSender::new(view.module.unwrap(), view.state.allowlist.clone(), view.state.deadline, view.core);
        let sent = Box::into_pin(sender.send_request(request, None, Box::new(async { Ok(()) })));
        let (response, rest) = sent.await?;
        tokio::spawn(Box::into_pin(rest));
        Ok(response)
    }

    /// The module log's lines.
    pub fn log(&self) -> Vec<LogLine> {
        self.call.log_lines()
    }

    /// The module log's last line.
    pub fn last_log(&self) -> String {
        self.log().last().map(|line| line.message.clone()).unwrap_or_default()
    }
}

/// Short timeouts, small bodies.
pub fn test_limits() -> OutboundLimits {
    OutboundLimits {
        connect_timeout: Duration::from_millis(300),
        total_timeout: Duration::from_secs(2),
        max_response_body_bytes: 4096,
        max_request_body_bytes: 1024,
        ..OutboundLimits::default()
    }
}

/// An HTTPS server on loopback with a fresh self-signed certificate for
/// `names`, answering every request `200 ok` by hand. Returns its port and
/// the certificate to trust.
pub async fn tls_server(names: &[&str]) -> (u16, rustls::pki_types::CertificateDer<'static>) {
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let issued = rcgen::generate_simple_self_signed(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(issued.signing_key.serialize_der()));
    let certificate = issued.cert.der().clone();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![certificate.clone()], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else { return };
                let mut head = Vec::new();
                let mut buffer = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buffer[..n]),
                    }
                }
                let _ = tls.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok").await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (port, certificate)
}
