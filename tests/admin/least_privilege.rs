//! The least-privilege report after real invocations: the wishlist asks for
//! four permissions; its `activate` counts the saved items (`tables.query`)
//! and reads the catalogue (`products.list`), and a customer who only lists
//! their items makes it query its table again. The report names the two never used — no event
//! arrived, no mail went out — and prints the minimal manifest line; the
//! usage series counts the same invocations.

use modgate_tests::admin::admin_harness;
use modgate_tests::run;
use serde_json::json;

use super::install_wishlist;

#[test]
fn the_report_names_declared_permissions_never_used_and_the_minimal_line() {
    run(async {
        let h = admin_harness(false).await;
        install_wishlist(&h, "acme").await;
        let token = h.http.token("acme", "cu-1");
        for _ in 0..2 {
            let response = h.http.client.get(h.http.url("/modules/wishlist/items")).bearer_auth(&token).send().await.unwrap();
            assert_eq!(response.status(), 200);
        }

        let (status, report) = h.get("/api/v1/admin/tenants/acme/modules/wishlist/least-privilege?days=30").await;
        assert_eq!(status, 200, "{report}");
        assert_eq!(report["declared"], json!(["read:products", "write:own-tables", "subscribe:events", "email:send"]));
        assert_eq!(report["unused"], json!(["subscribe:events", "email:send"]));
        assert_eq!(report["minimal_permissions"], json!(["read:products", "write:own-tables"]));
        assert_eq!(report["minimal_manifest_line"], r#"permissions = ["read:products", "write:own-tables"]"#);
        assert_eq!(
            report["used"],
            json!([
                { "permission": "read:products", "calls": 1, "operations": [{ "operation": "products.list", "calls": 1 }] },
                { "permission": "write:own-tables", "calls": 3, "operations": [{ "operation": "tables.query", "calls": 3 }] },
            ]),
            "{report}"
        );

        let (status, series) = h.get("/api/v1/admin/tenants/acme/modules/wishlist/usage?minutes=60").await;
        assert_eq!(status, 200, "{series}");
        let invocations: u64 = series.as_array().unwrap().iter().map(|p| p["invocations"].as_u64().unwrap()).sum();
        let ops: u64 = series.as_array().unwrap().iter().map(|p| p["ops"].as_u64().unwrap()).sum();
        // The install's activate and two requests.
        assert_eq!(invocations, 3, "{series}");
        assert_eq!(ops, 4, "{series}");
        assert!(series[0]["latency_p50_ms"].as_f64().unwrap() > 0.0, "{series}");
    });
}
