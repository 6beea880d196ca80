//! The shop operator's endpoints: change a price or a stock level, mark an
//! order paid. Each change raises its core events in the same transaction
//! ([`crate::changes`]); subscribed modules (the wishlist's price-drop
//! digest) hear about it within moments.
//!
//! Authenticated by the operator token kept in the data folder
//! (`operator.token`, printed at start) as `Authorization: Bearer <token>`,
//! compared in constant time. Bodies are small JSON objects.

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
pub(crate) use modgate_host::admin::constant_time_eq;
use modgate_host::engine::TenantId;
use modgate_host::http::ModuleBridge;
use modgate_host::storage::Storage;
use serde_json::json;

use crate::changes::{Change, ChangeError, ShopChanges};

/// Largest request body the endpoints read.
const MAX_BODY_BYTES: usize = 1024;

/// What the operator endpoints need.
pub struct AdminState {
    /// The shop's writes.
    pub changes: ShopChanges,
    /// Which tenant a request is for (by its host).
    pub bridge: Arc<ModuleBridge>,
    /// The operator token.
    pub token: String,
    /// The database (the mailbox page reads the mail outbox).
    pub storage: Storage,
}

/// The operator token of this data folder, created on first start.
pub fn load_or_create_operator_token(data_dir: &Path) -> anyhow::Result<String> {
    let path = data_dir.join("operator.token");
    if let Ok(text) = std::fs::read_to_string(&path) {
        return Ok(text.trim().to_owned());
    }
    let mut secret = [0u8; 24];
    getrandom::fill(&mut secret).map_err(|e| anyhow::anyhow!("no system randomness: {e}"))?;
    let token = hex::encode(secret);
    crate::auth::write_secret_file(&path, &token)?;
    Ok(token)
}

/// `/admin/…`.
pub fn router(state: Arc<AdminState>) -> Router {
    Router::new()
        .route("/admin/products/{product}/price", post(set_price))
        .route("/admin/products/{product}/stock", post(set_stock))
        .route("/admin/orders/{order}/paid", post(mark_paid))
        .with_state(state)
}

async fn set_price(
    State(state): State<Arc<AdminState>>,
    UrlPath(product): UrlPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refusal> {
    let tenant = authorize(&state, &headers)?;
    let price = integer(&body, "price_minor")?;
    Ok(answer(state.changes.set_price(&tenant, &product, price).await))
}

async fn set_stock(
    State(state): State<Arc<AdminState>>,
    UrlPath(product): UrlPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refusal> {
    let tenant = authorize(&state, &headers)?;
    let stock = integer(&body, "stock")?;
    Ok(answer(state.changes.set_stock(&tenant, &product, stock).await))
}

async fn mark_paid(
    State(state): State<Arc<AdminState>>,
    UrlPath(order): UrlPath<String>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let tenant = authorize(&state, &headers)?;
    Ok(answer(state.changes.mark_paid(&tenant, &order).await))
}

/// The request's tenant, once the operator token checks out.
fn authorize(state: &AdminState, headers: &HeaderMap) -> Result<TenantId, Refusal> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    let Some(given) = given else {
        return Err(refuse(StatusCode::UNAUTHORIZED, "operator-token-required", "send Authorization: Bearer $OPERATOR_TOKEN"));
    };
    if !constant_time_eq(given.trim().as_bytes(), state.token.as_bytes()) {
        return Err(refuse(StatusCode::UNAUTHORIZED, "operator-token-invalid", "the operator token does not match this storefront's"));
    }
    state
        .bridge
        .tenant_for(headers)
        .ok_or_else(|| refuse(StatusCode::NOT_FOUND, "unknown-tenant", "no tenant is served on this host name"))
}

/// The integer `field` of a JSON object body.
fn integer(body: &[u8], field: &str) -> Result<i64, Refusal> {
    let invalid = || refuse(StatusCode::BAD_REQUEST, "invalid-body", &format!("send a JSON object like {{\"{field}\": 990}}"));
    if body.len() > MAX_BODY_BYTES {
        return Err(invalid());
    }
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|_| invalid())?;
    value.get(field).and_then(serde_json::Value::as_i64).ok_or_else(invalid)
}

fn answer(result: Result<Change, ChangeError>) -> Response {
    match result {
        Ok(change) => (StatusCode::OK, axum::Json(change)).into_response(),
        Err(error) => {
            let status = match &error {
                ChangeError::NoSuchProduct { .. } | ChangeError::NoSuchOrder { .. } => StatusCode::NOT_FOUND,
                ChangeError::NotPending { .. } => StatusCode::CONFLICT,
                ChangeError::Invalid(_) => StatusCode::BAD_REQUEST,
                ChangeError::Event(_) | ChangeError::Database(_) => {
                    tracing::error!("operator change failed: {error}");
                    StatusCode::INTERNAL_SERVER_ERROR
                }
            };
            refuse(status, error.code(), &error.to_string()).into_response()
        }
    }
}

/// A refused operator request: its status, stable code and message.
struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (self.status, axum::Json(json!({ "error": self.code, "message": self.message }))).into_response()
    }
}

fn refuse(status: StatusCode, code: &'static str, message: &str) -> Refusal {
    Refusal {
        status,
        code,
        message: message.to_owned(),
    }
}
