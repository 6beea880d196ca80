//! Every refusal of the admin API, each with its status and stable code
//! (the same codes the CLI prints).

use modgate_artifacts::WISHLIST;
use modgate_tests::admin::{ALICE, AdminHarness, admin_code, admin_harness, send};
use modgate_tests::run;
use serde_json::json;

use super::{install_wishlist, review_wishlist, wishlist_manifest};

async fn upload(h: &AdminHarness, manifest: &str, component: Vec<u8>) -> (u16, serde_json::Value) {
    let form = reqwest::multipart::Form::new()
        .text("manifest", manifest.to_owned())
        .part("component", reqwest::multipart::Part::bytes(component));
    send(h.request(reqwest::Method::POST, "/api/v1/admin/tenants/acme/reviews", ALICE).multipart(form)).await
}

#[test]
fn requests_without_an_operator_token_are_refused() {
    run(async {
        let h = admin_harness(false).await;
        let url = format!("{}/api/v1/admin/host", h.admin);
        let (status, body) = send(h.http.client.get(&url)).await;
        assert_eq!((status, admin_code(&body)), (401, "operator-token-required"));
        let (status, body) = send(h.http.client.get(&url).bearer_auth("not-a-token")).await;
        assert_eq!((status, admin_code(&body)), (401, "operator-token-invalid"));
        // A valid customer token of the storefront is not an operator token.
        let customer = h.http.token("acme", "cu-1");
        let (status, body) = send(h.http.client.get(&url).bearer_auth(customer)).await;
        assert_eq!((status, admin_code(&body)), (401, "operator-token-invalid"));
        let (status, body) = send(h.http.client.get(format!("{}/metrics", h.admin))).await;
        assert_eq!((status, admin_code(&body)), (401, "operator-token-required"));
        let (status, body) = h.get("/api/v1/admin/host").await;
        assert_eq!(status, 200);
        assert_eq!(body["dev_mode"], false);
    });
}

#[test]
fn bad_reviews_are_refused_with_their_codes() {
    run(async {
        let h = admin_harness(false).await;
        let (status, body) = h.get("/api/v1/admin/tenants/Not%20A%20Tenant/modules").await;
        assert_eq!((status, admin_code(&body)), (400, "invalid-tenant"));
        let (status, body) = h.get("/api/v1/admin/tenants/acme/modules/%FF").await;
        assert_eq!((status, admin_code(&body)), (400, "invalid-path"));

        let (status, body) = upload(&h, "name = \"x\"", std::fs::read(WISHLIST).unwrap()).await;
        assert_eq!((status, admin_code(&body)), (422, "invalid-manifest"), "{body}");
        assert!(!body["problems"].as_array().unwrap().is_empty(), "{body}");

        // The component imports tables, but the manifest does not ask for them.
        let narrowed = wishlist_manifest().replace(
            r#"permissions = ["read:products", "write:own-tables", "subscribe:events", "email:send"]"#,
            r#"permissions = ["read:products", "subscribe:events", "email:send"]"#,
        );
        let narrowed = narrowed.split("[[tables]]").next().unwrap().to_owned() + &wishlist_manifest()[wishlist_manifest().find("[settings]").unwrap()..];
        let (status, body) = upload(&h, &narrowed, std::fs::read(WISHLIST).unwrap()).await;
        assert_eq!((status, admin_code(&body)), (422, "component-refused"), "{body}");

        let form = reqwest::multipart::Form::new().text("manifest", wishlist_manifest());
        let (status, body) =
            send(h.request(reqwest::Method::POST, "/api/v1/admin/tenants/acme/reviews", ALICE).multipart(form)).await;
        assert_eq!((status, admin_code(&body)), (400, "invalid-upload"));

        let (status, body) = h.post("/api/v1/admin/tenants/acme/reviews", json!({ "folder": "/tmp" })).await;
        assert_eq!((status, admin_code(&body)), (400, "invalid-body"));
    });
}

#[test]
fn a_confirmation_the_review_does_not_allow_is_refused_and_the_review_kept() {
    run(async {
        let h = admin_harness(false).await;
        let (_, review) = review_wishlist(&h, "acme").await;
        let id = review["review_id"].as_str().unwrap();
        let confirm = format!("/api/v1/admin/tenants/acme/reviews/{id}/confirm");

        let (status, body) = h.post(&confirm, json!({})).await;
        assert_eq!((status, admin_code(&body)), (409, "acknowledgement-required"), "{body}");
        let (status, body) = h.post(&confirm, json!({ "grants": ["read:everything"] })).await;
        assert_eq!((status, admin_code(&body)), (400, "unknown-permission"));
        let (status, body) = h.post(&confirm, json!({ "grants": ["read:orders"] })).await;
        assert_eq!((status, admin_code(&body)), (422, "grant-not-requested"));
        let (status, body) = h.post(&confirm, json!({ "acknowledge_risk": true, "allow_hosts": ["http://no/path"] })).await;
        assert_eq!((status, admin_code(&body)), (400, "invalid-allowlist-entry"));
        let (status, body) = h.post(&confirm, json!({ "acknowledge_risk": true, "settings": { "max-items": 0 } })).await;
        assert_eq!((status, admin_code(&body)), (422, "invalid-settings"));
        let (status, body) = h.post(&confirm, json!({ "acknowledge_risk": true, "surprise": 1 })).await;
        assert_eq!((status, admin_code(&body)), (400, "invalid-body"), "an unknown field: {body}");
        let (status, body) = send(h.request(reqwest::Method::POST, &confirm, ALICE).body("{\"acknowledge_risk\": tru")).await;
        assert_eq!((status, admin_code(&body)), (415, "unsupported-media-type"), "a body that is not declared JSON: {body}");
        let (status, body) = send(
            h.request(reqwest::Method::POST, &confirm, ALICE).header("content-type", "application/json").body("{\"acknowledge_risk\": tru"),
        )
        .await;
        assert_eq!((status, admin_code(&body)), (400, "invalid-body"), "malformed JSON: {body}");
        // Another tenant cannot confirm acme's review.
        let (status, body) = h.post(&format!("/api/v1/admin/tenants/globex/reviews/{id}/confirm"), json!({})).await;
        assert_eq!((status, admin_code(&body)), (404, "no-such-review"));

        let (status, body) = h.post(&confirm, json!({ "acknowledge_risk": true })).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = h.post(&confirm, json!({ "acknowledge_risk": true })).await;
        assert_eq!((status, admin_code(&body)), (404, "no-such-review"), "a confirmed review is gone");
    });
}

#[test]
fn bad_changes_to_an_install_are_refused() {
    run(async {
        let h = admin_harness(false).await;
        let module = "/api/v1/admin/tenants/acme/modules/wishlist";
        let (status, body) = h.post(&format!("{module}/enable"), json!({})).await;
        assert_eq!((status, admin_code(&body)), (404, "not-installed"));
        install_wishlist(&h, "acme").await;

        let (status, body) = h.post(&format!("{module}/approve"), json!({ "routes": ["GET /nope"] })).await;
        assert_eq!((status, admin_code(&body)), (422, "unknown-route"), "{body}");
        let (status, body) = h.post(&format!("{module}/approve"), json!({ "hooks": ["before-create nothing"] })).await;
        assert_eq!((status, admin_code(&body)), (422, "unknown-hook"), "{body}");
        let (status, body) = h.post(&format!("{module}/approve"), json!({})).await;
        assert_eq!((status, admin_code(&body)), (400, "invalid-body"));
        let (status, body) = h.post(&format!("{module}/approve"), json!({ "all": true, "routes": ["GET /items"] })).await;
        assert_eq!((status, admin_code(&body)), (400, "invalid-body"));

        let (status, body) =
            send(h.request(reqwest::Method::PUT, &format!("{module}/settings"), ALICE).json(&json!({ "max-items": "lots" }))).await;
        assert_eq!((status, admin_code(&body)), (422, "invalid-settings"), "{body}");
        assert!(body["problems"][0].as_str().unwrap().contains("max-items"), "{body}");
        let (_, shown) = h.get(module).await;
        assert_eq!(shown["settings"], json!({ "max-items": 100 }), "a refused change changes nothing");

        let (status, body) = h.get(&format!("{module}/usage?minutes=0")).await;
        assert_eq!((status, admin_code(&body)), (400, "invalid-window"));
        let (status, body) = h.get(&format!("{module}/least-privilege?days=401")).await;
        assert_eq!((status, admin_code(&body)), (400, "invalid-window"));
        let (status, body) = h.get("/api/v1/admin/tenants/acme/modules/nobody/usage").await;
        assert_eq!((status, admin_code(&body)), (404, "not-installed"));
        let (status, body) = h.get(&format!("{module}/usage?minutes=many")).await;
        assert_eq!((status, admin_code(&body)), (400, "invalid-query"));
        let (status, body) = send(h.request(reqwest::Method::DELETE, &format!("{module}?purge=perhaps"), ALICE)).await;
        assert_eq!((status, admin_code(&body)), (400, "invalid-query"));
        let (status, body) = h.get("/api/v1/admin/nowhere").await;
        assert_eq!((status, admin_code(&body)), (404, "not-found"));
        let (status, body) = send(h.request(reqwest::Method::PUT, "/api/v1/admin/host", ALICE)).await;
        assert_eq!((status, admin_code(&body)), (405, "method-not-allowed"));
        let big = vec![b' '; 34 << 20];
        let (status, body) =
            send(h.request(reqwest::Method::PUT, &format!("{module}/settings"), ALICE).header("content-type", "application/json").body(big))
                .await;
        assert_eq!((status, admin_code(&body)), (413, "body-too-large"), "{body}");
    });
}

#[test]
fn metrics_are_refused_on_a_host_running_without_them() {
    run(async {
        let h = admin_harness(false).await;
        let config = modgate_host::admin::AdminConfig {
            operators: vec![modgate_host::admin::Operator { name: "alice".into(), token: ALICE.into() }],
            ..modgate_host::admin::AdminConfig::default()
        };
        let router = modgate_host::admin::AdminApi::new(h.http.lifecycle.clone(), config).router();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move { axum::serve(listener, router).await });
        let (status, body) = send(h.http.client.get(format!("http://{address}/metrics")).bearer_auth(ALICE)).await;
        assert_eq!((status, admin_code(&body)), (404, "metrics-off"));
        server.abort();
    });
}
