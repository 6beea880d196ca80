//! The bridge's own answers: a status, a stable code and a message, as
//! JSON, with the same protective headers (and sandboxing policy) as module
//! responses.

use std::time::Duration;

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};

use crate::http::hygiene::set_protective_headers;

/// A refusal or failure answered by the host, not the module.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct BridgeError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code, e.g. `not-found`, `rate-limited`, `busy`.
    pub code: &'static str,
    /// For humans; not part of the contract.
    pub message: String,
    /// Seconds for a `Retry-After` header.
    pub retry_after: Option<u64>,
}

impl BridgeError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        BridgeError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 404, identical for a missing module, an undeclared route and an
    /// unapproved one, so probing reveals nothing.
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "no such route")
    }

    /// 429: the client's token bucket is empty.
    pub fn rate_limited(retry_after_seconds: u64) -> Self {
        BridgeError {
            retry_after: Some(retry_after_seconds.max(1)),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, "rate-limited", "too many requests; retry later")
        }
    }

    /// 503: the module's in-flight cap is reached.
    pub fn busy(module: &str) -> Self {
        BridgeError {
            retry_after: Some(1),
            ..Self::new(StatusCode::SERVICE_UNAVAILABLE, "busy", format!("module {module} is busy; retry shortly"))
        }
    }

    /// 503: the module's circuit breaker is open.
    pub fn breaker_open(module: &str, retry_in: Duration) -> Self {
        BridgeError {
            retry_after: Some(retry_in.as_secs().max(1)),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "breaker-open",
                format!("module {module} is failing and paused; retry later"),
            )
        }
    }

    /// 401 with a token problem's code.
    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }

    /// 413: the request body is over the limit.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            format!("request bodies are limited to {limit} bytes"),
        )
    }

    /// 400: the query string carries a credential (`name` is the normalised
    /// parameter name, never its value).
    pub fn credential_in_query(name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "credential-in-query",
            format!("the query parameter {name:?} carries a credential; send it in an Authorization header instead"),
        )
    }

    /// 401: the integrator's session was presented but refused.
    pub fn session_invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "session-invalid", message)
    }

    /// 403: a session-authenticated, state-changing request did not come
    /// from the shop's own pages.
    pub fn cross_site(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "cross-site-request", message)
    }

    /// 400: the request itself is malformed.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid", message)
    }

    /// A module failure, reported without its internals.
    pub fn module_failed(status: StatusCode, code: &'static str, module: &str) -> Self {
        Self::new(status, code, format!("module {module} failed to answer"))
    }

    /// 500: something on the host side failed (details go to the log).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl IntoResponse for BridgeError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": { "code": self.code, "message": self.message } });
        let mut response = (self.status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        set_protective_headers(headers);
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
