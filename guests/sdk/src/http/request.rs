//! [`Request`]: what to send, built up call by call.

pub use crate::bindings::wasi::http::types::Method;

use super::{HttpError, Response};

/// How many bytes of a response body are read unless the request says
/// otherwise ([`Request::max_response_body`]): enough for an API's JSON,
/// small enough that a server cannot fill a guest's memory.
pub const DEFAULT_MAX_RESPONSE_BODY: u64 = 1024 * 1024;

/// An outgoing HTTP request.
///
/// ```ignore
/// use modgate_sdk::http::Request;
///
/// let response = Request::post("https://api.example/v1/ping", "ping")
///     .header("content-type", "text/plain")
///     .send()?;
/// ```
#[derive(Debug, Clone)]
pub struct Request {
    /// The method; `GET` for [`Request::get`].
    pub method: Method,
    /// The URL, `http://` or `https://`.
    pub url: String,
    /// Headers in the order they are sent; a name may repeat.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body; `None` sends none (not even an empty one).
    pub body: Option<Vec<u8>>,
    /// The largest response body read, in bytes; a larger one fails the
    /// request with `HTTP-response-body-size`.
    pub max_response_body: u64,
}

impl Request {
    /// A request with `method` to `url`, no headers and no body.
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        Request {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: None,
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
        }
    }

    /// A `GET` of `url`.
    pub fn get(url: impl Into<String>) -> Self {
        Request::new(Method::Get, url)
    }

    /// A `POST` of `body` to `url`.
    pub fn post(url: impl Into<String>, body: impl Into<Vec<u8>>) -> Self {
        Request::new(Method::Post, url).body(body)
    }

    /// The same request with one more header. A header the host attaches a
    /// secret to (an API key in `authorization`, say) is replaced by the
    /// host's value: what the module sets there never leaves the host.
    pub fn header(mut self, name: impl Into<String>, value: impl AsRef<[u8]>) -> Self {
        self.headers.push((name.into(), value.as_ref().to_vec()));
        self
    }

    /// The same request with `body` as its body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// The same request reading at most `bytes` of the response body (by
    /// default [`DEFAULT_MAX_RESPONSE_BODY`]). The host has a limit of its
    /// own; the smaller one applies.
    pub fn max_response_body(mut self, bytes: u64) -> Self {
        self.max_response_body = bytes;
        self
    }

    /// Sends the request: [`send`](super::send)`(self)`.
    pub fn send(self) -> Result<Response, HttpError> {
        super::send(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_get_has_no_body_and_the_default_cap() {
        let request = Request::get("http://shop.example/");
        assert!(matches!(request.method, Method::Get));
        assert_eq!(request.url, "http://shop.example/");
        assert_eq!(request.body, None);
        assert!(request.headers.is_empty());
        assert_eq!(request.max_response_body, DEFAULT_MAX_RESPONSE_BODY);
    }

    #[test]
    fn a_post_carries_its_body() {
        let request = Request::post("http://shop.example/", "ping");
        assert!(matches!(request.method, Method::Post));
        assert_eq!(request.body.as_deref(), Some(&b"ping"[..]));
    }

    #[test]
    fn headers_are_kept_in_order_and_may_repeat() {
        let request = Request::get("http://shop.example/")
            .header("accept", "application/json")
            .header("x-tag", "a")
            .header("x-tag", b"b".as_slice());
        assert_eq!(
            request.headers,
            vec![
                ("accept".to_owned(), b"application/json".to_vec()),
                ("x-tag".to_owned(), b"a".to_vec()),
                ("x-tag".to_owned(), b"b".to_vec()),
            ]
        );
    }

    #[test]
    fn the_response_cap_and_the_body_can_be_set_on_any_request() {
        let request = Request::new(Method::Put, "http://shop.example/a")
            .body(vec![1, 2])
            .max_response_body(16);
        assert!(matches!(request.method, Method::Put));
        assert_eq!(request.body, Some(vec![1, 2]));
        assert_eq!(request.max_response_body, 16);
    }
}
