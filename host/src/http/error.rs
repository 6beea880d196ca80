//! The bridge's own answers: a status, a stable code and a message, as
//! JSON. Every refusal of every step is a [`BridgeError`] and becomes a
//! response here, in one place; the host's headers (sandboxing policy,
//! `no-store`, `x-request-id`) are then set on it like on every answer of the
//! bridge, by its last step (`pipeline/seal.rs`).

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};

use crate::breaker::BreakerOpen;
use crate::http::rate_limit::RateLimited;

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
    pub fn rate_limited(refused: &RateLimited) -> Self {
        BridgeError {
            retry_after: Some(refused.retry_after_seconds()),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, refused.code(), "too many requests; retry later")
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
    pub fn breaker_open(module: &str, refused: &BreakerOpen) -> Self {
        BridgeError {
            retry_after: Some(refused.retry_after_seconds()),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                refused.code(),
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
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn the_rate_limiter_s_refusal_is_answered_with_its_own_code_and_wait() {
        let refused = RateLimited { retry_after: Duration::from_millis(1500) };
        let error = BridgeError::rate_limited(&refused);
        assert_eq!((error.status, error.code, error.retry_after), (StatusCode::TOO_MANY_REQUESTS, "rate-limited", Some(2)));
        assert_eq!(error.code, refused.code());
    }

    #[test]
    fn the_breaker_s_refusal_is_answered_with_its_own_code_and_wait() {
        let refused = BreakerOpen { retry_in: Duration::from_millis(59_500) };
        let error = BridgeError::breaker_open("wishlist", &refused);
        assert_eq!((error.status, error.code, error.retry_after), (StatusCode::SERVICE_UNAVAILABLE, "breaker-open", Some(60)));
        assert_eq!(error.code, refused.code());
    }

    #[tokio::test]
    async fn a_refusal_is_json_with_its_code_and_retry_after() {
        let response = BridgeError::busy("wishlist").into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "1");
        let body = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["error"]["code"], "busy");
    }
}
