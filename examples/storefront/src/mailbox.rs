//! The operator's mailbox page (`/admin/mailbox`): the mail the modules
//! sent for the request's tenant, newest first — with no relay configured,
//! the demo's local mailbox. It shows customers' addresses, so it is the
//! operator's alone: a browser signs in by posting the operator token to
//! `/admin/session`, which sets an `HttpOnly`, `SameSite=Strict` cookie
//! scoped to `/admin`; curl sends `Authorization: Bearer`. Everything a
//! module wrote (subject, text) is escaped, and the page runs no script.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use modgate_host::http::session::cookie;
use modgate_host::mail::mailbox::{self, MailFilter};

use crate::admin::{AdminState, constant_time_eq};
use crate::page::escape;

/// The operator session cookie's name.
const OPERATOR_COOKIE: &str = "mg_operator";
/// Messages the page shows at most.
const SHOWN: u32 = 50;
/// No script, no external resource, no framing; inline style only.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// `/admin/mailbox` and `/admin/session`.
pub fn router(state: Arc<AdminState>) -> Router {
    Router::new()
        .route("/admin/mailbox", get(mailbox_page))
        .route("/admin/session", post(sign_in))
        .with_state(state)
}

async fn mailbox_page(State(state): State<Arc<AdminState>>, headers: HeaderMap) -> Response {
    if !is_operator(&state, &headers) {
        return page(StatusCode::UNAUTHORIZED, SIGN_IN.to_owned());
    }
    let Some(tenant) = state.bridge.tenant_for(&headers) else {
        return page(StatusCode::NOT_FOUND, "<p>No tenant is served on this host name.</p>".to_owned());
    };
    let filter = MailFilter { tenant: Some(tenant.as_str().to_owned()), limit: Some(SHOWN), ..MailFilter::default() };
    let messages = match mailbox::read(&state.storage, &filter).await {
        Ok(messages) => messages,
        Err(e) => {
            tracing::error!(code = e.code(), "mailbox page: {e}");
            return page(StatusCode::INTERNAL_SERVER_ERROR, "<p>The mailbox could not be read.</p>".to_owned());
        }
    };
    let mut body = format!("<h1>Mailbox of {}</h1>", escape(tenant.as_str()));
    if messages.is_empty() {
        body.push_str("<p>No mail yet. Drop a price a customer keeps on their wishlist, then reload.</p>");
    }
    for message in messages {
        let summary = &message.summary;
        body.push_str(&format!(
            "<article><h2>{subject}</h2><p class=meta>To <b>{to}</b> · from module <b>{module}</b> · {state}{via} · queued {at}</p><pre>{text}</pre></article>",
            subject = escape(&summary.subject),
            to = escape(&summary.to),
            module = escape(&summary.module),
            state = escape(&summary.state),
            via = summary.via.as_ref().map(|via| format!(" via {}", escape(via))).unwrap_or_default(),
            at = escape(&summary.queued_at),
            text = escape(&message.body),
        ));
    }
    page(StatusCode::OK, body)
}

/// Checks the posted token and sets the operator cookie.
async fn sign_in(State(state): State<Arc<AdminState>>, body: Bytes) -> Response {
    let given = std::str::from_utf8(&body)
        .ok()
        .and_then(|form| form.split('&').find_map(|pair| pair.strip_prefix("token=")))
        .unwrap_or_default();
    if !constant_time_eq(given.trim().as_bytes(), state.token.as_bytes()) {
        return page(StatusCode::UNAUTHORIZED, format!("<p>That is not this storefront's operator token.</p>{SIGN_IN}"));
    }
    let mut response = Redirect::to("/admin/mailbox").into_response();
    let cookie = format!("{OPERATOR_COOKIE}={}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=28800", state.token);
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

fn is_operator(state: &AdminState, headers: &HeaderMap) -> bool {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    let given = bearer.or_else(|| cookie(headers, OPERATOR_COOKIE));
    given.is_some_and(|given| constant_time_eq(given.trim().as_bytes(), state.token.as_bytes()))
}

const SIGN_IN: &str = "<h1>Operator sign-in</h1><p>The mailbox shows customers' addresses: paste the operator token the storefront printed at start (also in <code>operator.token</code> in its data folder).</p>\
<form method=post action=/admin/session><input name=token type=password autocomplete=off size=50> <button>Sign in</button></form>";

fn page(status: StatusCode, body: String) -> Response {
    let html = format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Mailbox · modgate storefront</title>\
         <style>body{{font:15px system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}}article{{border:1px solid #ccc;border-radius:6px;padding:0 1rem;margin:1rem 0}}.meta{{color:#555}}pre{{white-space:pre-wrap}}</style>\
         </head><body>{body}</body></html>"
    );
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
