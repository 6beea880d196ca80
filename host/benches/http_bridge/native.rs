//! The two handlers written natively in axum, doing what the guests do: the
//! same token verification, the same SQL on the same table, the same JSON.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use modgate_host::http::identity::{IdentityVerifier, VerifiedCustomer};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

struct Native {
    db: DatabaseConnection,
    verifier: IdentityVerifier,
}

/// `/items` (the wishlist's list) and `/hello` (the echo of
/// `conformance-serve`).
pub fn router(db: DatabaseConnection, verifier: IdentityVerifier) -> Router {
    let native = Arc::new(Native { db, verifier });
    Router::new()
        .route("/items", get(items))
        .route("/hello", get(echo))
        .with_state(native)
}

fn customer(native: &Native, headers: &HeaderMap) -> Option<VerifiedCustomer> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))?;
    native.verifier.verify(token).ok()
}

async fn items(State(native): State<Arc<Native>>, headers: HeaderMap) -> Response {
    let Some(customer) = customer(&native, &headers) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let statement = Statement::from_sql_and_values(
        DbBackend::Sqlite,
        "SELECT product_id, note, created_at FROM acme__mod_wishlist_items WHERE customer_id = ? ORDER BY created_at DESC LIMIT 500",
        [customer.customer_id.into()],
    );
    let rows = match native.db.query_all_raw(statement).await {
        Ok(rows) => rows,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let items: Vec<serde_json::Value> = rows
        .iter()
        .map(|row| {
            serde_json::json!({
                "product_id": row.try_get::<String>("", "product_id").ok(),
                "note": row.try_get::<Option<String>>("", "note").ok().flatten(),
                "added_at": row.try_get::<String>("", "created_at").ok(),
            })
        })
        .collect();
    axum::Json(serde_json::json!({ "items": items })).into_response()
}

async fn echo(State(native): State<Arc<Native>>, headers: HeaderMap) -> Response {
    let customer = customer(&native, &headers);
    let body = serde_json::json!({
        "method": "GET",
        "path": "/hello",
        "query": null,
        "customer": customer.as_ref().map(|c| c.customer_id.as_str()),
        "tenant": "acme",
        "route": "GET /hello",
        "body_bytes": 0,
    });
    ([("x-conformance", "serve")], axum::Json(body)).into_response()
}
