//! The wishlist reference module end to end: add, list, toggle and remove
//! for the verified customer only, an allowlisted sort, and tenants kept
//! apart.

use modgate_artifacts::{WISHLIST, WISHLIST_DIR};
use modgate_tests::http::{GLOBEX_HOST, HttpHarness, http_harness, json, test_http_config};
use modgate_tests::{acme, globex};

async fn wishlist_harness() -> HttpHarness {
    let h = http_harness(test_http_config()).await;
    let manifest = std::fs::read_to_string(format!("{WISHLIST_DIR}/module.toml")).unwrap();
    for tenant in [acme(), globex()] {
        h.install(&tenant, &manifest, WISHLIST).await;
        h.approve_all(&tenant, "wishlist").await;
    }
    h
}

async fn call(h: &HttpHarness, method: reqwest::Method, path: &str, token: Option<&str>, host: Option<&str>) -> (u16, serde_json::Value) {
    let mut request = h.client.request(method, h.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(host) = host {
        request = request.header("host", host);
    }
    let (status, _, body) = json(request.send().await.unwrap()).await;
    (status, body)
}

fn product_ids(body: &serde_json::Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items in {body}"))
        .iter()
        .map(|item| item["product_id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_customer_adds_lists_toggles_and_removes_items() {
    modgate_tests::run(async {
        let h = wishlist_harness().await;
        let ada = h.token("acme", "cu-1");
        let (status, body) = call(&h, reqwest::Method::POST, "/modules/wishlist/items/p-2", Some(&ada), None).await;
        assert_eq!((status, body["saved"].as_bool()), (200, Some(true)), "{body}");
        call(&h, reqwest::Method::POST, "/modules/wishlist/items/p-1", Some(&ada), None).await;
        // Adding twice is harmless.
        call(&h, reqwest::Method::POST, "/modules/wishlist/items/p-1", Some(&ada), None).await;
        let (_, body) = call(&h, reqwest::Method::GET, "/modules/wishlist/items?sort=product", Some(&ada), None).await;
        assert_eq!(product_ids(&body), ["p-1", "p-2"]);
        let (_, body) = call(&h, reqwest::Method::GET, "/modules/wishlist/items?sort=product-desc", Some(&ada), None).await;
        assert_eq!(product_ids(&body), ["p-2", "p-1"]);

        let (status, body) = call(&h, reqwest::Method::POST, "/modules/wishlist/items/p-1/toggle", Some(&ada), None).await;
        assert_eq!((status, body["saved"].as_bool()), (200, Some(false)));
        let (status, _) = call(&h, reqwest::Method::DELETE, "/modules/wishlist/items/p-2", Some(&ada), None).await;
        assert_eq!(status, 200);
        let (_, body) = call(&h, reqwest::Method::GET, "/modules/wishlist/items", Some(&ada), None).await;
        assert_eq!(product_ids(&body), Vec::<String>::new());
    });
}

#[test]
fn requests_need_a_verified_customer_and_valid_input() {
    modgate_tests::run(async {
        let h = wishlist_harness().await;
        let (status, body) = call(&h, reqwest::Method::GET, "/modules/wishlist/items", None, None).await;
        assert_eq!((status, body["error"]["code"].as_str()), (401, Some("login-required")));
        let ada = h.token("acme", "cu-1");
        let (status, body) = call(&h, reqwest::Method::GET, "/modules/wishlist/items?sort=price;DROP", Some(&ada), None).await;
        assert_eq!((status, body["error"]["code"].as_str()), (400, Some("invalid-sort")));
        let (status, body) = call(&h, reqwest::Method::POST, "/modules/wishlist/items/no-such-product", Some(&ada), None).await;
        assert_eq!((status, body["error"]["code"].as_str()), (404, Some("not-found")));
    });
}

#[test]
fn customers_and_tenants_see_only_their_own_items() {
    modgate_tests::run(async {
        let h = wishlist_harness().await;
        let ada = h.token("acme", "cu-1");
        let grace = h.token("acme", "cu-2");
        let hank = h.token("globex", "g-cu-1");
        call(&h, reqwest::Method::POST, "/modules/wishlist/items/p-1", Some(&ada), None).await;
        let (_, body) = call(&h, reqwest::Method::GET, "/modules/wishlist/items", Some(&grace), None).await;
        assert_eq!(product_ids(&body), Vec::<String>::new(), "another customer's items are invisible");
        // A customer id smuggled in the query is not an identity.
        let (_, body) = call(&h, reqwest::Method::GET, "/modules/wishlist/items?customer_id=cu-1", Some(&grace), None).await;
        assert_eq!(product_ids(&body), Vec::<String>::new());

        let (status, body) = call(&h, reqwest::Method::POST, "/modules/wishlist/items/g-p-1", Some(&hank), Some(GLOBEX_HOST)).await;
        assert_eq!(status, 200, "{body}");
        let (_, body) = call(&h, reqwest::Method::GET, "/modules/wishlist/items", Some(&hank), Some(GLOBEX_HOST)).await;
        assert_eq!(product_ids(&body), ["g-p-1"]);
        // acme's product does not exist in globex's catalogue.
        let (status, _) = call(&h, reqwest::Method::POST, "/modules/wishlist/items/p-1", Some(&hank), Some(GLOBEX_HOST)).await;
        assert_eq!(status, 404);
        // An acme token is refused on globex's host.
        let (status, body) = call(&h, reqwest::Method::GET, "/modules/wishlist/items", Some(&ada), Some(GLOBEX_HOST)).await;
        assert_eq!((status, body["error"]["code"].as_str()), (401, Some("token-wrong-tenant")));
    });
}

#[test]
fn max_items_is_enforced_on_every_request_and_follows_the_settings() {
    modgate_tests::run(async {
        let h = http_harness(test_http_config()).await;
        let manifest = std::fs::read_to_string(format!("{WISHLIST_DIR}/module.toml")).unwrap();
        let install = |max: u32| {
            let mut request = modgate_host::lifecycle::InstallRequest::new(modgate_tests::source(&manifest, WISHLIST), acme());
            request.settings = Some(serde_json::json!({ "max-items": max }));
            request.acknowledge_risk = true;
            request
        };
        h.lifecycle.install(install(2)).await.expect("installs with max-items 2");
        h.approve_all(&acme(), "wishlist").await;
        let ada = h.token("acme", "cu-1");
        for product in ["p-1", "p-2"] {
            let (status, body) = call(&h, reqwest::Method::POST, &format!("/modules/wishlist/items/{product}"), Some(&ada), None).await;
            assert_eq!(status, 200, "{body}");
        }
        let (status, body) = call(&h, reqwest::Method::POST, "/modules/wishlist/items/p-3", Some(&ada), None).await;
        assert_eq!((status, modgate_tests::http::code(&body)), (409, "wishlist-full"), "{body}");
        assert!(body["error"]["message"].as_str().unwrap().contains('2'), "the message names the limit: {body}");
        let (status, body) = call(&h, reqwest::Method::POST, "/modules/wishlist/items/p-3/toggle", Some(&ada), None).await;
        assert_eq!((status, modgate_tests::http::code(&body)), (409, "wishlist-full"), "{body}");
        let (status, _) = call(&h, reqwest::Method::POST, "/modules/wishlist/items/p-1", Some(&ada), None).await;
        assert_eq!(status, 200, "re-adding a saved item is not refused");

        // The operator raises the limit: the next request sees it.
        h.lifecycle.install(install(3)).await.expect("re-configured with max-items 3");
        let (status, body) = call(&h, reqwest::Method::POST, "/modules/wishlist/items/p-3", Some(&ada), None).await;
        assert_eq!(status, 200, "{body}");
    });
}
