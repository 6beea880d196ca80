//! Dev mode: everything a manifest asks for is granted without
//! acknowledgement, every admin response says so, and the audit log records
//! it. (Refusing a public address is `check_listen_address`'s unit test and
//! the storefront binary's test.)

use modgate_tests::admin::{ALICE, admin_harness};
use modgate_tests::run;
use serde_json::json;

use super::review_wishlist;

#[test]
fn dev_mode_grants_everything_asked_for_and_says_so_everywhere() {
    run(async {
        let h = admin_harness(true).await;
        let response = h.request(reqwest::Method::GET, "/api/v1/admin/host", ALICE).send().await.unwrap();
        assert_eq!(response.headers()["x-modgate-dev-mode"], "on");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["dev_mode"], true);

        let (status, review) = review_wishlist(&h, "acme").await;
        assert_eq!(status, 201);
        assert_eq!(review["review"]["dev_mode"], true);
        let id = review["review_id"].as_str().unwrap();
        // No acknowledgement, and a narrower grant is overridden.
        let (status, outcome) =
            h.post(&format!("/api/v1/admin/tenants/acme/reviews/{id}/confirm"), json!({ "grants": ["read:products"] })).await;
        assert_eq!(status, 200, "{outcome}");
        assert_eq!(outcome["granted"], json!(["read:products", "write:own-tables", "subscribe:events", "email:send"]));

        let (_, log) = h.get("/api/v1/admin/audit-log?tenant=acme").await;
        assert_eq!(log[0]["action"], "install");
        assert_eq!(log[0]["detail"]["dev-mode"], true);

        let unauthenticated = h.http.client.get(format!("{}/api/v1/admin/host", h.admin)).send().await.unwrap();
        assert_eq!(unauthenticated.status(), 401);
        assert_eq!(unauthenticated.headers()["x-modgate-dev-mode"], "on", "even a refusal says so");
    });
}
