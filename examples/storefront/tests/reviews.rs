//! Reviews through the data hooks, against the real storefront and the
//! `reviews` reference module: the shop owns `shop_reviews`; the module's
//! `before-create review` hook may refuse a review (a banned word) before the
//! shop writes it, its `after-create` hook keeps its own copy, and its
//! `after-read product` hook fills in the rating the page shows. Browsers
//! post the card's form with the session cookie (same origin only); curl
//! posts with a bearer token and reads JSON.

mod support;

use modgate_host::hooks::HookConfig;

use support::{Shop, card};

/// What a failed check tells the customer (the host's wording).
const GENERIC: &str = "This change could not be checked right now. Please try again later.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_with_a_banned_word_shows_its_message_and_writes_nothing() {
    let shop = Shop::start(HookConfig::default()).await;
    let ada = &shop.tokens.ada;

    let response = shop
        .post_form(
            &shop.base,
            ada,
            "espresso-cup",
            &[("rating", "5"), ("body", "This cup is a <b>scam</b>")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Your review of Espresso cup was not posted:"),
        "{page}"
    );
    assert!(
        page.contains("<li>Please remove &quot;scam&quot; from your review.</li>"),
        "escaped: {page}"
    );
    assert!(
        card(&page, "espresso-cup").contains(">This cup is a &lt;b&gt;scam&lt;/b&gt;</textarea>"),
        "the draft comes back to be corrected, escaped: {page}"
    );
    assert!(shop.stored("acme").await.is_empty(), "nothing written");

    // The same through the API: the module's own words, and who said them.
    let (status, body) = shop
        .post_api(
            ada,
            "espresso-cup",
            &[("rating", "4"), ("body", "fake reviews everywhere")],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "rejected");
    assert_eq!(body["error"]["module"], "reviews");
    assert_eq!(
        body["error"]["messages"][0], r#"Please remove "fake" from your review."#,
        "{body}"
    );

    // The shop's own checks come first and need no module.
    let (status, body) = shop
        .post_api(ada, "espresso-cup", &[("rating", "9"), ("body", "Great")])
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("invalid-review")),
        "{body}"
    );
    let (status, body) = shop
        .post_api(ada, "no-such-thing", &[("rating", "5"), ("body", "Great")])
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("no-such-product")),
        "{body}"
    );

    assert!(
        shop.stored("acme").await.is_empty(),
        "still nothing written"
    );
    let page = shop.page(&shop.base, ada, "").await;
    assert!(
        card(&page, "espresso-cup").contains(r#"<p class="rating">No reviews yet</p>"#),
        "{page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_accepted_review_is_stored_and_the_product_shows_its_rating() {
    let shop = Shop::start(HookConfig::default()).await;
    let tokens = &shop.tokens;

    let response = shop
        .post_form(
            &shop.base,
            &tokens.ada,
            "espresso-cup",
            &[("rating", "5"), ("body", "Lovely cup, keeps the crema.")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        response.headers()["location"],
        "/?reviewed=espresso-cup#product-espresso-cup"
    );
    assert_eq!(
        shop.stored("acme").await,
        [(
            "espresso-cup".into(),
            "cu-ada".into(),
            "Ada L.".into(),
            5,
            "Lovely cup, keeps the crema.".into()
        )]
    );
    // The after-create hook ran before the redirect: the page counts it.
    let page = shop
        .page(&shop.base, &tokens.ada, "?reviewed=espresso-cup")
        .await;
    assert!(
        page.contains("Thank you: your review of Espresso cup is posted."),
        "{page}"
    );
    assert!(
        card(&page, "espresso-cup").contains(r#"<p class="rating">★ 5.0 (1 review)</p>"#),
        "{page}"
    );
    assert!(
        card(&page, "milk-jug").contains(r#"<p class="rating">No reviews yet</p>"#),
        "{page}"
    );

    // The module tidies the whitespace (an adjustment): the shop stores
    // the adjusted text.
    let (status, body) = shop
        .post_api(
            &tokens.grace,
            "espresso-cup",
            &[("rating", "4"), ("body", "Good,   a bit\tsmall.")],
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["review"]["author"], "Grace H.");
    assert_eq!(body["review"]["rating"], 4);
    assert_eq!(body["review"]["body"], "Good, a bit small.");
    assert_eq!(shop.stored("acme").await[1].4, "Good, a bit small.");
    let page = shop.page(&shop.base, &tokens.ada, "").await;
    assert!(
        card(&page, "espresso-cup").contains(r#"<p class="rating">★ 4.5 (2 reviews)</p>"#),
        "{page}"
    );
    assert_eq!(shop.stored("acme").await.len(), 2);

    // The module's own copy, through its route.
    let listed = shop
        .client()
        .get(format!(
            "{}/modules/reviews/products/espresso-cup",
            shop.base
        ))
        .bearer_auth(&tokens.ada)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        listed.contains("Lovely cup, keeps the crema.") && listed.contains("Good, a bit small."),
        "{listed}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_tenant_sees_only_its_own_reviews() {
    let shop = Shop::start(HookConfig::default()).await;
    let tokens = &shop.tokens;
    let globex = shop.globex();

    let response = shop
        .post_form(
            &shop.base,
            &tokens.ada,
            "grinder",
            &[("rating", "3"), ("body", "Slow but even.")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let page = shop.page(&globex, &tokens.hank, "").await;
    assert!(
        page.contains("Tenant <b>globex</b>") && page.contains("Signed in as <b>Hank S.</b>"),
        "{page}"
    );
    assert!(card(&page, "hammock").contains("No reviews yet"), "{page}");
    assert!(!page.contains("grinder"), "{page}");

    let response = shop
        .post_form(
            &globex,
            &tokens.hank,
            "hammock",
            &[("rating", "4"), ("body", "Comfy.")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let page = shop.page(&globex, &tokens.hank, "").await;
    assert!(
        card(&page, "hammock").contains("★ 4.0 (1 review)"),
        "{page}"
    );
    let page = shop.page(&shop.base, &tokens.ada, "").await;
    assert!(
        card(&page, "grinder").contains("★ 3.0 (1 review)"),
        "{page}"
    );
    assert_eq!(shop.stored("acme").await.len(), 1);
    assert_eq!(shop.stored("globex").await[0].2, "Hank S.");

    // Another tenant's product, or a session of another tenant, gets nowhere.
    let response = shop
        .post_form(
            &globex,
            &tokens.hank,
            "grinder",
            &[("rating", "1"), ("body", "Not here.")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 404);
    let response = shop
        .post_form(
            &globex,
            &tokens.ada,
            "hammock",
            &[("rating", "1"), ("body", "Not mine.")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 401);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Sign in to post a review.")
    );
    assert_eq!(
        (
            shop.stored("acme").await.len(),
            shop.stored("globex").await.len()
        ),
        (1, 1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_form_sent_from_another_site_is_refused() {
    let shop = Shop::start(HookConfig::default()).await;
    let cookie = format!("storefront_session={}", shop.tokens.ada);
    let url = format!("{}/products/espresso-cup/reviews", shop.base);
    let form = [("rating", "5"), ("body", "Posted by another site.")];
    for headers in [
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
        vec![("origin", "http://evil.example")],
        vec![("origin", "null")],
        vec![],
    ] {
        let mut request = shop
            .client()
            .post(&url)
            .header("cookie", &cookie)
            .form(&form);
        for (name, value) in &headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), 403, "{headers:?}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .starts_with("cross-site-request")
        );
    }
    // Origin naming the shop itself is what a browser without Fetch
    // Metadata sends from the page.
    let response = shop
        .client()
        .post(&url)
        .header("cookie", &cookie)
        .header("origin", &shop.base)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(shop.stored("acme").await.len(), 1);

    // Signed out, the page asks to sign in and nothing is written.
    let response = shop
        .client()
        .post(&url)
        .header("sec-fetch-site", "same-origin")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("<li>Sign in to post a review.</li>")
    );
    assert_eq!(shop.stored("acme").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_review_hook_refuses_with_the_generic_message() {
    // A rejection carrying more messages than the operator allows is an
    // invalid answer: the hook failed, and the default policy fails closed.
    let shop = Shop::start(HookConfig {
        max_messages: 0,
        ..HookConfig::default()
    })
    .await;
    let ada = &shop.tokens.ada;

    let response = shop
        .post_form(
            &shop.base,
            ada,
            "tamper",
            &[("rating", "2"), ("body", "A scam.")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 503);
    let page = response.text().await.unwrap();
    assert!(page.contains(&format!("<li>{GENERIC}</li>")), "{page}");
    assert!(
        !page.contains("scam&quot;"),
        "the module's own words do not reach the customer: {page}"
    );
    let (status, body) = shop
        .post_api(ada, "tamper", &[("rating", "2"), ("body", "A scam.")])
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (503, Some("hook-failed")),
        "{body}"
    );
    assert!(shop.stored("acme").await.is_empty());

    // A review the hook allows is unaffected.
    let (status, body) = shop
        .post_api(ada, "tamper", &[("rating", "5"), ("body", "Solid.")])
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(shop.stored("acme").await.len(), 1);
}
