//! The integrator's browser sessions through `ModuleBridge::with_sessions`:
//! the host asks the integrator's resolver, hands the module only the
//! verified customer id (never the cookie), and demands same-origin proof on
//! state-changing requests the session authenticates.

use std::sync::Arc;

use http::HeaderMap;
use modgate_host::engine::TenantId;
use modgate_host::http::session::cookie;
use modgate_host::http::{SessionRefused, SessionResolver};
use modgate_tests::acme;
use modgate_tests::http::{HttpHarness, code, http_harness_with_sessions, json, test_http_config};

use super::{PROBE_APPROVED, PROBE_MANIFEST, echoed};

/// Sessions as an integrator might keep them: `shop_session=<secret>`.
fn resolver(tenant: &TenantId, headers: &HeaderMap) -> Result<Option<String>, SessionRefused> {
    match cookie(headers, "shop_session") {
        None => Ok(None),
        Some("ada-secret") if tenant.as_str() == "acme" => Ok(Some("cu-ada".to_owned())),
        Some("broken-id") => Ok(Some("not a header-safe id".to_owned())),
        Some(_) => Err(SessionRefused("sign in again".to_owned())),
    }
}

async fn harness() -> HttpHarness {
    let sessions: Arc<dyn SessionResolver> = Arc::new(resolver);
    let h = http_harness_with_sessions(test_http_config(), sessions).await;
    h.install(&acme(), PROBE_MANIFEST, modgate_artifacts::HTTP_PROBE)
        .await;
    h.approve(&acme(), "http-probe", &PROBE_APPROVED).await;
    h
}

const ADA: &str = "shop_session=ada-secret; theme=dark";

#[test]
fn a_session_identifies_the_customer_and_its_cookie_never_reaches_the_module() {
    modgate_tests::run(async {
        let h = harness().await;
        let response = h
            .client
            .get(h.url("/modules/http-probe/echo"))
            .header("cookie", ADA)
            .send()
            .await
            .unwrap();
        let (status, _, body) = json(response).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(echoed(&body, "modgate-customer-id"), ["cu-ada"]);
        assert!(echoed(&body, "cookie").is_empty());
        assert!(!body.to_string().contains("ada-secret"), "{body}");

        let (status, _, body) = json(
            h.client
                .get(h.url("/modules/http-probe/echo"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200);
        assert!(
            echoed(&body, "modgate-customer-id").is_empty(),
            "no session: anonymous"
        );
    });
}

#[test]
fn a_refused_session_is_401_session_invalid() {
    modgate_tests::run(async {
        let h = harness().await;
        let response = h
            .client
            .get(h.url("/modules/http-probe/echo"))
            .header("cookie", "shop_session=forged")
            .send()
            .await
            .unwrap();
        let (status, _, body) = json(response).await;
        assert_eq!((status, code(&body)), (401, "session-invalid"));
        assert!(!body.to_string().contains("forged"), "{body}");
    });
}

#[test]
fn a_resolver_answer_that_cannot_be_a_header_is_a_host_error() {
    modgate_tests::run(async {
        let h = harness().await;
        let response = h
            .client
            .get(h.url("/modules/http-probe/echo"))
            .header("cookie", "shop_session=broken-id")
            .send()
            .await
            .unwrap();
        let (status, _, body) = json(response).await;
        assert_eq!((status, code(&body)), (500, "internal"));
    });
}

#[test]
fn a_bearer_token_takes_precedence_over_the_session_and_needs_no_origin_proof() {
    modgate_tests::run(async {
        let h = harness().await;
        let token = h.token("acme", "cu-1");
        let response = h
            .client
            .post(h.url("/modules/http-probe/echo"))
            .bearer_auth(&token)
            .header("cookie", ADA)
            .header("sec-fetch-site", "cross-site")
            .send()
            .await
            .unwrap();
        let (status, _, body) = json(response).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(echoed(&body, "modgate-customer-id"), ["cu-1"]);
    });
}

#[test]
fn state_changing_session_requests_must_come_from_the_same_origin() {
    modgate_tests::run(async {
        let h = harness().await;
        let post = |extra: &[(&str, String)]| {
            let mut request = h
                .client
                .post(h.url("/modules/http-probe/echo"))
                .header("cookie", ADA);
            for (name, value) in extra {
                request = request.header(*name, value);
            }
            request
        };
        let refused: Vec<Vec<(&str, String)>> = vec![
            vec![],
            vec![("sec-fetch-site", "cross-site".into())],
            vec![("sec-fetch-site", "same-site".into())],
            vec![("sec-fetch-site", "none".into())],
            vec![("origin", "null".into())],
            vec![("origin", "http://evil.test".into())],
            vec![
                ("sec-fetch-site", "cross-site".into()),
                ("origin", h.base.clone()),
            ],
        ];
        for extra in refused {
            let (status, _, body) = json(post(&extra).send().await.unwrap()).await;
            assert_eq!(
                (status, code(&body)),
                (403, "cross-site-request"),
                "{extra:?}"
            );
        }
        for extra in [
            vec![("sec-fetch-site", "same-origin".to_owned())],
            vec![("origin", h.base.clone())],
        ] {
            let (status, _, body) = json(post(&extra).send().await.unwrap()).await;
            assert_eq!(status, 200, "{extra:?}: {body}");
            assert_eq!(echoed(&body, "modgate-customer-id"), ["cu-ada"]);
        }
        // Reading needs no proof; an anonymous write has no session to forge.
        let response = h
            .client
            .get(h.url("/modules/http-probe/echo"))
            .header("cookie", ADA)
            .header("sec-fetch-site", "cross-site")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let response = h
            .client
            .post(h.url("/modules/http-probe/echo"))
            .header("origin", "null")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
    });
}
