//! The last step, a layer around every route: what the host sets on every
//! answer the bridge gives, whoever wrote it — a module's response, slot
//! JSON, or a refusal from any step (the 429 of step 1 included).
//!
//! - `X-Content-Type-Options`, `X-Frame-Options` and the sandboxing
//!   `Content-Security-Policy` ([`set_protective_headers`]), replacing any
//!   value already there;
//! - `Cache-Control: no-store` on the host's own answers (a module's answer
//!   gets no caching directive: its own were dropped by class, and the host
//!   does not guess for it);
//! - `x-request-id`, the id this layer gave the request on its way in, which
//!   the module also received as `modgate-request-id`.
//!
//! Dropping a module's headers by class happens before, where its answer is
//! checked (`answer.rs`): that needs the module's mount and may refuse the
//! answer, which counts for its breaker.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderMap, HeaderName, HeaderValue, header};

use crate::http::hygiene::set_protective_headers;

/// The id of one request, given on its way in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RequestId(String);

impl RequestId {
    /// A new id (a ULID: unique, and sortable by time in the logs).
    pub fn generate() -> Self {
        RequestId(ulid::Ulid::generate().to_string())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Marks a response whose headers and body are a module's (checked and
/// cleaned by `answer.rs`), as opposed to one the host wrote.
#[derive(Debug, Clone, Copy)]
pub(super) struct ModuleAnswer;

/// The layer: gives the request its id, then seals whatever comes back.
pub(super) async fn seal(mut request: Request, next: Next) -> Response {
    let id = RequestId::generate();
    request.extensions_mut().insert(id.clone());
    let mut response = next.run(request).await;
    let from_module = response.extensions_mut().remove::<ModuleAnswer>().is_some();
    seal_headers(response.headers_mut(), &id, from_module);
    response
}

fn seal_headers(headers: &mut HeaderMap, id: &RequestId, from_module: bool) {
    set_protective_headers(headers);
    if !from_module {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Ok(value) = HeaderValue::from_str(id.as_str()) {
        headers.insert(HeaderName::from_static("x-request-id"), value);
    }
}

#[cfg(test)]
mod tests {
    use crate::http::hygiene::MODULE_CONTENT_SECURITY_POLICY;

    use super::*;

    fn sealed(from_module: bool, before: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in before {
            headers.append(*name, HeaderValue::from_static(value));
        }
        seal_headers(&mut headers, &RequestId("01TEST".to_owned()), from_module);
        headers
    }

    #[test]
    fn every_answer_gets_the_protective_headers_and_the_request_id() {
        for from_module in [true, false] {
            let headers = sealed(from_module, &[]);
            assert_eq!(headers["x-content-type-options"], "nosniff");
            assert_eq!(headers["x-frame-options"], "DENY");
            assert_eq!(
                headers["content-security-policy"],
                MODULE_CONTENT_SECURITY_POLICY
            );
            assert_eq!(headers["x-request-id"], "01TEST");
        }
    }

    #[test]
    fn values_already_there_are_replaced_not_added_to() {
        let headers = sealed(
            true,
            &[
                ("x-frame-options", "SAMEORIGIN"),
                ("x-request-id", "chosen-by-the-module"),
            ],
        );
        let frame: Vec<_> = headers.get_all("x-frame-options").iter().collect();
        assert_eq!(frame, ["DENY"]);
        let ids: Vec<_> = headers.get_all("x-request-id").iter().collect();
        assert_eq!(ids, ["01TEST"]);
    }

    #[test]
    fn only_the_host_s_own_answers_say_no_store() {
        assert_eq!(sealed(false, &[])["cache-control"], "no-store");
        assert!(sealed(true, &[]).get("cache-control").is_none());
    }

    #[test]
    fn request_ids_differ() {
        assert_ne!(RequestId::generate(), RequestId::generate());
    }
}
