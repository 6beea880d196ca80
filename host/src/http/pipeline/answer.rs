//! Steps 10-12, and the first half of 13, as the invocation comes back: how
//! a failed one is answered (10-11), which answers are refused whole (12),
//! which of the module's headers are dropped by class (13; the host's own
//! headers are set by the `seal` layer), what the breaker learns and what
//! the module log says.
//!
//! Failures of the module (a trap, the deadline, its budgets, a protocol
//! error, a refused answer) and its 5xx answers count against its breaker;
//! `busy` does not (the host is full, the module is not broken), nor do
//! 4xx answers. The client sees a stable code; the operator reads why in
//! the module log.

use axum::body::Body;
use axum::response::Response;
use http::{Method, StatusCode};

use crate::breaker::BreakerPermit;
use crate::engine::module_log::{LogLevel, ModuleLog};
use crate::engine::{InvocationError, ModuleResponse};
use crate::http::error::BridgeError;
use crate::http::hygiene::{DroppedHeader, check_status, drop_response_headers};
use crate::http::pipeline::seal::ModuleAnswer;
use crate::http::pipeline::target::Target;

/// Turns what the invocation returned into the client's answer, reporting
/// the outcome to the breaker through `permit`.
pub(super) fn settle(
    outcome: Result<ModuleResponse, InvocationError>,
    permit: BreakerPermit,
    target: &Target,
    method: &Method,
    log: &ModuleLog,
) -> Result<Response, BridgeError> {
    let route = format!("http {method} {}", target.pattern);
    let tenant = &target.tenant;
    let module = target.module.as_str();
    let answer = match outcome {
        Ok(answer) => answer,
        // Host capacity, not the module failing: no breaker report.
        Err(error) if !error.is_module_fault() => {
            drop(permit);
            return Err(BridgeError::busy(module));
        }
        Err(error) => {
            permit.failed();
            tracing::warn!(%tenant, module, kind = error.kind(), "request failed: {error}");
            log.append(
                tenant.as_str(),
                LogLevel::Warn,
                &format!("{route} failed ({}): {error}", error.kind()),
            );
            return Err(failure_response(module, &error));
        }
    };
    let (mut parts, body) = answer.into_parts();
    let dropped = match check_status(parts.status)
        .and_then(|()| drop_response_headers(&mut parts.headers, &target.mount))
    {
        Ok(dropped) => dropped,
        Err(refused) => {
            permit.failed();
            tracing::warn!(%tenant, module, "response refused: {refused}");
            log.append(
                tenant.as_str(),
                LogLevel::Warn,
                &format!("{route}: response refused ({}): {refused}", refused.code()),
            );
            return Err(BridgeError::module_failed(
                StatusCode::BAD_GATEWAY,
                refused.code(),
                module,
            ));
        }
    };
    if parts.status.is_server_error() {
        permit.failed();
    } else {
        permit.succeeded();
    }
    if !dropped.is_empty() {
        let line = format!("{route}: response headers dropped: {}", describe(&dropped));
        tracing::debug!(module, "{line}");
        log.append(tenant.as_str(), LogLevel::Info, &line);
    }
    let mut response = Response::from_parts(parts, Body::from(body));
    response.extensions_mut().insert(ModuleAnswer);
    Ok(response)
}

/// `set-cookie (cookie), expires (shared-cache)` for the module log.
fn describe(dropped: &[DroppedHeader]) -> String {
    dropped
        .iter()
        .map(|header| format!("{} ({})", header.name, header.class.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How a failed invocation is answered. Internals stay in the log.
fn failure_response(module: &str, error: &InvocationError) -> BridgeError {
    let (status, code) = match error {
        InvocationError::DeadlineExceeded { .. } => (StatusCode::GATEWAY_TIMEOUT, "timeout"),
        InvocationError::FuelExhausted { .. } | InvocationError::OutOfMemory { .. } => {
            (StatusCode::SERVICE_UNAVAILABLE, "budget-exhausted")
        }
        InvocationError::ResourceLimit { .. } => {
            (StatusCode::SERVICE_UNAVAILABLE, "resource-limit")
        }
        InvocationError::Protocol { .. } => (StatusCode::BAD_GATEWAY, "protocol"),
        InvocationError::Host { .. } => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        _ => (StatusCode::BAD_GATEWAY, "handler-error"),
    };
    BridgeError::module_failed(status, code, module)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use bytes::Bytes;

    use crate::breaker::{BreakerConfig, BreakerStatus, CircuitBreaker};
    use crate::engine::BusyShare;
    use crate::engine::module_log::LogLimits;

    use super::*;

    /// A breaker that one failure opens.
    fn breaker() -> CircuitBreaker {
        CircuitBreaker::new(&BreakerConfig {
            failure_threshold: 1,
            reset_after: Duration::from_secs(60),
        })
    }

    fn is_open(breaker: &CircuitBreaker) -> bool {
        matches!(breaker.status(), BreakerStatus::Open { .. })
    }

    fn answer(status: u16, headers: &[(&str, &str)]) -> Result<ModuleResponse, InvocationError> {
        let mut response = http::Response::builder().status(status);
        for (name, value) in headers {
            response = response.header(*name, *value);
        }
        Ok(response.body(Bytes::from_static(b"answer")).unwrap())
    }

    fn settled(
        outcome: Result<ModuleResponse, InvocationError>,
    ) -> (Result<Response, BridgeError>, bool, Vec<String>) {
        let breaker = breaker();
        let log = ModuleLog::new(LogLimits::default());
        let result = settle(
            outcome,
            breaker.admit().unwrap(),
            &Target::example(),
            &Method::GET,
            &log,
        );
        let lines = log.lines().into_iter().map(|line| line.message).collect();
        (result, is_open(&breaker), lines)
    }

    #[test]
    fn a_good_answer_passes_marked_as_the_module_s_and_keeps_the_breaker_closed() {
        let (result, open, lines) = settled(answer(200, &[("content-type", "text/plain")]));
        let response = result.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/plain");
        assert!(response.extensions().get::<ModuleAnswer>().is_some());
        assert!(!open && lines.is_empty());
    }

    #[test]
    fn a_5xx_answer_reaches_the_client_and_counts_against_the_breaker() {
        let (result, open, _) = settled(answer(503, &[]));
        assert_eq!(result.unwrap().status(), 503);
        assert!(open);
    }

    #[test]
    fn a_4xx_answer_does_not_count() {
        let (result, open, _) = settled(answer(404, &[]));
        assert_eq!(result.unwrap().status(), 404);
        assert!(!open);
    }

    #[test]
    fn dropped_headers_are_said_in_the_module_log() {
        let (result, _, lines) = settled(answer(200, &[("set-cookie", "s=1"), ("x-kept", "1")]));
        let response = result.unwrap();
        assert!(response.headers().get("set-cookie").is_none());
        assert_eq!(
            lines,
            ["http GET /items/{id}: response headers dropped: set-cookie (cookie)"]
        );
    }

    #[test]
    fn a_malformed_answer_is_refused_whole_logged_and_counted() {
        let (result, open, lines) = settled(answer(200, &[("set_cookie", "s=1")]));
        let refused = result.unwrap_err();
        assert_eq!((refused.status.as_u16(), refused.code), (502, "protocol"));
        assert!(open);
        assert!(
            lines[0].starts_with("http GET /items/{id}: response refused (protocol): "),
            "{lines:?}"
        );
        let (result, open, _) = settled(answer(101, &[]));
        assert_eq!(result.unwrap_err().code, "protocol");
        assert!(open);
    }

    #[test]
    fn a_failed_invocation_is_answered_by_code_logged_and_counted() {
        let trap = InvocationError::Trap {
            module: "wishlist".into(),
            trap: "unreachable".into(),
        };
        let (result, open, lines) = settled(Err(trap));
        let refused = result.unwrap_err();
        assert_eq!(
            (refused.status.as_u16(), refused.code),
            (502, "handler-error")
        );
        assert!(
            !refused.message.contains("unreachable"),
            "internals stay in the log"
        );
        assert!(open);
        assert!(
            lines[0].starts_with("http GET /items/{id} failed (trap): "),
            "{lines:?}"
        );
    }

    #[test]
    fn busy_is_not_the_module_s_fault() {
        let busy = InvocationError::Busy {
            module: "wishlist".into(),
            limit: 4,
            share: BusyShare::Module,
        };
        let (result, open, lines) = settled(Err(busy));
        let refused = result.unwrap_err();
        assert_eq!(
            (refused.status.as_u16(), refused.code, refused.retry_after),
            (503, "busy", Some(1))
        );
        assert!(!open && lines.is_empty());
    }
}
