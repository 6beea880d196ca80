//! Steps 5 and 6 of the guard, and the exchange itself: one lookup, every
//! address checked, a connection to a checked address only, TLS verifying
//! the name, HTTP/1.1 over it, bounded in time and size.

use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use http_body_util::BodyExt;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::OwnedSemaphorePermit;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody};

use super::Shared;
use super::body::{LimitedRequestBody, LimitedResponseBody};
use super::ranges::check_address;
use super::allowlist::AllowlistEntry;
use super::secrets::SecretValue;
use super::target::{Target, TargetHost};
use crate::engine::LogWriter;
use crate::engine::module_log::LogLevel;

/// A connected stream, plain or TLS.
trait Stream: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Stream for T {}

/// What a sent request resolves to: the response and the connection's
/// remaining work, as wasmtime-wasi-http expects.
pub(super) type Sent = Result<(http::Response<WasiBody>, Box<dyn Future<Output = Result<(), Error>> + Send>), Error>;

/// A request that passed the synchronous checks.
pub(super) struct Admitted {
    pub target: Target,
    pub entry: AllowlistEntry,
    pub credential: Option<(http::HeaderName, SecretValue)>,
    pub permit: OwnedSemaphorePermit,
}

/// A request ready for the wire, and whether its body went over the limit
/// (which tells a failed exchange apart from a refused body).
struct Prepared {
    request: http::Request<LimitedRequestBody>,
    tripped: Arc<AtomicBool>,
}

/// One admitted request on its way.
pub(super) struct Exchange {
    pub shared: Arc<Shared>,
    pub log: LogWriter,
    pub deadline: Instant,
    pub admitted: Admitted,
}

impl Exchange {
    /// Sends `request` and resolves to its response, all within the total
    /// timeout and the invocation's deadline.
    pub async fn run(self, request: http::Request<WasiBody>, options: Option<RequestOptions>) -> Sent {
        let limits = self.shared.limits;
        let deadline = self.deadline.min(Instant::now() + limits.total_timeout);
        let connect_timeout = shortest(limits.connect_timeout, options.and_then(|o| o.connect_timeout));
        let first_byte_timeout = options.and_then(|o| o.first_byte_timeout);
        match tokio::time::timeout_at(deadline.into(), self.exchange(request, connect_timeout, first_byte_timeout, deadline)).await {
            Ok(sent) => sent,
            Err(_) => Err(Error::HttpResponseTimeout),
        }
    }

    async fn exchange(
        self,
        request: http::Request<WasiBody>,
        connect_timeout: Duration,
        first_byte_timeout: Option<Duration>,
        deadline: Instant,
    ) -> Sent {
        let limits = self.shared.limits;
        // A HEAD response declares the length of a body it does not send.
        let bodiless = request.method() == http::Method::HEAD;
        let request = self.prepare(request)?;
        let addresses = self.checked_addresses(connect_timeout).await?;
        let stream = self.connect(&addresses, connect_timeout).await?;
        let (mut sender, connection) = tokio::time::timeout(
            connect_timeout,
            hyper::client::conn::http1::Builder::new()
                .max_buf_size(limits.max_response_head_bytes.max(8192))
                .handshake::<_, LimitedRequestBody>(TokioIo::new(stream)),
        )
        .await
        .map_err(|_| Error::ConnectionTimeout)??;

        let Prepared { request, tripped } = request;
        let mut connection = Box::pin(connection);
        let mut connection_done = false;
        let send = sender.send_request(request);
        tokio::pin!(send);
        let waiting = async {
            loop {
                tokio::select! {
                    response = &mut send => break response,
                    finished = &mut connection, if !connection_done => {
                        connection_done = true;
                        finished?;
                    }
                }
            }
        };
        let response = match first_byte_timeout {
            Some(timeout) => tokio::time::timeout(timeout, waiting).await.map_err(|_| Error::ConnectionReadTimeout)?,
            None => waiting.await,
        };
        let response = response.map_err(|e| {
            if tripped.load(Ordering::Relaxed) {
                Error::HttpRequestBodySize(Some(limits.max_request_body_bytes))
            } else {
                Error::from(e)
            }
        })?;

        let declared = response
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if !bodiless && declared.is_some_and(|length| length > limits.max_response_body_bytes) {
            return Err(Error::HttpResponseBodySize(Some(limits.max_response_body_bytes)));
        }
        let Exchange { admitted, .. } = self;
        let response = response.map(|incoming| {
            LimitedResponseBody::new(incoming, limits.max_response_body_bytes, deadline, admitted.permit).boxed_unsync()
        });
        let rest: Box<dyn Future<Output = Result<(), Error>> + Send> = Box::new(async move {
            if !connection_done {
                connection.await?;
            }
            Ok(())
        });
        Ok((response, rest))
    }

    /// The credential in place of the module's header of that name, the
    /// URI reduced to the path (the connection is already to the host),
    /// the body bounded.
    fn prepare(&self, request: http::Request<WasiBody>) -> Result<Prepared, Error> {
        let limit = self.shared.limits.max_request_body_bytes;
        let (mut parts, body) = request.into_parts();
        let declared = parts
            .headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|length| length > limit) {
            return Err(Error::HttpRequestBodySize(Some(limit)));
        }
        if let Some((header, value)) = &self.admitted.credential {
            parts.headers.remove(header);
            parts.headers.insert(header.clone(), value.header_value());
        }
        let path = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
        parts.uri = http::Uri::try_from(path).map_err(|_| Error::HttpRequestUriInvalid)?;
        let tripped = Arc::new(AtomicBool::new(false));
        let body = LimitedRequestBody { inner: body, limit, sent: 0, tripped: tripped.clone() };
        Ok(Prepared { request: http::Request::from_parts(parts, body), tripped })
    }

    /// Step 5: the addresses of the target, every one of them allowed.
    async fn checked_addresses(&self, timeout: Duration) -> Result<Vec<IpAddr>, Error> {
        let target = &self.admitted.target;
        let addresses = match &target.host {
            TargetHost::Ip(ip) => vec![*ip],
            TargetHost::Name(name) => match tokio::time::timeout(timeout, self.shared.resolver.lookup(name)).await {
                Err(_) => return Err(Error::DnsTimeout),
                Ok(Err(_)) => return Err(dns_error()),
                Ok(Ok(addresses)) if addresses.is_empty() => return Err(dns_error()),
                Ok(Ok(addresses)) => addresses,
            },
        };
        for address in &addresses {
            if let Err(range) = check_address(*address, &self.admitted.entry.addresses) {
                // Never the address itself: for a name that would tell
                // the module where internal names point.
                let what = match &target.host {
                    TargetHost::Ip(_) => "the address is".to_owned(),
                    TargetHost::Name(name) => format!("{name} resolves to an address"),
                };
                self.log.write(
                    LogLevel::Warn,
                    &format!(
                        "outbound request refused (special-purpose-address): {}: {what} in a special-purpose range ({}) that the allowlist entry {} does not allow",
                        target.origin(),
                        range.rule,
                        self.admitted.entry.key()
                    ),
                );
                return Err(Error::HttpRequestDenied);
            }
        }
        Ok(addresses)
    }

    /// Step 6: a connection to one of the checked addresses, TLS on it
    /// verifying the host's name (or its address literal).
    async fn connect(&self, addresses: &[IpAddr], timeout: Duration) -> Result<Box<dyn Stream>, Error> {
        let target = &self.admitted.target;
        let mut last = Error::ConnectionRefused;
        let mut tcp = None;
        for address in addresses {
            match tokio::time::timeout(timeout, TcpStream::connect(SocketAddr::new(*address, target.port))).await {
                Ok(Ok(stream)) => {
                    tcp = Some(stream);
                    break;
                }
                Ok(Err(e)) if e.kind() == io::ErrorKind::ConnectionRefused => last = Error::ConnectionRefused,
                Ok(Err(e)) => last = Error::Connect(e),
                Err(_) => last = Error::ConnectionTimeout,
            }
        }
        let tcp = tcp.ok_or(last)?;
        let _ = tcp.set_nodelay(true);
        if !target.tls {
            return Ok(Box::new(tcp));
        }
        let name = match &target.host {
            TargetHost::Name(name) => ServerName::try_from(name.clone()).map_err(|_| Error::TlsProtocolError)?,
            TargetHost::Ip(ip) => ServerName::IpAddress((*ip).into()),
        };
        let connector = tokio_rustls::TlsConnector::from(self.shared.tls.clone());
        match tokio::time::timeout(timeout, connector.connect(name, tcp)).await {
            Ok(Ok(stream)) => Ok(Box::new(stream)),
            Ok(Err(e)) if is_certificate_error(&e) => Err(Error::TlsCertificateError),
            Ok(Err(e)) => Err(Error::Tls(e)),
            Err(_) => Err(Error::ConnectionTimeout),
        }
    }
}

/// A lookup that failed or found nothing.
fn dns_error() -> Error {
    Error::DnsError { rcode: None, info_code: None }
}

/// The shorter of the host's bound and the module's own, if it set one.
fn shortest(host: Duration, module: Option<Duration>) -> Duration {
    module.map_or(host, |module| module.min(host))
}

/// Whether a TLS failure is the server's certificate (untrusted, expired,
/// for another name).
fn is_certificate_error(error: &io::Error) -> bool {
    error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .is_some_and(|e| matches!(e, rustls::Error::InvalidCertificate(_)))
}

