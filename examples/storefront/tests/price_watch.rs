//! The price-watch module in the storefront: the operator raises a price,
//! the module asks the stand-in competitor API through `http:outbound` —
//! allowed for exactly that host, with the operator's key attached by the
//! host — stores the quote, emits `mod.price-watch.cheaper-elsewhere`, and
//! the product card shows the badge. The module never sees the key, and a
//! restart on another API port updates the operator's allowlist and
//! settings.

use modgate_host::engine::TenantId;
use sea_orm::ConnectionTrait;
use storefront::{Options, Storefront};

mod served;
use served::{module, serve, wait_for};

async fn start(data_dir: &std::path::Path) -> Storefront {
    Storefront::start(Options::new(data_dir.to_path_buf(), vec![module(modgate_artifacts::PRICE_WATCH_DIR, modgate_artifacts::PRICE_WATCH)]))
    .await
    .expect("storefront starts")
}

async fn cheaper_events(storefront_db: &sea_orm::DatabaseConnection) -> i64 {
    let statement = modgate_host::storage::statement(
        storefront_db.get_database_backend(),
        "SELECT count(*) FROM modgate_events WHERE name = 'mod.price-watch.cheaper-elsewhere'",
        vec![],
    );
    let row = storefront_db.query_one_raw(statement).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_raised_price_is_compared_with_the_competitor_through_the_allowlist() {
    let data = tempfile::tempdir().unwrap();
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let storefront = start(data.path()).await;
    assert!(
        storefront.module_report.iter().any(|line| line.starts_with("price-watch 0.1.0 for acme: installed, 1 route(s) approved")),
        "{:?}",
        storefront.module_report
    );
    let acme = TenantId::new("acme").unwrap();
    let allowlist = storefront.lifecycle.allowlist(&acme, "price-watch").await.unwrap();
    let port = storefront.price_api.address.port();
    assert_eq!(
        allowlist.entries().iter().map(ToString::to_string).collect::<Vec<_>>(),
        [format!("prices.demo.example:{port} address=127.0.0.1/32 credential=authorization:secret(price-api)")],
        "the operator allowed exactly the price API"
    );
    let key = storefront.price_api.authorization().to_owned();
    let lifecycle = storefront.lifecycle.clone();
    let operator = storefront.operator_token.clone();
    let db = lifecycle.storage().connection().clone();
    let (base, server) = serve(storefront).await;

    // The price API wants its key: without it, 401.
    let bare = client.get(format!("http://127.0.0.1:{port}/v1/prices/espresso-cup")).send().await.unwrap();
    assert_eq!(bare.status().as_u16(), 401);

    // Raised above the competitor's 11.90: cheaper elsewhere.
    let price = format!("{base}/admin/products/espresso-cup/price");
    let changed = client.post(&price).bearer_auth(&operator).body(r#"{"price_minor": 1490}"#).send().await.unwrap();
    assert!(changed.status().is_success(), "{}", changed.text().await.unwrap());
    let quote_url = format!("{base}/modules/price-watch/quotes/espresso-cup");
    let quote = wait_for(&client, &quote_url, |q| q["our_price_minor"] == 1490).await;
    assert_eq!((quote["price_minor"].as_i64(), quote["seller"].as_str()), (Some(1190), Some("Example Prices")), "{quote}");
    assert_eq!(quote["cheaper"], true, "{quote}");
    let badges: serde_json::Value = client
        .get(format!("{base}/slots/product-card.badges?product=espresso-cup"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = badges["modules"][0]["widgets"][0]["text"].as_str().unwrap_or_default().to_owned();
    assert!(text.starts_with("Seen for") && text.ends_with("at Example Prices"), "{badges}");
    let page = client.get(format!("{base}/")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("at Example Prices"), "the card shows the badge");
    assert_eq!(cheaper_events(&db).await, 1, "mod.price-watch.cheaper-elsewhere, once");

    // Dropped below it: the quote is kept, not cheaper, no badge, no event.
    let changed = client.post(&price).bearer_auth(&operator).body(r#"{"price_minor": 990}"#).send().await.unwrap();
    assert!(changed.status().is_success());
    let quote = wait_for(&client, &quote_url, |q| q["our_price_minor"] == 990).await;
    assert_eq!(quote["cheaper"], false, "{quote}");
    assert_eq!(cheaper_events(&db).await, 1);

    let module = lifecycle.module(&acme, "price-watch").expect("loaded");
    let log: Vec<String> = module.log().lines().into_iter().map(|line| line.message).collect();
    assert!(log.iter().all(|line| !line.contains(&key[7..])), "the module never saw the key: {log:?}");
    server.abort();
    drop(lifecycle);

    // Another start on another API port: the operator's choices follow.
    let restarted = start(data.path()).await;
    let port = restarted.price_api.address.port();
    let allowlist = restarted.lifecycle.allowlist(&acme, "price-watch").await.unwrap();
    assert!(allowlist.entries()[0].to_string().starts_with(&format!("prices.demo.example:{port} ")), "{allowlist:?}");
    let status = restarted.lifecycle.show(&acme, "price-watch").await.unwrap();
    assert_eq!(status.settings["api"], format!("http://prices.demo.example:{port}"));
}

/// price-compare: per-dependency grants in the demo. Its main component
/// holds `read:products` only; its `quotes` dependency alone holds
/// `http:outbound` and asks the price API. The operator's install shows the
/// tree, the route answers with the competitor's quote, and the usage audit
/// attributes the outbound call to `price-compare>quotes`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn price_compare_asks_the_price_api_through_its_dependency_only() {
    let data = tempfile::tempdir().unwrap();
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let source = module(modgate_artifacts::PRICE_COMPARE_DIR, modgate_artifacts::PRICE_COMPARE)
        .with_dependency("quotes", modgate_artifacts::read(modgate_artifacts::PRICE_COMPARE_QUOTES));
    let storefront = Storefront::start(Options::new(data.path().to_path_buf(), vec![source])).await.expect("storefront starts");
    assert!(
        storefront.module_report.iter().any(|line| line.starts_with("price-compare 0.1.0 for acme: installed, 1 route(s) approved")),
        "{:?}",
        storefront.module_report
    );
    let acme = TenantId::new("acme").unwrap();
    let lifecycle = storefront.lifecycle.clone();
    let usage = storefront.usage.clone();
    let module = lifecycle.module(&acme, "price-compare").expect("installed");
    let tree: Vec<(String, Vec<&str>)> =
        module.component_grants().iter().map(|c| (c.path.clone(), c.granted.iter().map(|p| p.as_str()).collect())).collect();
    assert_eq!(
        tree,
        [("price-compare".to_owned(), vec!["read:products"]), ("price-compare>quotes".to_owned(), vec!["http:outbound"])]
    );
    let (base, _server) = serve(storefront).await;

    let response = client.get(format!("{base}/modules/price-compare/compare/grinder")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let compared: serde_json::Value = response.json().await.unwrap();
    assert_eq!(compared["elsewhere"]["price_minor"], 9500, "{compared}");
    assert_eq!(compared["elsewhere"]["seller"], "Example Prices", "{compared}");
    assert!(compared["our_price_minor"].is_i64(), "{compared}");
    let unknown = client.get(format!("{base}/modules/price-compare/compare/no-such-thing")).send().await.unwrap();
    assert_eq!(unknown.status().as_u16(), 404);

    usage.flush(lifecycle.storage()).await.expect("usage flushed");
    let report = lifecycle.least_privilege(&acme, "price-compare", 1).await.expect("report");
    let quotes = report.paths.iter().find(|p| p.path == "price-compare>quotes").expect("the dependency's use");
    assert_eq!(quotes.used.iter().map(|u| u.permission.as_str()).collect::<Vec<_>>(), ["http:outbound"], "{report:?}");
    let main = report.paths.iter().find(|p| p.path == "price-compare").expect("the main component's use");
    assert_eq!(main.used.iter().map(|u| u.permission.as_str()).collect::<Vec<_>>(), ["read:products"], "{report:?}");
}
