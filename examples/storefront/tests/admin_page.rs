//! The operator's admin page in a real browser: headless Chromium, driven
//! by playwright-core (`admin_page/drive.mjs`, run by `admin_page/driver.rs`),
//! opens `/admin/` on the storefront's admin listener and an operator
//! installs, approves, watches and disables a module through it — every step by clicking and typing in
//! the page; the test itself only calls the module's public route on the
//! storefront listener, as a shopper would, and reads back what the page
//! shows (the number of invocations it displays, not just that a chart
//! exists).
//!
//! The module is the JavaScript reference module `likes`, which the test
//! does not preinstall (`wishlist` is preinstalled so that the tenants
//! exist: a tenant appears once something is installed for it). Screenshots
//! of every step are kept in `target/test-artifacts/admin-page/`.
//!
//! A hot reload of `wishlist` goes through the lifecycle as the watch of a
//! modules folder would (a failed one, then one that stages a new version);
//! the operator sees both on the module's page and promotes the staged
//! version there.
//!
//! Chromium comes from the system (`apt-get install chromium`; `.ci/run`
//! installs it), playwright-core from npm as `admin_page/package-lock.json`
//! pins it (`npm ci` into `admin_page/node_modules` on first run, under a
//! file lock; playwright-core downloads no browser). Without Chromium, node
//! or npm each test prints one `SKIPPED (Chromium)` line, unless
//! `MODGATE_REQUIRE_CHROMIUM=1` (set by `.ci/run`) makes it fail.

use std::sync::Arc;
use std::time::Instant;

use modgate_host::lifecycle::{InstallError, Lifecycle, ModuleSource, ReloadStep};
use serde_json::{Value, json};
use storefront::{Options, Storefront};

mod served;
use served::module;

#[path = "admin_page/driver.rs"]
mod driver;
use driver::{Page, browser_tools};

/// The policy every page response must carry, exactly.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
     img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";
/// How often the test calls the module's route between two usage reads.
const CALLS: u64 = 3;
/// One of the wishlist's tables, as its `module.toml` declares it: a
/// version without it would drop the table (and its data).
const LEDGER_TABLE: &str = r#"[[tables]]
name = "mod_wishlist_ledger"
columns = [
  { name = "event_id", type = "text", nullable = false, unique = true },
]
"#;

/// The storefront (for shoppers) and its admin API and page, each on a free
/// loopback port.
struct Shop {
    storefront: String,
    admin: String,
    operator_token: String,
    /// A signed-in customer of acme (`cu-ada`).
    customer_token: String,
    /// The storefront's lifecycle, which a hot reload calls.
    lifecycle: Arc<Lifecycle>,
    servers: Vec<tokio::task::JoinHandle<()>>,
    _data: tempfile::TempDir,
}

impl Shop {
    async fn start(modules: Vec<ModuleSource>, dev_mode: bool) -> Shop {
        let data = tempfile::tempdir().unwrap();
        let storefront = Storefront::start(Options {
            // The likes component is compiled once for the whole test run.
            compile_cache: Some(modgate_artifacts::COMPILE_CACHE.into()),
            dev_mode,
            ..Options::new(data.path().to_path_buf(), modules)
        })
        .await
        .expect("storefront starts");
        let operator_token = storefront.operator_token.clone();
        let customer_token = storefront.token_for("acme", "cu-ada").unwrap();
        let lifecycle = storefront.lifecycle.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let admin = format!("http://{}", listener.local_addr().unwrap());
        let router = storefront.admin_router.clone();
        let admin_server = tokio::spawn(async move {
            let _ = Storefront::serve_admin(router, listener).await;
        });
        let (storefront, server) = served::serve(storefront).await;
        Shop {
            storefront,
            admin,
            operator_token,
            customer_token,
            lifecycle,
            servers: vec![admin_server, server],
            _data: data,
        }
    }

    /// `GET` of a storefront path as an anonymous shopper: the status.
    async fn get(&self, path: &str) -> u16 {
        status(self.shopper_get(path)).await
    }

    /// `GET` of a storefront path as acme's signed-in customer: the status.
    async fn get_signed_in(&self, path: &str) -> u16 {
        status(self.shopper_get(path).bearer_auth(&self.customer_token)).await
    }

    fn shopper_get(&self, path: &str) -> reqwest::RequestBuilder {
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        client.get(format!("{}{path}", self.storefront))
    }

    /// Reloads `source` as the watch of a modules folder would: acme's result.
    async fn reload_for_acme(&self, source: &ModuleSource) -> Result<ReloadStep, InstallError> {
        let reloads = self
            .lifecycle
            .reload(source)
            .await
            .expect("the reload runs");
        reloads
            .into_iter()
            .find(|reload| reload.tenant.as_str() == "acme")
            .expect("acme has the wishlist")
            .result
    }
}

async fn status(request: reqwest::RequestBuilder) -> u16 {
    request.send().await.unwrap().status().as_u16()
}

/// The wishlist as its folder would hold a new version of it: the same
/// component, the manifest's version set to `version`.
fn wishlist_at(version: &str) -> ModuleSource {
    let source = module(modgate_artifacts::WISHLIST_DIR, modgate_artifacts::WISHLIST);
    let manifest_text = source.manifest_text.replacen(
        r#"version = "0.1.0""#,
        &format!(r#"version = "{version}""#),
        1,
    );
    assert_ne!(
        manifest_text, source.manifest_text,
        "the wishlist's module.toml says version = \"0.1.0\""
    );
    ModuleSource {
        manifest_text,
        ..source
    }
}

impl Drop for Shop {
    fn drop(&mut self) {
        for server in &self.servers {
            server.abort();
        }
    }
}

/// The policy headers of a page response (Playwright gives names in lower case).
fn assert_page_headers(headers: &Value, what: &str) {
    assert_eq!(
        headers["content-security-policy"], PAGE_POLICY,
        "{what}: {headers}"
    );
    assert_eq!(headers["x-frame-options"], "DENY", "{what}: {headers}");
    assert_eq!(
        headers["referrer-policy"], "no-referrer",
        "{what}: {headers}"
    );
    assert_eq!(
        headers["x-content-type-options"], "nosniff",
        "{what}: {headers}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_installs_approves_watches_and_disables_a_module_through_the_page() {
    let Some(tools) = browser_tools() else { return };
    let started = Instant::now();
    let shop = Shop::start(
        vec![module(
            modgate_artifacts::WISHLIST_DIR,
            modgate_artifacts::WISHLIST,
        )],
        false,
    )
    .await;
    let mut page = Page::launch(&tools, "install");
    let likes = "/modules/likes/products/grinder";

    // `/admin` leads to `/admin/`; both carry the strict policy.
    let opened = page.step(json!({ "step": "open", "url": format!("{}/admin", shop.admin) }));
    assert_eq!(
        (opened["url"].as_str(), opened["status"].as_u64()),
        (Some(format!("{}/admin/", shop.admin).as_str()), Some(200)),
        "{opened}"
    );
    assert_page_headers(&opened["headers"], "/admin/");
    assert_eq!(opened["redirected_from"]["status"], 308, "{opened}");
    assert_page_headers(&opened["redirected_from"]["headers"], "/admin");
    assert_eq!(opened["signin_visible"], true, "{opened}");

    // Signed in with the operator token: the tenants and their modules.
    let signed_in = page.step(json!({ "step": "sign-in", "token": shop.operator_token }));
    assert_eq!(
        signed_in["tenants"],
        json!(["acme", "globex"]),
        "{signed_in}"
    );
    assert_eq!(signed_in["tenant"], "acme", "{signed_in}");
    assert_eq!(
        signed_in["modules"],
        json!([{ "data-module": "wishlist" }]),
        "{signed_in}"
    );
    assert_eq!(signed_in["states"], json!(["enabled"]), "{signed_in}");
    let banner = page.step(json!({ "step": "dev-banner" }));
    assert_eq!(banner["visible"], false, "no dev mode, no banner: {banner}");

    // The install review of the uploaded module: what it asks for, before
    // anything is installed.
    let manifest = format!("{}/module.toml", modgate_artifacts::javascript::LIKES_DIR);
    let review = page.step(json!({ "step": "review", "manifest": manifest, "component": modgate_artifacts::javascript::LIKES }));
    assert!(
        review["title"]
            .as_str()
            .is_some_and(|t| t.contains("likes 0.1.0") && t.contains("acme")),
        "{review}"
    );
    assert_eq!(
        review["permissions"],
        json!([{ "data-permission": "write:own-tables", "data-risk": "medium", "data-needs-acknowledgement": "false" }]),
        "{review}"
    );
    assert_eq!(
        review["routes"],
        json!([
            "GET /products/{product_id}",
            "POST /products/{product_id}/toggle"
        ]),
        "{review}"
    );
    assert_eq!(
        review["acknowledge_visible"], false,
        "nothing to acknowledge: {review}"
    );
    assert_eq!(
        shop.get(likes).await,
        404,
        "nothing is installed before the confirmation"
    );

    // Confirmed: installed and enabled, every route still unapproved.
    let installed = page.step(json!({ "step": "confirm", "acknowledge": false }));
    assert_eq!(installed["title"], "likes (tenant acme)", "{installed}");
    assert_eq!(installed["state"], "enabled", "{installed}");
    let routes = installed["routes"].as_array().unwrap();
    assert!(
        routes.len() == 2 && routes.iter().all(|r| r["data-approved"] == "false"),
        "{installed}"
    );
    let unapproved = shop.get(likes).await;
    assert_ne!(unapproved, 200, "an unapproved route is not served");

    let approved = page.step(json!({ "step": "approve-all" }));
    assert!(
        approved["routes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["data-approved"] == "true"),
        "{approved}"
    );

    // Shoppers call the route; the page's usage view counts them.
    let before = page.step(json!({ "step": "usage" }));
    for _ in 0..CALLS {
        assert_eq!(shop.get(likes).await, 200, "the approved route answers");
    }
    let after = page.step(json!({ "step": "usage" }));
    let shown = after["total"].as_u64().unwrap();
    assert_eq!(
        shown,
        before["total"].as_u64().unwrap() + CALLS,
        "before {before}, after {after}"
    );
    assert_eq!(after["shown"], shown.to_string(), "{after}");
    assert_eq!(after["errors"], 0, "{after}");
    assert!(
        after["chart_max"].as_u64().is_some_and(|max| max >= 1),
        "the chart plots them: {after}"
    );
    // Serving the counts reads the module's own table: the permission is used.
    let least_privilege = &after["least_privilege"];
    assert_eq!(
        least_privilege["used"],
        json!([{ "data-permission": "write:own-tables" }]),
        "{after}"
    );
    assert_eq!(least_privilege["unused"], json!([]), "{after}");
    assert_eq!(
        least_privilege["line"], r#"permissions = ["write:own-tables"]"#,
        "{after}"
    );

    // Disabled from the page: the same route is gone.
    let disabled = page.step(json!({ "step": "disable" }));
    assert_eq!(
        (disabled["state"].as_str(), disabled["toggle"].as_str()),
        (Some("disabled"), Some("Enable")),
        "{disabled}"
    );
    assert_eq!(
        shop.get(likes).await,
        404,
        "a disabled module's route is not served"
    );

    // Every change is in the audit log as the operator's.
    let audit = page.step(json!({ "step": "audit-log" }));
    let likes_actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["module"] == "likes")
        .inspect(|e| assert_eq!(e["actor"], "operator:shop-operator", "{e}"))
        .filter_map(|e| e["action"].as_str())
        .collect();
    for action in ["install", "approve", "disable"] {
        assert!(likes_actions.contains(&action), "{action} audited: {audit}");
    }

    // The settings form, generated from wishlist's JSON Schema: a value out
    // of range comes back with the API's problems next to the form.
    let wishlist = page.step(json!({ "step": "open-module", "module": "wishlist" }));
    assert_eq!(
        wishlist["settings"],
        json!([{ "data-setting": "max-items", "data-kind": "integer", "min": "1", "max": "500" }]),
        "{wishlist}"
    );
    let refused = page.step(json!({ "step": "save-setting", "label": "max-items", "value": "0" }));
    assert!(
        !refused["problems"].as_array().unwrap().is_empty(),
        "{refused}"
    );
    // Refused requests are console errors of the browser's own ("Failed to
    // load resource"), not of the page.
    page.console.retain(|line| {
        !line.contains("Failed to load resource: the server responded with a status of 422")
    });
    let saved = page.step(json!({ "step": "save-setting", "label": "max-items", "value": "50" }));
    assert_eq!(
        (saved["problems"].clone(), saved["value"].clone()),
        (json!([]), json!("50")),
        "{saved}"
    );

    assert_eq!(
        page.console,
        Vec::<String>::new(),
        "no console error (a CSP violation would be one)"
    );
    eprintln!(
        "admin page: the whole flow took {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dev_mode_host_shows_the_red_banner_on_the_page() {
    let Some(tools) = browser_tools() else { return };
    let shop = Shop::start(Vec::new(), true).await;
    let mut page = Page::launch(&tools, "dev-mode");

    let opened = page.step(json!({ "step": "open", "url": format!("{}/admin/", shop.admin) }));
    assert_page_headers(&opened["headers"], "/admin/");
    let banner = page.step(json!({ "step": "dev-banner" }));
    assert_eq!(banner["visible"], true, "shown before signing in: {banner}");

    page.step(json!({ "step": "sign-in", "token": shop.operator_token }));
    let banner = page.step(json!({ "step": "dev-banner" }));
    assert_eq!(banner["visible"], true, "{banner}");
    assert!(
        banner["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("DEV MODE")),
        "{banner}"
    );
    assert_eq!(page.console, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_sees_a_failed_reload_and_a_staged_version_and_promotes_it_through_the_page() {
    let Some(tools) = browser_tools() else { return };
    let shop = Shop::start(
        vec![module(
            modgate_artifacts::WISHLIST_DIR,
            modgate_artifacts::WISHLIST,
        )],
        false,
    )
    .await;
    let mut page = Page::launch(&tools, "promote");
    let items = "/modules/wishlist/items";

    // The storefront installed 0.1.0 and approved its routes; no reload yet.
    page.step(json!({ "step": "open", "url": format!("{}/admin/", shop.admin) }));
    page.step(json!({ "step": "sign-in", "token": shop.operator_token }));
    let serving = page.step(json!({ "step": "reload-status", "module": "wishlist" }));
    assert_eq!(serving["version"], "0.1.0", "{serving}");
    assert_eq!(serving["staged"]["visible"], false, "{serving}");
    assert_eq!(
        (
            serving["last_reload"]["action"].as_str(),
            serving["last_reload"]["text"].as_str()
        ),
        (Some(""), Some("none")),
        "{serving}"
    );

    // 0.2.0 without one of its tables: refused, 0.1.0 serves on, and the
    // page says why.
    let mut without_ledger = wishlist_at("0.2.0");
    without_ledger.manifest_text = without_ledger.manifest_text.replacen(LEDGER_TABLE, "", 1);
    assert!(
        !without_ledger.manifest_text.contains("mod_wishlist_ledger"),
        "the wishlist's module.toml declares the table as LEDGER_TABLE says"
    );
    let refused = shop
        .reload_for_acme(&without_ledger)
        .await
        .expect_err("dropping a table is refused");
    assert_eq!(refused.code(), "destructive-change", "{refused}");
    let failed = page.step(json!({ "step": "reload-status", "module": "wishlist" }));
    assert_eq!(failed["version"], "0.1.0", "{failed}");
    assert_eq!(failed["staged"]["visible"], false, "{failed}");
    let last = &failed["last_reload"];
    assert_eq!(
        (last["action"].as_str(), last["failed"].as_bool()),
        (Some("reload-failed"), Some(true)),
        "{failed}"
    );
    assert!(
        last["text"]
            .as_str()
            .is_some_and(|t| t.contains("version 0.2.0") && t.contains("destructive-change: ")),
        "{failed}"
    );

    // 0.2.0 with its tables: staged beside 0.1.0, which keeps the traffic.
    match shop.reload_for_acme(&wishlist_at("0.2.0")).await {
        Ok(ReloadStep::Staged(outcome)) => assert_eq!(outcome.version, "0.2.0"),
        other => panic!("a version with routes is staged: {other:?}"),
    }
    assert_eq!(shop.get_signed_in(items).await, 200, "0.1.0 serves on");
    let staged = page.step(json!({ "step": "reload-status", "module": "wishlist" }));
    assert_eq!(staged["version"], "0.1.0", "{staged}");
    assert_eq!(
        (
            staged["staged"]["visible"].as_bool(),
            staged["staged"]["version"].as_str()
        ),
        (Some(true), Some("0.2.0")),
        "{staged}"
    );
    assert!(
        staged["staged"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("Staged 0.2.0") && t.contains("serves once promoted")),
        "{staged}"
    );
    assert_eq!(
        (
            staged["last_reload"]["action"].as_str(),
            staged["last_reload"]["failed"].as_bool()
        ),
        (Some("stage"), Some(false)),
        "{staged}"
    );

    // Promoted from the page: 0.2.0 serves, every route approved for it.
    let promoted = page.step(json!({ "step": "promote" }));
    assert!(
        promoted["flash"]
            .as_str()
            .is_some_and(|t| t.starts_with("Promoted wishlist 0.1.0 → 0.2.0")),
        "{promoted}"
    );
    assert_eq!(promoted["version"], "0.2.0", "{promoted}");
    assert_eq!(promoted["staged"]["visible"], false, "{promoted}");
    assert_eq!(promoted["last_reload"]["action"], "promote", "{promoted}");
    let routes = promoted["routes"].as_array().unwrap();
    assert!(
        routes.len() == 5 && routes.iter().all(|r| r["data-approved"] == "true"),
        "{promoted}"
    );
    assert_eq!(shop.get_signed_in(items).await, 200, "0.2.0 serves");

    assert_eq!(page.console, Vec::<String>::new());
}
