//! Outgoing HTTP (permission `http:outbound`, which the operator must
//! acknowledge at install): a small blocking client over
//! `wasi:http/outgoing-handler`.
//!
//! ```ignore
//! use modgate_sdk::http::{self, Request};
//!
//! let quote = http::get("https://prices.example/v1/prices/p-1")?;
//! if quote.status == 200 {
//!     let price = quote.json()?.get_i64("price_minor");
//! }
//! let echo = Request::post("https://api.example/v1/echo", "ping")
//!     .header("content-type", "text/plain")
//!     .send()?;
//! ```
//!
//! [`send`] blocks until the response has arrived and its body is read in
//! full, up to [`Request::max_response_body`] (1 MiB unless set), so a
//! server cannot fill the module's memory. Every status is a [`Response`];
//! only a request that got none is an [`HttpError`].
//!
//! **What the host decides.** The client refuses only what it cannot send:
//! a URL that is not `http://` or `https://`, or a part wasi:http will not
//! take (an invalid header, say). Everything else goes to the host as
//! written — userinfo, ports, IP literals included — and the host is the
//! authority on what may leave:
//!
//! - the operator allowlists, per module and tenant, what each module may
//!   reach; the SSRF guard checks the address the name resolves to. A
//!   host, port or address not allowed, or userinfo in the authority, is
//!   `HTTP-request-denied` ([`HttpError::is_denied`]);
//! - a header the operator attached a secret to (an API key in
//!   `authorization`, say) is sent with the operator's value: the module's
//!   own value is dropped, and the module never sees the secret;
//! - **redirects are never followed**: a 3xx arrives as it is, with its
//!   `location` header ([`Response::is_redirect`]). Following one is a new
//!   request, checked like the first;
//! - limits: the request and response body sizes (`HTTP-request-body-size`,
//!   `HTTP-response-body-size`), requests in flight per module
//!   (`connection-limit-reached`) and time (connection and response
//!   timeouts).
//!
//! **Cost.** Each request is one operation of the invocation's budget; past
//! it, a request fails with `internal-error("budget-exhausted: …")`
//! ([`HttpError::is_budget_exhausted`]). Time spent waiting counts against
//! the invocation's deadline: keep requests out of slots, whose budget and
//! deadline are small.
//!
//! In an event handler, return a failed request's error (`?` turns an
//! [`HttpError`] into a modgate [`Error`](crate::Error)) so the event is
//! delivered again later.

mod error;
mod outgoing;
mod request;
mod response;
mod url;

pub use error::{ErrorCode, HttpError, HttpErrorKind, code_name};
pub use request::{DEFAULT_MAX_RESPONSE_BODY, Method, Request};
pub use response::Response;
pub use url::{UrlError, path_segment};

/// Sends `request` and reads the whole response (see the [module
/// docs](self) for what the host checks on the way).
///
/// `Err` when no response came: the URL or a header was refused before
/// sending ([`HttpErrorKind::Invalid`]), or the host answered a wasi:http
/// error code ([`HttpError::code`]) — denied, too many requests in flight,
/// a body too large (the response's: larger than the host's limit or the
/// request's [`Request::max_response_body`]), out of budget, unreachable.
pub fn send(request: Request) -> Result<Response, HttpError> {
    outgoing::send(request)
}

/// `GET url`: [`send`]`(`[`Request::get`]`(url))`.
pub fn get(url: &str) -> Result<Response, HttpError> {
    send(Request::get(url))
}
