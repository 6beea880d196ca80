//! The README's walkthrough against the real storefront: first start
//! installs and approves the wishlist, a customer adds an item with curl's
//! requests, the page shows the active toggle (signed in by its HttpOnly
//! session cookie, with no token in the page), the price drop reaches Ada's
//! digest and the operator's mailbox, a review with a banned word is refused
//! and an accepted one rated on the page, and a second start over the same
//! data keeps modules and items.

use storefront::{Options, Storefront};

mod served;
use served::{module, serve};

/// A free loopback port for the stand-in price API, the same for every
/// start of one test (price-watch's allowlist names the port).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn start(data_dir: &std::path::Path, price_api_port: u16) -> (Storefront, String) {
    let storefront = Storefront::start(Options {
        price_api_port,
        ..Options::new(data_dir.to_path_buf(), vec![
            module(modgate_artifacts::WISHLIST_DIR, modgate_artifacts::WISHLIST),
            module(modgate_artifacts::REVIEWS_DIR, modgate_artifacts::REVIEWS),
            module(modgate_artifacts::PRICE_WATCH_DIR, modgate_artifacts::PRICE_WATCH),
        ])
    })
    .await
    .expect("storefront starts");
    let token = storefront.token_for("acme", "cu-ada").unwrap();
    (storefront, token)
}

/// Waits until the first start's price API (stopped with its storefront)
/// has let go of its port.
async fn wait_until_free(port: u16) {
    for _ in 0..100 {
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("port {port} is still taken");
}

/// Sends `request` with the customer's token and reads the JSON answer.
async fn json(request: reqwest::RequestBuilder, token: &str) -> serde_json::Value {
    request.bearer_auth(token).send().await.unwrap().json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_walkthrough_works_and_survives_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let client = reqwest::Client::builder().no_proxy().build().unwrap();

    let price_api_port = free_port();
    let (storefront, token) = start(data.path(), price_api_port).await;
    assert!(
        storefront.module_report.iter().any(|line| line.contains("wishlist 0.1.0 for acme: installed, 5 route(s) approved")),
        "{:?}",
        storefront.module_report
    );
    let operator = storefront.operator_token.clone();
    let (base, server) = serve(storefront).await;

    let added: serde_json::Value = json(client.post(format!("{base}/modules/wishlist/items/espresso-cup")), &token).await;
    assert_eq!(added, serde_json::json!({ "product_id": "espresso-cup", "saved": true }));

    let listed: serde_json::Value = json(client.get(format!("{base}/modules/wishlist/items?sort=newest")), &token).await;
    assert_eq!(listed["items"][0]["product_id"], "espresso-cup");

    let slot: serde_json::Value = json(client.get(format!("{base}/slots/product-card.actions?product=espresso-cup")), &token).await;
    assert_eq!(slot["modules"][0]["widgets"][0]["type"], "toggle-button");
    assert_eq!(slot["modules"][0]["widgets"][0]["active"], true);

    let anonymous = client.get(format!("{base}/modules/wishlist/items")).send().await.unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    let forged = client
        .get(format!("{base}/modules/wishlist/items"))
        .bearer_auth("forged.token.here")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 401);

    // Events: the operator drops the price; the change and its events
    // commit together, and the wishlist records a digest entry for Ada.
    let price = format!("{base}/admin/products/espresso-cup/price");
    let body = r#"{"price_minor": 990}"#;
    let anonymous = client.post(&price).body(body).send().await.unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    let refused: serde_json::Value = json(client.post(&price).body(body), "not-the-operator-token").await;
    assert_eq!(refused["error"], "operator-token-invalid");
    let changed: serde_json::Value = json(client.post(&price).body(body), &operator).await;
    assert_eq!((changed["previous"].as_i64(), changed["current"].as_i64()), (Some(1250), Some(990)), "{changed}");
    assert_eq!(changed["events"][0]["name"], "product.price-changed");
    assert_eq!(changed["events"][0]["deliveries"], 2, "the wishlist and price-watch subscribe");
    let mut digest = serde_json::Value::Null;
    for _ in 0..600 {
        digest = json(client.get(format!("{base}/modules/wishlist/digest")), &token).await;
        if digest["drops"].as_array().is_some_and(|d| !d.is_empty()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let drop = &digest["drops"][0];
    assert_eq!((drop["product_id"].as_str(), drop["previous_minor"].as_i64(), drop["current_minor"].as_i64()), (Some("espresso-cup"), Some(1250), Some(990)), "{digest}");
    assert_eq!(drop["event_id"], changed["events"][0]["id"]);

    // Email: the wishlist mailed Ada through send-to-customer (the shop
    // addressed it); with no relay configured it lands in the local mailbox,
    // which the operator reads on /admin/mailbox.
    let mailbox = format!("{base}/admin/mailbox");
    let signed_out = client.get(&mailbox).send().await.unwrap();
    assert_eq!(signed_out.status().as_u16(), 401);
    assert!(signed_out.text().await.unwrap().contains("Operator sign-in"));
    let mut html = String::new();
    for _ in 0..600 {
        html = client.get(&mailbox).bearer_auth(&operator).send().await.unwrap().text().await.unwrap();
        if html.contains("sent via mailbox") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(html.contains("<h2>Price drop: Espresso cup</h2>"), "{html}");
    assert!(html.contains("To <b>ada@example.com</b>") && html.contains("sent via mailbox"), "{html}");
    assert!(html.contains("12.50") && html.contains("9.90"), "the old and new price: {html}");
    let no_redirects = reqwest::Client::builder().no_proxy().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let wrong = no_redirects.post(format!("{base}/admin/session")).body("token=nope").send().await.unwrap();
    assert_eq!(wrong.status().as_u16(), 401);
    let signed_in = no_redirects.post(format!("{base}/admin/session")).body(format!("token={operator}")).send().await.unwrap();
    assert!(signed_in.status().is_redirection());
    let cookie = signed_in.headers()["set-cookie"].to_str().unwrap().to_owned();
    for attribute in ["mg_operator=", "HttpOnly", "SameSite=Strict", "Path=/admin"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    let by_cookie = client.get(&mailbox).header("cookie", cookie.split(';').next().unwrap()).send().await.unwrap();
    assert_eq!(by_cookie.status().as_u16(), 200);
    assert!(by_cookie.text().await.unwrap().contains("Price drop: Espresso cup"));
    let missing: serde_json::Value = json(client.post(format!("{base}/admin/products/nope/price")).body(body), &operator).await;
    assert_eq!(missing["error"], "no-such-product");
    let paid: serde_json::Value = json(client.post(format!("{base}/admin/orders/o-1003/paid")), &operator).await;
    assert_eq!(paid["events"][0]["name"], "order.paid", "{paid}");
    let again: serde_json::Value = json(client.post(format!("{base}/admin/orders/o-1003/paid")), &operator).await;
    assert_eq!(again["error"], "order-not-pending");

    // Reviews: the reviews module's before-create hook refuses a banned
    // word before the shop writes anything, and tidies an accepted review's
    // whitespace; its after-read hook puts the rating on the page.
    let reviews = format!("{base}/products/espresso-cup/reviews");
    let post = |body: &'static str| client.post(&reviews).bearer_auth(&token).form(&[("rating", "5"), ("body", body)]).send();
    let refused = post("This is a scam").await.unwrap();
    assert_eq!(refused.status().as_u16(), 422);
    assert_eq!(
        refused.text().await.unwrap(),
        r#"{"error":{"code":"rejected","messages":["Please remove \"scam\" from your review."],"module":"reviews"}}"#
    );
    let posted: serde_json::Value = post("Lovely   cup.").await.unwrap().json().await.unwrap();
    assert_eq!((posted["review"]["body"].as_str(), posted["review"]["author"].as_str()), (Some("Lovely cup."), Some("Ada L.")), "{posted}");
    let copy: serde_json::Value = client.get(format!("{base}/modules/reviews/products/espresso-cup")).send().await.unwrap().json().await.unwrap();
    assert_eq!(copy["reviews"][0]["body"], "Lovely cup.", "{copy}");
    let anonymous_page = client.get(format!("{base}/")).send().await.unwrap().text().await.unwrap();
    assert!(anonymous_page.contains(r#"<p class="rating">★ 5.0 (1 review)</p>"#), "{anonymous_page}");

    // Outbound HTTP: above the competitor's 95.00, price-watch's quote (asked
    // through the operator's allowlist, with the operator's key) says so,
    // and the grinder's card shows its badge.
    let raised: serde_json::Value =
        json(client.post(format!("{base}/admin/products/grinder/price")).body(r#"{"price_minor": 9900}"#), &operator).await;
    assert_eq!(raised["events"][0]["deliveries"], 2, "{raised}");
    let mut quote = serde_json::Value::Null;
    for _ in 0..600 {
        let response = client.get(format!("{base}/modules/price-watch/quotes/grinder")).send().await.unwrap();
        if response.status().is_success() {
            quote = response.json().await.unwrap();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!((quote["price_minor"].as_i64(), quote["seller"].as_str(), quote["cheaper"].as_bool()), (Some(9500), Some("Example Prices"), Some(true)), "{quote}");
    let badges: serde_json::Value = client.get(format!("{base}/slots/product-card.badges?product=grinder")).send().await.unwrap().json().await.unwrap();
    assert_eq!(badges["modules"][0]["widgets"][0]["text"], "Seen for €95.00 at Example Prices", "{badges}");

    // The page, signed in through the demo's session cookie: the toggle is
    // active, and only the page's own inline script may run (by hash, not
    // 'self': modules serve from this origin too).
    let page = client
        .get(format!("{base}/"))
        .header("cookie", format!("storefront_session={token}"))
        .send()
        .await
        .unwrap();
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("script-src 'sha256-") && !csp.contains("script-src 'self'"), "{csp}");
    let html = page.text().await.unwrap();
    assert!(!html.contains(&token) && !html.contains("customer-token"), "the page carries no bearer token");
    assert!(html.contains(r#"data-signed-in="true""#), "{html}");
    assert!(html.contains("Signed in as <b>Ada L.</b>"), "{html}");
    assert!(
        html.contains(r#"data-action="/modules/wishlist/items/espresso-cup/toggle""#) && html.contains(r#"aria-pressed="true">On your wishlist</button>"#),
        "{html}"
    );
    assert!(html.contains("Hand grinder") && !html.contains("Hammock"), "acme's catalogue only");
    assert!(html.contains("Price dropped: 12.50 → 9.90 EUR"), "the wishlist's badge on the card: {html}");
    server.abort();

    // Second start over the same data: nothing reinstalled, the item kept.
    let _ = server.await;
    wait_until_free(price_api_port).await;
    let (storefront, token) = start(data.path(), price_api_port).await;
    assert!(storefront.module_report.iter().all(|line| line.ends_with("already installed")), "{:?}", storefront.module_report);
    let (base, server) = serve(storefront).await;
    let listed: serde_json::Value = json(client.get(format!("{base}/modules/wishlist/items")), &token).await;
    assert_eq!(listed["items"][0]["product_id"], "espresso-cup");
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_signs_in_with_an_httponly_cookie_that_only_same_origin_writes_may_use() {
    let data = tempfile::tempdir().unwrap();
    let (storefront, _) = start(data.path(), 0).await;
    let (base, server) = serve(storefront).await;
    let client = reqwest::Client::builder().no_proxy().redirect(reqwest::redirect::Policy::none()).build().unwrap();

    let login = client.get(format!("{base}/login/cu-ada")).send().await.unwrap();
    assert!(login.status().is_redirection());
    let set_cookie = login.headers()["set-cookie"].to_str().unwrap().to_owned();
    for attribute in ["storefront_session=ey", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{attribute} in {set_cookie}");
    }
    let cookie = set_cookie.split(';').next().unwrap().to_owned();

    // The page's own toggle: a same-origin fetch carries the cookie and says so.
    let toggle = format!("{base}/modules/wishlist/items/tamper/toggle");
    let response = client.post(&toggle).header("cookie", &cookie).header("sec-fetch-site", "same-origin").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body, serde_json::json!({ "product_id": "tamper", "saved": true, "active": true }));
    let response = client.get(format!("{base}/modules/wishlist/items")).header("cookie", &cookie).send().await.unwrap();
    let listed: serde_json::Value = response.json().await.unwrap();
    assert_eq!(listed["items"][0]["product_id"], "tamper", "a GET needs no proof of origin");

    // Another site (or a sandboxed module page: Origin null) cannot use it.
    for (name, value) in [("sec-fetch-site", "cross-site"), ("origin", "null"), ("origin", "http://evil.example")] {
        let response = client.post(&toggle).header("cookie", &cookie).header(name, value).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 403, "{name}: {value}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "cross-site-request");
    }
    let forged = client.get(format!("{base}/modules/wishlist/items")).header("cookie", "storefront_session=forged.token.here").send().await.unwrap();
    assert_eq!(forged.status().as_u16(), 401);
    let body: serde_json::Value = forged.json().await.unwrap();
    assert_eq!(body["error"]["code"], "session-invalid");

    let logout = client.get(format!("{base}/logout")).send().await.unwrap();
    assert!(logout.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    server.abort();
}
