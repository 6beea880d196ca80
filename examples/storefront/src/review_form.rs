//! `POST /products/{product}/reviews`: a customer posts a review
//! (`rating` 1-5 and `body`, form-encoded) through [`ShopReviews::post`].
//!
//! Two kinds of client:
//! - A browser sends a card's form with the session cookie. Browsers attach
//!   cookies to requests other sites start too, so the request must prove
//!   it comes from the shop's own page — the host's same-origin rule
//!   ([`check_same_origin`]: `Sec-Fetch-Site: same-origin`, or an `Origin`
//!   naming this host), on top of the cookie's `SameSite=Strict`. The answer
//!   is the page: a redirect to it with a thank-you, or the page again with
//!   the refusal's messages and the customer's draft in the form.
//! - An API client (curl) sends `Authorization: Bearer`, which a browser
//!   never attaches by itself (so no origin check), and gets JSON: `201
//!   {"review": …}` or `{"error": {"code", "messages", "module"?}}`.
//!
//! [`ShopReviews::post`]: crate::reviews::ShopReviews::post

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path as UrlPath, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use modgate_host::engine::TenantId;
use modgate_host::http::SessionResolver;
use modgate_host::http::csrf::check_same_origin;
use serde_json::json;

use crate::front::{FrontState, page_response};
use crate::page::{ReviewNotice, ReviewOutcome};
use crate::reviews::{ReviewDraft, ReviewRefused};

/// The form's fields, as sent. Missing or malformed values are not refused
/// here: the shop's checks answer them with a message the customer can act on.
#[derive(Debug, serde::Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    rating: String,
    #[serde(default)]
    body: String,
}

/// Handles the form (see the module doc).
pub async fn post_review(
    State(state): State<Arc<FrontState>>,
    UrlPath(product_id): UrlPath<String>,
    headers: HeaderMap,
    form: Result<Form<ReviewForm>, FormRejection>,
) -> Response {
    let Some(tenant) = state.bridge.tenant_for(&headers) else {
        return (
            StatusCode::NOT_FOUND,
            "no tenant is served on this host name",
        )
            .into_response();
    };
    let bearer = bearer_token(&headers);
    if bearer.is_none()
        && let Err(refused) = check_same_origin(&Method::POST, &headers)
    {
        return (
            StatusCode::FORBIDDEN,
            format!("{}: {}", refused.code, refused.message),
        )
            .into_response();
    }
    let Ok(Form(form)) = form else {
        let why = "send rating and body form-encoded (application/x-www-form-urlencoded)";
        return (StatusCode::BAD_REQUEST, format!("invalid-form: {why}")).into_response();
    };
    let draft = ReviewDraft {
        product_id,
        // Not a number: 0, which the shop's rating check refuses with its message.
        rating: form.rating.trim().parse().unwrap_or(0),
        body: form.body,
    };
    match bearer {
        Some(token) => from_api_client(&state, &tenant, token, draft).await,
        None => from_browser(&state, &tenant, &headers, draft).await,
    }
}

async fn from_api_client(
    state: &FrontState,
    tenant: &TenantId,
    token: &str,
    draft: ReviewDraft,
) -> Response {
    let customer = match state.sessions.verify(tenant, token) {
        Ok(customer) => customer,
        Err(refused) => {
            let error = json!({ "code": "token-invalid", "messages": [refused.0] });
            return (StatusCode::UNAUTHORIZED, Json(json!({ "error": error }))).into_response();
        }
    };
    match state.reviews.post(tenant, &customer, draft).await {
        Ok(review) => (StatusCode::CREATED, Json(json!({ "review": review }))).into_response(),
        Err(refused) => {
            log(tenant, &refused);
            let mut error = json!({ "code": refused.code(), "messages": refused.messages() });
            if let ReviewRefused::Rejected(rejection) = &refused {
                error["module"] = rejection.module.clone().into();
            }
            (status(&refused), Json(json!({ "error": error }))).into_response()
        }
    }
}

async fn from_browser(
    state: &FrontState,
    tenant: &TenantId,
    headers: &HeaderMap,
    draft: ReviewDraft,
) -> Response {
    let product_id = draft.product_id.clone();
    let refused = |messages: Vec<String>, rating: i64, body: String| ReviewNotice {
        product_id: product_id.clone(),
        outcome: ReviewOutcome::Refused {
            messages,
            rating,
            body,
        },
    };
    let Ok(Some(customer)) = state.sessions.customer(tenant, headers) else {
        let notice = refused(
            vec!["Sign in to post a review.".to_owned()],
            draft.rating,
            draft.body,
        );
        return page_response(state, headers, StatusCode::UNAUTHORIZED, Some(notice)).await;
    };
    let (rating, body) = (draft.rating, draft.body.clone());
    match state.reviews.post(tenant, &customer, draft).await {
        // Post/redirect/get: a reload does not post the review again.
        Ok(_) => {
            let product = url_component(&product_id);
            Redirect::to(&format!("/?reviewed={product}#product-{product}")).into_response()
        }
        Err(error) => {
            log(tenant, &error);
            let notice = refused(error.messages(), rating, body);
            page_response(state, headers, status(&error), Some(notice)).await
        }
    }
}

/// The token of `Authorization: Bearer <token>`, if that is how the client
/// authenticates.
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
}

fn status(refused: &ReviewRefused) -> StatusCode {
    match refused {
        ReviewRefused::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        // The check could not run: try again later, nothing to correct.
        ReviewRefused::Rejected(rejection) if rejection.failed => StatusCode::SERVICE_UNAVAILABLE,
        ReviewRefused::Rejected(_) => StatusCode::UNPROCESSABLE_ENTITY,
        ReviewRefused::NoSuchProduct(_) => StatusCode::NOT_FOUND,
        ReviewRefused::UnknownCustomer(_) => StatusCode::FORBIDDEN,
        ReviewRefused::Hooks(_) | ReviewRefused::Database(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn log(tenant: &TenantId, refused: &ReviewRefused) {
    match refused {
        ReviewRefused::Hooks(_) | ReviewRefused::Database(_) => {
            tracing::error!(%tenant, code = refused.code(), "posting a review: {refused}");
        }
        _ => tracing::info!(%tenant, code = refused.code(), "review refused: {refused}"),
    }
}

/// Percent-encodes all but unreserved characters, for a redirect URL.
fn url_component(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_carry_the_product_id_encoded() {
        assert_eq!(url_component("espresso-cup"), "espresso-cup");
        assert_eq!(url_component("a b#c&d"), "a%20b%23c%26d");
    }
}
