//! Operator authentication: `Authorization: Bearer <operator token>`,
//! compared in constant time against each configured operator. The
//! customer JWT of the storefront is never accepted here (it is not an
//! operator token). The matched operator's name is who the audit log says
//! acted for everything the request changes.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

use super::AdminApi;
use super::error::ApiError;
use crate::lifecycle::acting_as;

/// Authenticates the request, then runs it as its operator.
pub(super) async fn require_operator(State(api): State<Arc<AdminApi>>, request: Request, next: Next) -> Response {
    match operator_of(&api, request.headers()) {
        Ok(name) => acting_as(format!("operator:{name}"), next.run(request)).await,
        Err(refusal) => refusal.into_response(),
    }
}

/// The operator whose token the request carries.
fn operator_of(api: &AdminApi, headers: &HeaderMap) -> Result<String, ApiError> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(given) = given else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "operator-token-required",
            "send Authorization: Bearer <operator token>",
        ));
    };
    // Every operator is compared, so the time taken does not say which
    // (or whether any) token shares a prefix with the one given.
    let mut matched = None;
    for operator in &api.config.operators {
        if constant_time_eq(given.as_bytes(), operator.token.as_bytes()) && matched.is_none() {
            matched = Some(operator.name.clone());
        }
    }
    matched.ok_or_else(|| {
        ApiError::new(StatusCode::UNAUTHORIZED, "operator-token-invalid", "the token is not an operator token of this host")
    })
}

/// Compares secrets without leaking where they differ (the storefront's
/// own operator endpoints use it too).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
