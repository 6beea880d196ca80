//! The wasi:http calls behind [`send`](super::send): a [`Request`] becomes
//! an `outgoing-request`, goes to `outgoing-handler.handle`, and the
//! `incoming-response` is read into a [`Response`], blocking on `wasi:io`
//! pollables throughout.
//!
//! Resources are dropped child first (a body's stream before the body, the
//! body before the response), as wasi:http requires; each is scoped so that
//! an early return keeps that order.

use crate::bindings::wasi::http::outgoing_handler;
use crate::bindings::wasi::http::types::{
    ErrorCode, Fields, FutureIncomingResponse, HeaderError, IncomingBody, IncomingResponse,
    OutgoingBody, OutgoingRequest, Scheme, http_error_code,
};
use crate::bindings::wasi::io::streams::{InputStream, StreamError};

use super::url::{self, Target};
use super::{HttpError, Request, Response};

/// Bytes asked of the response body per read.
const READ_CHUNK: u64 = 64 * 1024;
/// `blocking-write-and-flush` accepts at most 4096 bytes per call.
const WRITE_CHUNK: usize = 4096;

/// Sends `request` and reads the whole response.
pub fn send(request: Request) -> Result<Response, HttpError> {
    let target = url::split(&request.url).map_err(|error| HttpError::Url {
        url: request.url.clone(),
        error,
    })?;
    let outgoing = build(&request, &target)?;
    // The body is taken before the request is handed over (it cannot be
    // after) and written after, once the host is reading it.
    let body = match request.body {
        Some(_) => Some(
            outgoing
                .body()
                .map_err(|()| rejected("body", "it was already taken"))?,
        ),
        None => None,
    };
    let future = outgoing_handler::handle(outgoing, None)?;
    if let (Some(body), Some(bytes)) = (body, &request.body)
        && let Err(Some(code)) = write_body(body, bytes)
    {
        return Err(code.into());
    }
    // A body that ended without a code fails the request: the response
    // future says why.
    let response = wait(&future)?;
    read_response(response, request.max_response_body).map_err(HttpError::from)
}

/// The `outgoing-request` for `request` sent to `target`.
fn build(request: &Request, target: &Target) -> Result<OutgoingRequest, HttpError> {
    let headers = Fields::new();
    for (name, value) in &request.headers {
        headers
            .append(name, value)
            .map_err(|e| rejected(&format!("header {name:?}"), header_problem(&e)))?;
    }
    if let Some(body) = &request.body
        && !request
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-length"))
    {
        // Some servers refuse a chunked body; a known length is the
        // friendlier default. A host that forbids the header sends it
        // chunked instead.
        let _ = headers.append("content-length", body.len().to_string().as_bytes());
    }
    let outgoing = OutgoingRequest::new(headers);
    outgoing.set_method(&request.method).map_err(|()| {
        rejected(
            &format!("method {:?}", request.method),
            "it is not a valid method",
        )
    })?;
    let scheme = if target.https {
        Scheme::Https
    } else {
        Scheme::Http
    };
    outgoing
        .set_scheme(Some(&scheme))
        .map_err(|()| rejected("scheme", "it was not accepted"))?;
    outgoing
        .set_authority(Some(&target.authority))
        .map_err(|()| {
            rejected(
                &format!("authority {:?}", target.authority),
                "it is not a valid authority",
            )
        })?;
    outgoing
        .set_path_with_query(Some(&target.path_with_query))
        .map_err(|()| {
            rejected(
                &format!("path {:?}", target.path_with_query),
                "it is not a valid path and query",
            )
        })?;
    Ok(outgoing)
}

/// Writes `bytes` in chunks and finishes the body. `Err(None)`: the stream
/// ended without an error code (the response future then has one).
fn write_body(body: OutgoingBody, bytes: &[u8]) -> Result<(), Option<ErrorCode>> {
    {
        let stream = body.write().map_err(|()| None)?;
        for chunk in bytes.chunks(WRITE_CHUNK) {
            stream
                .blocking_write_and_flush(chunk)
                .map_err(|e| match e {
                    StreamError::LastOperationFailed(e) => http_error_code(&e),
                    StreamError::Closed => None,
                })?;
        }
    }
    OutgoingBody::finish(body, None).map_err(Some)
}

/// Blocks until the response (or the error that stands for it) arrives.
fn wait(future: &FutureIncomingResponse) -> Result<IncomingResponse, ErrorCode> {
    loop {
        match future.get() {
            Some(Ok(result)) => return result,
            Some(Err(())) => return Err(internal("the response was already taken")),
            None => future.subscribe().block(),
        }
    }
}

/// Status, headers and the body read up to `max_body` bytes.
fn read_response(response: IncomingResponse, max_body: u64) -> Result<Response, ErrorCode> {
    let status = response.status();
    let headers = response.headers().entries();
    let body = response
        .consume()
        .map_err(|()| internal("the response body was already taken"))?;
    let bytes = {
        let stream = body
            .stream()
            .map_err(|()| internal("the response body stream was already taken"))?;
        read_capped(&stream, max_body)?
    };
    // Trailers are not read.
    drop(IncomingBody::finish(body));
    Ok(Response {
        status,
        headers,
        body: bytes,
    })
}

/// The whole stream, or `HTTP-response-body-size(some(max_body))` as soon
/// as it holds more than `max_body` bytes.
fn read_capped(stream: &InputStream, max_body: u64) -> Result<Vec<u8>, ErrorCode> {
    let mut bytes = Vec::new();
    loop {
        let room = max_body.saturating_sub(bytes.len() as u64);
        // One byte past the cap is enough to know the body is too large.
        match stream.blocking_read(room.saturating_add(1).min(READ_CHUNK)) {
            Ok(chunk) => {
                bytes.extend_from_slice(&chunk);
                if bytes.len() as u64 > max_body {
                    return Err(ErrorCode::HttpResponseBodySize(Some(max_body)));
                }
            }
            Err(StreamError::Closed) => return Ok(bytes),
            Err(StreamError::LastOperationFailed(e)) => {
                return Err(http_error_code(&e).unwrap_or_else(|| {
                    internal(&format!(
                        "reading the response body: {}",
                        e.to_debug_string()
                    ))
                }));
            }
        }
    }
}

fn rejected(part: &str, reason: &str) -> HttpError {
    HttpError::Rejected {
        part: part.to_owned(),
        reason: reason.to_owned(),
    }
}

fn header_problem(error: &HeaderError) -> &'static str {
    match error {
        HeaderError::InvalidSyntax => "its name or value is not valid HTTP",
        HeaderError::Forbidden => "the host does not let a module set it",
        HeaderError::Immutable => "the headers could no longer be changed",
    }
}

fn internal(message: &str) -> ErrorCode {
    ErrorCode::InternalError(Some(message.to_owned()))
}
