//! `GET /api/v1/admin/openapi.json`: the API's OpenAPI 3.1 document. It is
//! written by hand next to the handlers and held to them by
//! `tests/admin/openapi.rs`, which calls every documented operation on a real
//! host and validates each answer against the documented schema, and fails
//! on a route the document does not list.

use axum::http::header;
use axum::response::IntoResponse;

/// The document, as served.
pub const OPENAPI_DOCUMENT: &str = include_str!("openapi.json");

pub(super) async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI_DOCUMENT)
}
