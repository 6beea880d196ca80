//! Only declared and approved routes answer; everything else is the same
//! 404 as a module that does not exist. A new version starts unapproved.

use modgate_artifacts::HTTP_PROBE;
use modgate_host::lifecycle::RouteSelection;
use modgate_tests::acme;
use modgate_tests::http::{code, json};

use super::{PROBE_MANIFEST, probe_harness};

async fn get(h: &modgate_tests::http::HttpHarness, path: &str) -> (u16, serde_json::Value) {
    let (status, _, body) = json(h.client.get(h.url(path)).send().await.unwrap()).await;
    (status, body)
}

#[test]
fn unapproved_undeclared_and_missing_routes_answer_the_same_404() {
    modgate_tests::run(async {
        let h = probe_harness().await;
        let (status, missing_module) = get(&h, "/modules/no-such-module/echo").await;
        assert_eq!((status, code(&missing_module)), (404, "not-found"));
        for path in [
            "/modules/http-probe/unapproved",
            "/modules/http-probe/undeclared",
            "/modules/http-probe",
            "/modules/http-probe/echo/",
            "/modules/NOT_A_NAME/echo",
        ] {
            assert_eq!(get(&h, path).await, (404, missing_module.clone()), "{path}");
        }
        // A declared method only: DELETE /echo is not declared.
        let response = h.client.delete(h.url("/modules/http-probe/echo")).send().await.unwrap();
        let (status, _, body) = json(response).await;
        assert_eq!((status, body), (404, missing_module.clone()));
        // A tenant where the module is not installed (globex).
        let response = h
            .client
            .get(h.url("/modules/http-probe/echo"))
            .header("host", modgate_tests::http::GLOBEX_HOST)
            .send()
            .await
            .unwrap();
        let (status, _, body) = json(response).await;
        assert_eq!((status, body), (404, missing_module));
    });
}

#[test]
fn approving_opens_a_route_and_revoking_closes_it() {
    modgate_tests::run(async {
        let h = probe_harness().await;
        assert_eq!(get(&h, "/modules/http-probe/unapproved").await.0, 404);
        h.approve(&acme(), "http-probe", &["get /unapproved"]).await;
        // The probe answers 404 itself for this path: the request now reaches it.
        let response = h.client.get(h.url("/modules/http-probe/unapproved")).send().await.unwrap();
        assert_eq!(response.text().await.unwrap(), "probe: no such path");
        h.lifecycle
            .revoke_routes(&acme(), "http-probe", &RouteSelection::Only(vec!["GET /unapproved".into()]))
            .await
            .unwrap();
        let (status, body) = get(&h, "/modules/http-probe/unapproved").await;
        assert_eq!((status, code(&body)), (404, "not-found"));
    });
}

#[test]
fn approving_an_undeclared_route_is_refused() {
    modgate_tests::run(async {
        let h = probe_harness().await;
        let error = h
            .lifecycle
            .approve_routes(&acme(), "http-probe", &RouteSelection::Only(vec!["GET /admin".into()]), "test")
            .await
            .unwrap_err();
        assert_eq!(error.code(), "unknown-route");
        assert!(error.to_string().contains("GET /echo"), "{error}");
        let error = h
            .lifecycle
            .approve_routes(&acme(), "nothing-here", &RouteSelection::All, "test")
            .await
            .unwrap_err();
        assert_eq!(error.code(), "not-installed");
    });
}

#[test]
fn a_new_version_answers_404_until_approved_again() {
    modgate_tests::run(async {
        let h = probe_harness().await;
        assert_eq!(get(&h, "/modules/http-probe/echo").await.0, 200);
        let upgraded = PROBE_MANIFEST.replace("version = \"1.0.0\"", "version = \"1.1.0\"");
        h.install(&acme(), &upgraded, HTTP_PROBE).await;
        let (status, body) = get(&h, "/modules/http-probe/echo").await;
        assert_eq!((status, code(&body)), (404, "not-found"), "approvals were revoked");
        h.approve_all(&acme(), "http-probe").await;
        assert_eq!(get(&h, "/modules/http-probe/echo").await.0, 200);
    });
}
