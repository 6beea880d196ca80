//! The customer-facing routes: the storefront page, the demo's sign-in and
//! sign-out, and posting a review ([`crate::review_form`]).

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use modgate_host::engine::TenantId;
use modgate_host::hooks::{DataHooks, HookTarget};
use modgate_host::http::{ModuleBridge, SessionResolver};
use modgate_manifest::Slot;

use crate::auth::{self, CookieSessions};
use crate::catalog::{CUSTOMERS, Catalog, ShopProduct};
use crate::hookable::{self, PRODUCT, Rating};
use crate::page::{self, Card, PageModel, ReviewNotice, ReviewOutcome};
use crate::review_form;
use crate::reviews::ShopReviews;

/// What the customer-facing routes share.
pub struct FrontState {
    /// Tenants by host name, slot widgets.
    pub bridge: Arc<ModuleBridge>,
    /// The demo's cookie sessions.
    pub sessions: Arc<CookieSessions>,
    /// The catalogue.
    pub catalog: Catalog,
    /// The customers' reviews.
    pub reviews: ShopReviews,
    /// The data hooks (the page's `after-read product`).
    pub hooks: DataHooks,
    /// The token-signing secret (sign-in).
    pub secret: Vec<u8>,
}

/// `/`, `/login/{customer}`, `/logout` and `POST /products/{product}/reviews`.
pub fn router(state: Arc<FrontState>) -> Router {
    Router::new()
        .route("/", get(storefront_page))
        .route("/login/{customer}", get(login))
        .route("/logout", get(logout))
        .route(
            "/products/{product}/reviews",
            post(review_form::post_review),
        )
        .with_state(state)
}

/// The page's query: `?reviewed=<product>` after a review was posted.
#[derive(serde::Deserialize)]
struct PageQuery {
    reviewed: Option<String>,
}

async fn storefront_page(
    State(state): State<Arc<FrontState>>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let notice = query.reviewed.map(|product_id| ReviewNotice {
        product_id,
        outcome: ReviewOutcome::Posted,
    });
    page_response(&state, &headers, StatusCode::OK, notice).await
}

/// The storefront page for the request's tenant and session, with `notice`,
/// as a response with the page's security headers.
pub(crate) async fn page_response(
    state: &FrontState,
    headers: &HeaderMap,
    status: StatusCode,
    notice: Option<ReviewNotice>,
) -> Response {
    match render_page(state, headers, notice).await {
        Ok(html) => {
            let mut response = (status, Html(html)).into_response();
            let headers = response.headers_mut();
            if let Ok(csp) = HeaderValue::from_str(&page::CSP) {
                headers.insert(header::CONTENT_SECURITY_POLICY, csp);
            }
            headers.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
            response
        }
        Err(e) => {
            tracing::error!("rendering the storefront: {e:#}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the storefront could not render",
            )
                .into_response()
        }
    }
}

async fn render_page(
    state: &FrontState,
    headers: &HeaderMap,
    notice: Option<ReviewNotice>,
) -> anyhow::Result<String> {
    let tenant = state
        .bridge
        .tenant_for(headers)
        .ok_or_else(|| anyhow::anyhow!("no tenant for this host"))?;
    // The page's sign-in is the demo's HttpOnly session cookie, verified by
    // the same resolver the bridge uses; a refused one shows signed out.
    let customer = state.sessions.customer(&tenant, headers).ok().flatten();
    let customer_id = customer.as_deref();
    let products = state.catalog.products_for_page(&tenant).await?;
    let ratings = ratings(&state.hooks, &tenant, customer_id, &products).await;
    let mut cards = Vec::new();
    for (product, rating) in products.into_iter().zip(ratings) {
        let badges = state
            .bridge
            .slot_widgets(&tenant, Slot::ProductCardBadges, Some(&product.id), customer_id)
            .await;
        let actions = state
            .bridge
            .slot_widgets(&tenant, Slot::ProductCardActions, Some(&product.id), customer_id)
            .await;
        cards.push(Card {
            product,
            badges,
            actions,
            rating,
        });
    }
    let display = customer_id.and_then(|id| {
        CUSTOMERS
            .iter()
            .find(|c| c.0 == tenant.as_str() && c.1 == id)
            .map(|c| c.2)
    });
    let model = PageModel {
        tenant: tenant.as_str(),
        customer: display,
        sign_in_as: CUSTOMERS
            .iter()
            .filter(|c| c.0 == tenant.as_str())
            .map(|c| (c.1, c.2))
            .collect(),
        cards,
        notice,
    };
    Ok(page::render(&model))
}

/// The rating of each product (in order) as the `after-read product` hooks
/// filled it in. A page without ratings beats no page: when the hooks
/// cannot run, every product shows none.
async fn ratings(
    hooks: &DataHooks,
    tenant: &TenantId,
    customer: Option<&str>,
    products: &[ShopProduct],
) -> Vec<Option<Rating>> {
    let records = products.iter().map(hookable::product_record).collect();
    let target = HookTarget::new(tenant, PRODUCT);
    let target = match customer {
        Some(customer) => target.for_customer(customer),
        None => target,
    };
    match hooks.after_read(&target, records).await {
        Ok(read) => read.rows.iter().map(Rating::of).collect(),
        Err(e) => {
            tracing::error!(%tenant, code = e.code(), "after-read product hooks: {e}");
            vec![None; products.len()]
        }
    }
}

async fn login(
    State(state): State<Arc<FrontState>>,
    UrlPath(customer): UrlPath<String>,
    headers: HeaderMap,
) -> Response {
    let Some(tenant) = state.bridge.tenant_for(&headers) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !CUSTOMERS
        .iter()
        .any(|c| c.0 == tenant.as_str() && c.1 == customer)
    {
        return (StatusCode::NOT_FOUND, "no such demo customer").into_response();
    }
    match auth::customer_token(&state.secret, &tenant, &customer) {
        Ok(token) => {
            let mut response = Redirect::to("/").into_response();
            if let Ok(value) = HeaderValue::from_str(&auth::session_cookie(&token)) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            response
        }
        Err(e) => {
            tracing::error!("{e:#}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

async fn logout() -> Response {
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static(auth::CLEAR_SESSION_COOKIE),
    );
    response
}
