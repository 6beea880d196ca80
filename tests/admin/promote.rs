//! Promoting through the API: a version a hot reload staged serves only once
//! an operator promotes it, with exactly the approvals the promotion gives —
//! at once in this process (the bridge re-reads the install).

use modgate_artifacts::WISHLIST;
use modgate_host::lifecycle::ReloadStep;
use modgate_tests::admin::{admin_code, admin_harness};
use modgate_tests::run;
use serde_json::json;

use super::{install_wishlist, wishlist_manifest};

const MODULE: &str = "/api/v1/admin/tenants/acme/modules/wishlist";

#[test]
fn a_staged_version_serves_only_once_promoted_and_with_only_the_approvals_the_promotion_gives() {
    run(async {
        let h = admin_harness(false).await;
        install_wishlist(&h, "acme").await;
        let (status, body) = h.post(&format!("{MODULE}/promote"), json!({ "all": true })).await;
        assert_eq!((status, admin_code(&body)), (409, "nothing-staged"), "{body}");

        let v2 = wishlist_manifest().replace("version = \"0.1.0\"", "version = \"0.2.0\"");
        let reloads = h.http.lifecycle.reload(&modgate_tests::source(&v2, WISHLIST)).await.expect("the reload runs");
        assert!(matches!(reloads[0].result, Ok(ReloadStep::Staged(_))), "{reloads:?}");
        let (status, shown) = h.get(MODULE).await;
        assert_eq!(status, 200, "{shown}");
        assert_eq!((&shown["version"], &shown["staged"]["version"]), (&json!("0.1.0"), &json!("0.2.0")));
        assert_eq!(shown["last_reload"]["action"], "stage");
        assert!(shown["routes"].as_array().unwrap().iter().all(|r| r["approved"] == true), "the serving version keeps its approvals: {shown}");

        let customer = h.http.token("acme", "cu-1");
        let answer = |path: &str| {
            let request = h.http.client.get(h.http.url(path)).bearer_auth(&customer);
            async move { request.send().await.unwrap().status().as_u16() }
        };
        assert_eq!(answer("/modules/wishlist/items").await, 200);

        let (status, body) = h.post(&format!("{MODULE}/promote"), json!({ "routes": ["GET /nowhere"] })).await;
        assert_eq!((status, admin_code(&body)), (422, "unknown-route"), "{body}");
        let (status, promotion) = h.post(&format!("{MODULE}/promote"), json!({ "routes": ["GET /digest"] })).await;
        assert_eq!(status, 200, "{promotion}");
        assert_eq!(
            promotion,
            json!({ "module": "wishlist", "tenant": "acme", "previous_version": "0.1.0", "version": "0.2.0", "approved": ["GET /digest"] })
        );
        assert_eq!(answer("/modules/wishlist/digest").await, 200, "approved by the promotion");
        assert_eq!(answer("/modules/wishlist/items").await, 404, "approved for 0.1.0 only");

        let (_, shown) = h.get(MODULE).await;
        assert_eq!((&shown["version"], &shown["staged"], &shown["last_reload"]["action"]), (&json!("0.2.0"), &json!(null), &json!("promote")));
        let (_, log) = h.get("/api/v1/admin/audit-log?tenant=acme&module=wishlist&limit=1").await;
        assert_eq!((&log[0]["action"], &log[0]["actor"]), (&json!("promote"), &json!("operator:alice")), "{log}");
        let (status, body) = h.post(&format!("{MODULE}/promote"), json!({ "all": true })).await;
        assert_eq!((status, admin_code(&body)), (409, "nothing-staged"), "a promotion is done once: {body}");
    });
}
