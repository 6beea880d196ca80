//! The operator's web page under `/admin/`: static files (`page/`: the
//! HTML, the stylesheet, `app.js` and the modules it imports),
//! compiled into the binary, served without authentication because they
//! hold no data. The page asks the operator for the token, keeps it in
//! `sessionStorage` and calls the API with it as a bearer header; every
//! figure it shows comes from the API.
//!
//! Security reasoning: module names, descriptions, manifests and settings
//! are untrusted text, so the page builds its DOM with `textContent` only,
//! and these responses carry a policy under which nothing but the page's
//! own script and style can run or load ([`CONTENT_SECURITY_POLICY`]): an
//! injected `<script>` or inline handler would not run, the page cannot be
//! framed (clickjacking the approve buttons), forms cannot post anywhere,
//! and no referrer leaves. No module code or markup is ever shown on it.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

/// The policy of every page response: the page's own script, style and
/// API calls only; `data:` images for the favicon; no forms, frames or
/// base URL.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
     img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

const INDEX_HTML: &str = include_str!("page/index.html");
const APP_CSS: &str = include_str!("page/app.css");

/// The page's script: `app.js` and the modules it imports, each served as
/// `/admin/<name>`.
const SCRIPTS: [(&str, &str); 5] = [
    ("app.js", include_str!("page/app.js")),
    ("dom.js", include_str!("page/dom.js")),
    ("settings-form.js", include_str!("page/settings-form.js")),
    ("charts.js", include_str!("page/charts.js")),
    ("hot-reload.js", include_str!("page/hot-reload.js")),
];

/// The page's routes: `/admin/` (and `/admin` redirecting to it), its
/// scripts and `/admin/app.css`.
pub(super) fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let mut routes = Router::new()
        .route("/admin", get(|| async { Redirect::permanent("/admin/") }))
        .route("/admin/", get(|| async { file("text/html; charset=utf-8", INDEX_HTML) }))
        .route("/admin/app.css", get(|| async { file("text/css; charset=utf-8", APP_CSS) }));
    for (name, script) in SCRIPTS {
        routes = routes.route(&format!("/admin/{name}"), get(move || async move { file("text/javascript; charset=utf-8", script) }));
    }
    routes.layer(axum::middleware::map_response(with_page_headers))
}

fn file(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// The policy headers, on every answer of these routes (the redirect and a
/// refused method included).
async fn with_page_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Attributes such as `onclick=` in `html`.
    fn inline_handlers(html: &str) -> Vec<&str> {
        html.split(|c: char| c.is_whitespace() || c == '<')
            .filter(|word| {
                word.split_once('=').is_some_and(|(name, _)| {
                    name.len() > 2
                        && name.starts_with("on")
                        && name.chars().all(|c| c.is_ascii_lowercase())
                })
            })
            .collect()
    }

    #[test]
    fn the_page_has_no_inline_script_or_style() {
        for forbidden in ["<script>", "<style", "style=", "javascript:"] {
            assert!(
                !INDEX_HTML.contains(forbidden),
                "index.html contains {forbidden:?}"
            );
        }
        assert_eq!(inline_handlers(INDEX_HTML), Vec::<&str>::new());
        assert!(INDEX_HTML.contains(r#"<script type="module" src="/admin/app.js"></script>"#));
    }

    #[test]
    fn the_script_never_writes_markup() {
        for forbidden in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function",
        ] {
            for (name, script) in SCRIPTS {
                assert!(!script.contains(forbidden), "{name} uses {forbidden}");
            }
        }
    }
}
