//! The operator's path through the API: review → confirm → approve → the
//! module serves → metrics count it → disable → 404 → enable, settings,
//! breaker reset, uninstall; the audit log says who did each.

use modgate_tests::admin::{ALICE, BOB, admin_harness, send};
use modgate_tests::run;
use serde_json::json;

use super::{install_wishlist, review_wishlist};

const WISHLIST: &str = "/api/v1/admin/tenants/acme/modules/wishlist";

#[test]
fn review_shows_what_the_install_would_do_and_changes_nothing() {
    run(async {
        let h = admin_harness(false).await;
        let (status, body) = review_wishlist(&h, "acme").await;
        assert_eq!(status, 201, "{body}");
        let review = &body["review"];
        assert_eq!(review["module"], "wishlist");
        assert_eq!(review["version"], "0.1.0");
        assert_eq!(review["installed_version"], serde_json::Value::Null);
        let permissions: Vec<(&str, &str, bool)> = review["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["permission"].as_str().unwrap(), p["risk"].as_str().unwrap(), p["requires_acknowledgement"].as_bool().unwrap()))
            .collect();
        assert!(permissions.contains(&("email:send", "high", true)), "{permissions:?}");
        assert!(permissions.contains(&("read:products", "low", false)), "{permissions:?}");
        assert!(review["routes"].as_array().unwrap().contains(&json!("GET /items")), "{review}");
        assert_eq!(review["subscriptions"], json!(["product.price-changed"]));
        assert_eq!(review["slots"], json!(["product-card.actions"]));
        assert_eq!(review["settings_schema"]["properties"]["max-items"]["default"], 100);
        let tables: Vec<&str> = review["tables"].as_array().unwrap().iter().map(|t| t["change"].as_str().unwrap()).collect();
        assert!(tables.iter().any(|t| t.contains("mod_wishlist_items")), "{tables:?}");
        assert!(review["tables"].as_array().unwrap().iter().all(|t| t["destructive"] == false));
        // Nothing is installed by a review.
        let (status, list) = h.get("/api/v1/admin/tenants/acme/modules").await;
        assert_eq!((status, list), (200, json!([])));
        // The review can be read again, then discarded.
        let id = body["review_id"].as_str().unwrap();
        let (status, again) = h.get(&format!("/api/v1/admin/tenants/acme/reviews/{id}")).await;
        assert_eq!(status, 200);
        assert_eq!(again["review"], body["review"]);
        let (status, _) = send(h.request(reqwest::Method::DELETE, &format!("/api/v1/admin/tenants/acme/reviews/{id}"), ALICE)).await;
        assert_eq!(status, 204);
        let (status, gone) = h.get(&format!("/api/v1/admin/tenants/acme/reviews/{id}")).await;
        assert_eq!((status, gone["error"].as_str()), (404, Some("no-such-review")));
    });
}

#[test]
fn install_approve_serve_disable_enable_and_uninstall() {
    run(async {
        let h = admin_harness(false).await;
        install_wishlist(&h, "acme").await;
        let token = h.http.token("acme", "cu-1");
        let items = h.http.url("/modules/wishlist/items");
        for _ in 0..3 {
            let response = h.http.client.get(&items).bearer_auth(&token).send().await.unwrap();
            assert_eq!(response.status(), 200);
        }

        let (status, module) = h.get(WISHLIST).await;
        assert_eq!(status, 200, "{module}");
        assert_eq!(module["enabled"], true);
        assert_eq!(module["breaker"]["state"], "closed");
        assert_eq!(module["drift"], false);
        assert!(module["routes"].as_array().unwrap().iter().all(|r| r["approved"] == true), "{module}");
        assert_eq!(module["deliveries"]["dead"], 0);

        let metrics = h.request(reqwest::Method::GET, "/metrics", ALICE).send().await.unwrap().text().await.unwrap();
        assert!(
            metrics.contains(r#"modgate_invocations_total{tenant="acme",module="wishlist",context="http",outcome="ok"} 3"#),
            "{metrics}"
        );

        let (status, body) = h.post(&format!("{WISHLIST}/disable"), json!({})).await;
        assert_eq!((status, &body), (200, &json!({ "enabled": false, "changed": true })));
        let response = h.http.client.get(&items).bearer_auth(&token).send().await.unwrap();
        assert_eq!(response.status(), 404, "a disabled module's routes do not exist");
        let (status, body) = h.post(&format!("{WISHLIST}/disable"), json!({})).await;
        assert_eq!((status, &body), (200, &json!({ "enabled": false, "changed": false })));

        let (status, _) = send(h.request(reqwest::Method::POST, &format!("{WISHLIST}/enable"), BOB)).await;
        assert_eq!(status, 200);
        let response = h.http.client.get(&items).bearer_auth(&token).send().await.unwrap();
        assert_eq!(response.status(), 200);

        let (status, outcome) =
            send(h.request(reqwest::Method::PUT, &format!("{WISHLIST}/settings"), ALICE).json(&json!({ "max-items": 3 }))).await;
        assert_eq!(status, 200, "{outcome}");
        assert_eq!(outcome["settings"], json!({ "max-items": 3 }));
        let (_, module) = h.get(WISHLIST).await;
        assert_eq!(module["settings"], json!({ "max-items": 3 }));
        assert!(module["routes"].as_array().unwrap().iter().all(|r| r["approved"] == true), "settings keep approvals: {module}");

        let (status, _) = send(h.request(reqwest::Method::POST, &format!("{WISHLIST}/breaker/reset"), ALICE)).await;
        assert_eq!(status, 204);
        let (status, body) = h.post(&format!("{WISHLIST}/revoke"), json!({ "routes": ["GET /items"] })).await;
        assert_eq!((status, &body), (200, &json!({ "changed": ["GET /items"] })));
        let response = h.http.client.get(&items).bearer_auth(&token).send().await.unwrap();
        assert_eq!(response.status(), 404, "a revoked route does not exist");

        let (status, _) = send(h.request(reqwest::Method::DELETE, &format!("{WISHLIST}?purge=true"), BOB)).await;
        assert_eq!(status, 204);
        let (status, body) = h.get(WISHLIST).await;
        assert_eq!((status, body["error"].as_str()), (404, Some("not-installed")));

        // Who did what, newest first.
        let (status, log) = h.get("/api/v1/admin/audit-log?tenant=acme&module=wishlist").await;
        assert_eq!(status, 200);
        let entries: Vec<(&str, &str)> =
            log.as_array().unwrap().iter().map(|e| (e["actor"].as_str().unwrap(), e["action"].as_str().unwrap())).collect();
        assert_eq!(
            entries,
            [
                ("operator:bob", "uninstall"),
                ("operator:alice", "revoke"),
                ("operator:alice", "reset-breaker"),
                ("operator:alice", "settings"),
                ("operator:bob", "enable"),
                ("operator:alice", "disable"),
                ("operator:alice", "approve"),
                ("operator:alice", "install"),
            ]
        );
        assert!(log[0]["at"].as_str().unwrap().ends_with('Z'), "{log}");
        assert_eq!(log[6]["detail"]["by"], "operator:alice");
    });
}
