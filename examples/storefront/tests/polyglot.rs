//! The Python and JavaScript reference modules in the storefront, as the
//! README's walkthrough shows them: price-watch-py (Python) quotes the
//! stand-in competitor API through `http:outbound` exactly as the Rust
//! price-watch does, and likes (JavaScript) serves its routes and fills the
//! product card's actions slot. Both are installed and approved by the
//! storefront's first start, for both tenants.

use modgate_host::engine::TenantId;
use storefront::{Options, Storefront};

mod served;
use served::{module, serve, wait_for};

async fn start(data_dir: &std::path::Path) -> Storefront {
    Storefront::start(Options {
        // Compiled once for the whole test run, not once per storefront.
        compile_cache: Some(modgate_artifacts::COMPILE_CACHE.into()),
        ..Options::new(data_dir.to_path_buf(), vec![
            module(modgate_artifacts::python::PRICE_WATCH_PY_DIR, modgate_artifacts::python::PRICE_WATCH_PY),
            module(modgate_artifacts::javascript::LIKES_DIR, modgate_artifacts::javascript::LIKES),
        ])
    })
    .await
    .expect("storefront starts")
}

async fn json(request: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(serde_json::Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_and_javascript_reference_modules_work_in_the_storefront() {
    let data = tempfile::tempdir().unwrap();
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let storefront = start(data.path()).await;
    for (line, tenant) in [("price-watch-py 0.1.0", "acme"), ("price-watch-py 0.1.0", "globex"), ("likes 0.1.0", "acme"), ("likes 0.1.0", "globex")] {
        assert!(
            storefront.module_report.iter().any(|reported| reported.starts_with(&format!("{line} for {tenant}: installed"))),
            "{line} for {tenant}: {:?}",
            storefront.module_report
        );
    }
    let acme = TenantId::new("acme").unwrap();
    let allowlist = storefront.lifecycle.allowlist(&acme, "price-watch-py").await.unwrap();
    assert!(allowlist.entries()[0].to_string().starts_with("prices.demo.example:"), "the operator allowed the price API: {allowlist:?}");
    let ada = storefront.token_for("acme", "cu-ada").unwrap();
    let grace = storefront.token_for("acme", "cu-grace").unwrap();
    let hank = storefront.token_for("globex", "cu-hank").unwrap();
    let operator = storefront.operator_token.clone();
    let (base, server) = serve(storefront).await;

    // Python: the grinder raised above the competitor's 95.00 is quoted,
    // and its card says so — the Rust module's behaviour, field for field.
    let raised = client
        .post(format!("{base}/admin/products/grinder/price"))
        .bearer_auth(&operator)
        .body(r#"{"price_minor": 9900}"#)
        .send()
        .await
        .unwrap();
    assert!(raised.status().is_success(), "{}", raised.text().await.unwrap());
    let quote = wait_for(&client, &format!("{base}/modules/price-watch-py/quotes/grinder"), |q| q["our_price_minor"] == 9900).await;
    assert_eq!(
        (quote["price_minor"].as_i64(), quote["currency"].as_str(), quote["seller"].as_str(), quote["cheaper"].as_bool()),
        (Some(9500), Some("EUR"), Some("Example Prices"), Some(true)),
        "{quote}"
    );
    let (status, badges) = json(client.get(format!("{base}/slots/product-card.badges?product=grinder"))).await;
    assert_eq!(status, 200, "{badges}");
    assert_eq!(badges["modules"][0]["module"], "price-watch-py", "{badges}");
    assert_eq!(badges["modules"][0]["widgets"][0]["text"], "Seen for €95.00 at Example Prices", "{badges}");
    let (status, missing) = json(client.get(format!("{base}/modules/price-watch-py/quotes/espresso-cup"))).await;
    assert_eq!((status, missing["error"]["code"].as_str()), (404, Some("no-quote")), "{missing}");
    let (status, refused) = json(client.get(format!("{base}/modules/price-watch-py/quotes/a%20b"))).await;
    assert_eq!((status, refused["error"]["code"].as_str()), (400, Some("invalid")), "{refused}");

    // JavaScript: anyone reads the count; only a signed-in customer likes.
    let likes = format!("{base}/modules/likes/products/grinder");
    let (status, anonymous) = json(client.get(&likes)).await;
    assert_eq!((status, anonymous), (200, serde_json::json!({ "product_id": "grinder", "likes": 0, "liked": null })));
    let (status, refused) = json(client.post(format!("{likes}/toggle"))).await;
    assert_eq!((status, refused["error"]["code"].as_str()), (401, Some("login-required")), "{refused}");
    let (status, liked) = json(client.post(format!("{likes}/toggle")).bearer_auth(&ada)).await;
    assert_eq!((status, liked), (200, serde_json::json!({ "product_id": "grinder", "active": true, "likes": 1 })));
    let (_, liked) = json(client.post(format!("{likes}/toggle")).bearer_auth(&grace)).await;
    assert_eq!(liked["likes"], 2, "{liked}");
    let (_, seen_by_ada) = json(client.get(&likes).bearer_auth(&ada)).await;
    assert_eq!(seen_by_ada, serde_json::json!({ "product_id": "grinder", "likes": 2, "liked": true }));
    let (_, unliked) = json(client.post(format!("{likes}/toggle")).bearer_auth(&grace)).await;
    assert_eq!(unliked, serde_json::json!({ "product_id": "grinder", "active": false, "likes": 1 }));

    // The card's actions slot: the toggle (pressed for Ada) and the count.
    let (status, slot) = json(client.get(format!("{base}/slots/product-card.actions?product=grinder")).bearer_auth(&ada)).await;
    assert_eq!(status, 200, "{slot}");
    let widgets = &slot["modules"][0]["widgets"];
    assert_eq!(slot["modules"][0]["module"], "likes", "{slot}");
    assert_eq!(
        (widgets[0]["type"].as_str(), widgets[0]["active"].as_bool(), widgets[0]["action"].as_str()),
        (Some("toggle-button"), Some(true), Some("/modules/likes/products/grinder/toggle")),
        "{slot}"
    );
    assert_eq!(widgets[1]["text"], "♥ 1", "{slot}");
    let page = client.get(format!("{base}/")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("♥ 1") && page.contains("Seen for €95.00 at Example Prices"), "the cards show both modules");

    // Another tenant's likes are its own.
    let (_, globex) = json(client.get(&likes).header("host", "globex.localhost").bearer_auth(&hank)).await;
    assert_eq!(globex, serde_json::json!({ "product_id": "grinder", "likes": 0, "liked": false }));
    server.abort();
}
