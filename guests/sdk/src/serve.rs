//! Serving HTTP: the host routes approved requests under
//! `/modules/<name>/` to [`Serve::handle`].
//!
//! The host has already checked the route against the manifest and the
//! operator's approvals, verified the customer's token, stripped the raw
//! token and every client-supplied `modgate-*` header, and read the body
//! within its size limit. What arrives is therefore trustworthy where it says
//! so: [`Request::customer_id`] is the verified customer, nothing else.

use crate::bindings::exports::wasi::http::incoming_handler::Guest;
use crate::bindings::wasi::http::types::{
    Fields, IncomingBody, IncomingRequest, Method, OutgoingBody, OutgoingResponse,
    ResponseOutparam,
};
use crate::bindings::wasi::io::streams::StreamError;

/// The host-set header carrying the verified customer id.
const CUSTOMER_HEADER: &str = "modgate-customer-id";
/// The host-set header carrying the tenant.
const TENANT_HEADER: &str = "modgate-tenant";
/// Bytes read from the body per call.
const READ_CHUNK: u64 = 64 * 1024;
/// `blocking-write-and-flush` accepts at most 4096 bytes per call.
const WRITE_CHUNK: usize = 4096;

/// What a module that serves routes implements.
pub trait Serve {
    /// Answers one request. Each request runs in a fresh instance under the
    /// `http` budget.
    fn handle(request: Request) -> Response;
}

/// An HTTP request as the module sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Upper-case method, e.g. `GET`.
    pub method: String,
    /// The path relative to the module's mount, e.g. `/items` for
    /// `/modules/wishlist/items`.
    pub path: String,
    /// The raw query string without `?`, if any.
    pub query: Option<String>,
    /// Headers (lower-case names), as the host passed them on.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The whole body.
    pub body: Vec<u8>,
}

impl Request {
    /// The first value of a header, when it is valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .and_then(|(_, value)| std::str::from_utf8(value).ok())
    }

    /// The customer the host verified from their token; `None` for
    /// anonymous requests. Never taken from the body or query.
    pub fn customer_id(&self) -> Option<&str> {
        self.header(CUSTOMER_HEADER).filter(|id| !id.is_empty())
    }

    /// The tenant the request is served for.
    pub fn tenant(&self) -> Option<&str> {
        self.header(TENANT_HEADER)
    }

    /// A query parameter, percent-decoded (`+` is a space). The first
    /// occurrence wins.
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query.as_deref()?.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key) == name).then(|| percent_decode(value))
        })
    }

    /// The path's segments after the mount, e.g. `["items", "p-1"]`.
    pub fn segments(&self) -> Vec<String> {
        self.path
            .split('/')
            .filter(|segment| !segment.is_empty())
            .map(percent_decode)
            .collect()
    }
}

/// An HTTP response. The host drops headers that act beyond this response
/// (cookies, CORS and other origin-wide policy, caching, proxy directives,
/// authentication challenges, framing, a `location` outside your mount),
/// answers 502 `protocol` instead of a response with a status outside
/// 200-599 or a header value that is not visible ASCII, sets the length
/// itself, and serves every answer under a sandboxing Content-Security-Policy
/// (HTML renders without script). See `docs/http.md`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl Response {
    /// A JSON response; `body` must already be JSON text.
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Response {
            status,
            headers: vec![("content-type".to_owned(), "application/json".to_owned())],
            body: body.into().into_bytes(),
        }
    }

    /// A plain-text response.
    pub fn text(status: u16, body: impl Into<String>) -> Self {
        Response {
            status,
            headers: vec![("content-type".to_owned(), "text/plain; charset=utf-8".to_owned())],
            body: body.into().into_bytes(),
        }
    }

    /// A response without a body, e.g. 204.
    pub fn empty(status: u16) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A JSON error: `{"error":{"code":…,"message":…}}`.
    pub fn error(status: u16, code: &str, message: &str) -> Self {
        let body = format!(
            "{{\"error\":{{\"code\":{},\"message\":{}}}}}",
            crate::json::string(code),
            crate::json::string(message)
        );
        Response::json(status, body)
    }

    /// The answer to a host call that failed: `invalid` → 400, `not-found`
    /// → 404, `budget-exhausted`, `rate-limited` and `busy` → 503 `busy`,
    /// `timeout` → 504, with the error's message; anything else → 500 with
    /// `internal_message` (the details go to the module log, not to the
    /// client).
    pub fn from_error(error: &crate::Error, internal_message: &str) -> Self {
        use crate::ErrorCode;
        let (status, code) = match error.code {
            ErrorCode::Invalid => (400, "invalid"),
            ErrorCode::NotFound => (404, "not-found"),
            ErrorCode::BudgetExhausted | ErrorCode::RateLimited | ErrorCode::Busy => (503, "busy"),
            ErrorCode::Timeout => (504, "timeout"),
            _ => (500, "internal"),
        };
        if status == 500 {
            crate::log::error(&format!("request failed: {}: {}", error.code.name(), error.message));
            return Response::error(status, code, internal_message);
        }
        Response::error(status, code, &error.message)
    }

    /// The same response with one more header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

/// Decodes `%XX` escapes and `+`; invalid escapes are kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(high), Some(low)) => {
                        out.push(high << 4 | low);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|d| d as u8)
}

impl<T: Serve> Guest for T {
    fn handle(request: IncomingRequest, out: ResponseOutparam) {
        let response = match read_request(&request) {
            Ok(request) => T::handle(request),
            Err(message) => Response::text(400, message),
        };
        send(out, response);
    }
}

fn read_request(request: &IncomingRequest) -> Result<Request, String> {
    let method = match request.method() {
        Method::Get => "GET".to_owned(),
        Method::Head => "HEAD".to_owned(),
        Method::Post => "POST".to_owned(),
        Method::Put => "PUT".to_owned(),
        Method::Delete => "DELETE".to_owned(),
        Method::Connect => "CONNECT".to_owned(),
        Method::Options => "OPTIONS".to_owned(),
        Method::Trace => "TRACE".to_owned(),
        Method::Patch => "PATCH".to_owned(),
        Method::Other(other) => other.to_ascii_uppercase(),
    };
    let target = request.path_with_query().unwrap_or_else(|| "/".to_owned());
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
        None => (target, None),
    };
    let headers = request.headers().entries();
    // The host declares the exact length of the body it read; an empty one
    // is not read at all (that is seven host calls of a GET saved).
    let body = if declares_no_body(&headers) {
        Vec::new()
    } else {
        read_body(request)?
    };
    Ok(Request {
        method,
        path,
        query,
        headers,
        body,
    })
}

/// Whether `content-length` says `0`. Absent (a host that does not set it)
/// or anything else: the body is read.
fn declares_no_body(headers: &[(String, Vec<u8>)]) -> bool {
    headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .is_some_and(|(_, value)| value.as_slice() == b"0")
}

fn read_body(request: &IncomingRequest) -> Result<Vec<u8>, String> {
    let body = request
        .consume()
        .map_err(|()| "the request body was already taken".to_owned())?;
    let mut bytes = Vec::new();
    {
        let stream = body
            .stream()
            .map_err(|()| "the request body stream was already taken".to_owned())?;
        loop {
            match stream.blocking_read(READ_CHUNK) {
                Ok(chunk) => bytes.extend_from_slice(&chunk),
                Err(StreamError::Closed) => break,
                Err(StreamError::LastOperationFailed(e)) => {
                    return Err(format!("reading the request body: {}", e.to_debug_string()));
                }
            }
        }
    }
    drop(IncomingBody::finish(body));
    Ok(bytes)
}

/// The response's headers in one host call; if the host refuses one of
/// them (e.g. `connection`), the others one by one, skipping what it
/// refuses rather than failing the whole response (it filters again anyway).
fn response_fields(headers: &[(String, String)]) -> Fields {
    let entries: Vec<(String, Vec<u8>)> = headers
        .iter()
        .map(|(name, value)| (name.clone(), value.as_bytes().to_vec()))
        .collect();
    Fields::from_list(&entries).unwrap_or_else(|_| {
        let fields = Fields::new();
        for (name, value) in &entries {
            let _ = fields.append(name, value);
        }
        fields
    })
}

fn send(out: ResponseOutparam, response: Response) {
    let headers = response_fields(&response.headers);
    let outgoing = OutgoingResponse::new(headers);
    if outgoing.set_status_code(response.status).is_err() {
        let _ = outgoing.set_status_code(500);
    }
    let Ok(body) = outgoing.body() else { return };
    ResponseOutparam::set(out, Ok(outgoing));
    if !response.body.is_empty() {
        let Ok(stream) = body.write() else { return };
        for chunk in response.body.chunks(WRITE_CHUNK) {
            if stream.blocking_write_and_flush(chunk).is_err() {
                return;
            }
        }
    }
    let _ = OutgoingBody::finish(body, None);
}

#[cfg(test)]
mod tests {
    use super::{Response, declares_no_body, percent_decode};
    use crate::Error;

    #[test]
    fn errors_are_json_with_a_stable_code() {
        let response = Response::error(409, "wishlist-full", "at most \"100\" <items>");
        assert_eq!(response.status, 409);
        let body = String::from_utf8(response.body).unwrap();
        assert_eq!(body, r#"{"error":{"code":"wishlist-full","message":"at most \"100\" \u003citems\u003e"}}"#);
    }

    #[test]
    fn a_failed_call_answers_the_status_its_code_stands_for() {
        let status = |error: Error| Response::from_error(&error, "unused").status;
        assert_eq!(status(Error::invalid("x")), 400);
        assert_eq!(status(Error::new(crate::ErrorCode::BudgetExhausted, "x")), 503);
        assert_eq!(status(Error::new(crate::ErrorCode::Timeout, "x")), 504);
    }

    #[test]
    fn only_a_declared_length_of_zero_skips_the_body() {
        let headers = |pairs: &[(&str, &str)]| -> Vec<(String, Vec<u8>)> {
            pairs.iter().map(|(n, v)| (n.to_string(), v.as_bytes().to_vec())).collect()
        };
        assert!(declares_no_body(&headers(&[("accept", "*/*"), ("Content-Length", "0")])));
        assert!(!declares_no_body(&headers(&[("content-length", "12")])));
        assert!(!declares_no_body(&headers(&[("accept", "*/*")])), "no length declared: read it");
        assert!(!declares_no_body(&headers(&[("content-length", "00")])));
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b+c"), "a b c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("%41"), "A");
    }
}
