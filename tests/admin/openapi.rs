//! The OpenAPI document (`host/src/admin/openapi.json`) held to the real
//! API: it is what the API serves; it lists every route of the router and
//! no other; and every documented operation, called on a real host in an
//! operator's order, answers a status the document lists for it, in a
//! documented media type, with a body that fits the documented schema —
//! refusals included (a malformed request answers `Error` like any other).
//! The hot-reload operations are called on a second listener whose API runs
//! a watch (the harness's runs none, and answers them `hot-reload-off`).

#[path = "openapi_support.rs"]
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use modgate_artifacts::WISHLIST;
use modgate_host::admin::OPENAPI_DOCUMENT;
use modgate_host::reload::{HotReload, ReloadLimits};
use modgate_tests::admin::{ALICE, AdminHarness, admin_code, admin_harness};
use modgate_tests::run;
use reqwest::Method;
use serde_json::{Value, json};

use super::{review_wishlist, wishlist_manifest};
use support::{Api, Document, WatchedAdmin, fill, routes_in_router_source};

const DOCUMENT: &str = "/api/v1/admin/openapi.json";
const HOST: &str = "/api/v1/admin/host";
const AUDIT_LOG: &str = "/api/v1/admin/audit-log";
const MODULES: &str = "/api/v1/admin/tenants/{tenant}/modules";
const REVIEWS: &str = "/api/v1/admin/tenants/{tenant}/reviews";
const REVIEW: &str = "/api/v1/admin/tenants/{tenant}/reviews/{review}";
const CONFIRM: &str = "/api/v1/admin/tenants/{tenant}/reviews/{review}/confirm";
const MODULE: &str = "/api/v1/admin/tenants/{tenant}/modules/{module}";
const PROMOTE: &str = "/api/v1/admin/tenants/{tenant}/modules/{module}/promote";
const HOT_RELOAD: &str = "/api/v1/admin/hot-reload";
const RESUME: &str = "/api/v1/admin/hot-reload/{folder}/resume";
const METRICS: &str = "/metrics";

#[test]
fn the_served_document_is_the_one_in_the_source_and_is_openapi_3_1() {
    run(async {
        let h = admin_harness(false).await;
        let response = h.http.client.get(format!("{}{DOCUMENT}", h.admin)).send().await.unwrap();
        assert_eq!(response.status(), 200, "the document needs no token");
        assert_eq!(response.headers()[reqwest::header::CONTENT_TYPE], "application/json");
        let served = response.text().await.unwrap();
        assert_eq!(served, OPENAPI_DOCUMENT, "the API serves host/src/admin/openapi.json as it is");
        let document = Document::parse();
        assert_eq!(document.0["openapi"], "3.1.0");
        assert_eq!(document.0["security"], json!([{ "operatorToken": [] }]), "every operation needs the operator token…");
        assert_eq!(document.0["paths"][DOCUMENT]["get"]["security"], json!([]), "…but the document itself");
        assert_eq!(document.0["components"]["securitySchemes"]["operatorToken"]["scheme"], "bearer");
    });
}

#[test]
fn every_route_of_the_router_is_documented_and_every_documented_operation_is_routed() {
    let documented = Document::parse().operations();
    let routed = routes_in_router_source();
    let undocumented: Vec<String> = routed.difference(&documented).map(|(m, p)| format!("{m} {p}")).collect();
    let unrouted: Vec<String> = documented.difference(&routed).map(|(m, p)| format!("{m} {p}")).collect();
    assert!(undocumented.is_empty(), "routes of router() (host/src/admin/mod.rs) that openapi.json does not document: {undocumented:#?}");
    assert!(unrouted.is_empty(), "operations openapi.json documents that router() does not route: {unrouted:#?}");

    // The same, asked of the running router: a documented operation is
    // never answered by its fallback (404 `not-found`) or 405
    // (`method-not-allowed`), both an `Error` of the document.
    run(async {
        let h = admin_harness(false).await;
        let document = Document::parse();
        let error = json!({ "$ref": "#/components/schemas/Error" });
        let probe = |method: &str, path: &str| {
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let request = h.request(method, path, ALICE);
            async move {
                let response = request.send().await.unwrap();
                let status = response.status().as_u16();
                let text = response.text().await.unwrap();
                (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
            }
        };
        let (status, body) = probe("GET", "/api/v1/admin/nowhere").await;
        assert_eq!((status, admin_code(&body)), (404, "not-found"), "the fallback this probe looks for: {body}");
        document.validate("the fallback's 404", &error, &body);
        let (status, body) = probe("PUT", HOST).await;
        assert_eq!((status, admin_code(&body)), (405, "method-not-allowed"), "a method the router does not route: {body}");
        document.validate("the 405", &error, &body);
        let params = [("tenant", "probe"), ("module", "probe"), ("review", "probe"), ("folder", "probe")];
        for (method, template) in &documented {
            let (status, body) = probe(method, &fill(template, &params)).await;
            assert!(
                !(status == 404 && admin_code(&body) == "not-found") && status != 405,
                "{method} {template} is documented, but the router has no such route: it answered {status} {body}"
            );
        }
    });
}

#[test]
fn every_operation_answers_a_documented_status_with_a_body_that_fits_its_schema() {
    run(async {
        let h = admin_harness(false).await;
        let mut api = Api::new(&h);
        let module = |tail: &str| format!("{MODULE}{tail}");

        let (status, body) = api.call_anonymously(Method::GET, HOST).await;
        assert_eq!((status, admin_code(&body)), (401, "operator-token-required"));
        let (status, _) = api.call(Method::GET, HOST, &[], |r| r).await;
        assert_eq!(status, 200);
        let (status, body) = api.call(Method::GET, MODULE, &[], |r| r).await;
        assert_eq!((status, admin_code(&body)), (404, "not-installed"));

        // Review by upload, refuse a confirmation, confirm.
        let upload = reqwest::multipart::Form::new()
            .text("manifest", wishlist_manifest())
            .part("component", reqwest::multipart::Part::bytes(std::fs::read(WISHLIST).unwrap()));
        let (status, review) = api.call(Method::POST, REVIEWS, &[], |r| r.multipart(upload)).await;
        assert_eq!(status, 201, "{review}");
        let first = review["review_id"].as_str().unwrap().to_owned();
        let first = [("review", first.as_str())];
        let (status, _) = api.call(Method::GET, REVIEW, &first, |r| r).await;
        assert_eq!(status, 200);
        let (status, body) = api.call(Method::POST, CONFIRM, &first, |r| r.json(&json!({}))).await;
        assert_eq!((status, admin_code(&body)), (409, "acknowledgement-required"));
        let choices = json!({ "acknowledge_risk": true, "settings": { "max-items": 50 }, "allow_hosts": [] });
        let (status, outcome) = api.call(Method::POST, CONFIRM, &first, |r| r.json(&choices)).await;
        assert_eq!(status, 200, "{outcome}");

        let (status, list) = api.call(Method::GET, MODULES, &[], |r| r).await;
        assert_eq!((status, list.as_array().map(Vec::len)), (200, Some(1)));
        let (status, _) = api.call(Method::GET, MODULE, &[], |r| r).await;
        assert_eq!(status, 200);

        // Approve (malformed bodies are refused as `Error`), serve, revoke.
        let (status, body) = api.call(Method::POST, &module("/approve"), &[], |r| r.json(&json!({ "surprise": true }))).await;
        assert_eq!((status, admin_code(&body)), (400, "invalid-body"), "an unknown field");
        let (status, body) = api.call(Method::POST, &module("/approve"), &[], |r| r.body(r#"{ "all": true }"#)).await;
        assert_eq!((status, admin_code(&body)), (415, "unsupported-media-type"), "a body not declared JSON");
        let (status, body) = api.call(Method::POST, &module("/approve"), &[], |r| r).await;
        assert_eq!((status, admin_code(&body)), (400, "invalid-body"), "no body");
        let (status, _) = api.call(Method::POST, &module("/approve"), &[], |r| r.json(&json!({ "all": true }))).await;
        assert_eq!(status, 200);
        let customer = h.http.token("acme", "cu-1");
        let items = h.http.client.get(h.http.url("/modules/wishlist/items")).bearer_auth(&customer).send().await.unwrap();
        assert_eq!(items.status(), 200, "an approved route serves");
        let (status, body) = api.call(Method::POST, &module("/revoke"), &[], |r| r.json(&json!({ "routes": ["GET /items"] }))).await;
        assert_eq!((status, body), (200, json!({ "changed": ["GET /items"] })));

        for (switch, enabled) in [("/disable", false), ("/enable", true)] {
            let (status, body) = api.call(Method::POST, &module(switch), &[], |r| r).await;
            assert_eq!((status, body), (200, json!({ "enabled": enabled, "changed": true })));
        }

        let (status, body) = api.call(Method::PUT, &module("/settings"), &[], |r| r.json(&json!({ "max-items": "lots" }))).await;
        assert_eq!((status, admin_code(&body)), (422, "invalid-settings"));
        assert!(body["problems"].as_array().is_some_and(|p| !p.is_empty()), "{body}");
        let json_body = |r: reqwest::RequestBuilder, body: Vec<u8>| r.header("content-type", "application/json").body(body);
        let (status, body) = api.call(Method::PUT, &module("/settings"), &[], |r| json_body(r, b"{\"max-items\": 3".to_vec())).await;
        assert_eq!((status, admin_code(&body)), (400, "invalid-body"), "malformed JSON");
        let (status, body) = api.call(Method::PUT, &module("/settings"), &[], |r| json_body(r, vec![b' '; 34 << 20])).await;
        assert_eq!((status, admin_code(&body)), (413, "body-too-large"));
        let (status, outcome) = api.call(Method::PUT, &module("/settings"), &[], |r| r.json(&json!({ "max-items": 3 }))).await;
        assert_eq!((status, &outcome["settings"]), (200, &json!({ "max-items": 3 })));

        for reset in ["/breaker/reset", "/hook-breakers/reset"] {
            let (status, _) = api.call(Method::POST, &module(reset), &[], |r| r).await;
            assert_eq!(status, 204, "{reset}");
        }
        let (status, shown) = api.call(Method::GET, MODULE, &[], |r| r).await;
        assert_eq!(status, 200);
        assert!(shown["breaker_reset_at"].is_string() && shown["hooks_reset_at"].is_string(), "{shown}");

        // Reports.
        let (status, series) = api.call(Method::GET, &module("/usage"), &[], |r| r.query(&[("minutes", "60")])).await;
        assert_eq!(status, 200);
        assert!(series.as_array().is_some_and(|points| !points.is_empty()), "the install and a request were counted: {series}");
        let (status, body) = api.call(Method::GET, &module("/usage"), &[], |r| r.query(&[("minutes", "0")])).await;
        assert_eq!((status, admin_code(&body)), (400, "invalid-window"));
        // A query parameter that cannot be read (the uninstall's below).
        let unreadable = [(module("/usage"), ("minutes", "many")), (module("/least-privilege"), ("days", "-1"))];
        for (template, query) in unreadable.iter().chain(&[(AUDIT_LOG.to_owned(), ("limit", "lots"))]) {
            let (status, body) = api.call(Method::GET, template, &[], |r| r.query(&[query])).await;
            assert_eq!((status, admin_code(&body)), (400, "invalid-query"), "{template}?{query:?}: {body}");
        }
        let (status, report) = api.call(Method::GET, &module("/least-privilege"), &[], |r| r.query(&[("days", "30")])).await;
        assert_eq!(status, 200);
        assert_eq!(report["unused"], json!(["subscribe:events", "email:send"]), "{report}");
        let audit = [("tenant", "acme"), ("module", "wishlist"), ("limit", "50")];
        let (status, log) = api.call(Method::GET, AUDIT_LOG, &[], |r| r.query(&audit)).await;
        assert_eq!(status, 200);
        assert_eq!(log[0]["actor"], "operator:alice", "{log}");
        let (status, metrics) = api.call(Method::GET, METRICS, &[], |r| r).await;
        assert_eq!(status, 200);
        assert!(metrics.as_str().unwrap().contains("modgate_invocations_total"), "{metrics}");

        // A second review (an upgrade to the same version), read and discarded.
        let second = review_wishlist(&h, "acme").await;
        api.check_json("POST", REVIEWS, &second);
        assert_eq!(second.0, 201);
        assert_eq!(second.1["review"]["installed_version"], "0.1.0");
        let second = [("review", second.1["review_id"].as_str().unwrap())];
        let (status, _) = api.call(Method::GET, REVIEW, &second, |r| r).await;
        assert_eq!(status, 200);
        let (status, _) = api.call(Method::DELETE, REVIEW, &second, |r| r).await;
        assert_eq!(status, 204);
        let (status, body) = api.call(Method::GET, REVIEW, &second, |r| r).await;
        assert_eq!((status, admin_code(&body)), (404, "no-such-review"));

        stage_through_the_watch_then_promote(&mut api, &h).await;

        // A review of a module folder on the host.
        let folder = tempfile::tempdir().unwrap();
        std::fs::write(folder.path().join("module.toml"), wishlist_manifest()).unwrap();
        std::fs::copy(WISHLIST, folder.path().join("wishlist.wasm")).unwrap();
        let (status, review) =
            api.call(Method::POST, REVIEWS, &[("tenant", "globex")], |r| r.json(&json!({ "path": folder.path() }))).await;
        assert_eq!((status, &review["review"]["tenant"]), (201, &json!("globex")), "{review}");
        // One without a built component: the API never builds it.
        std::fs::remove_file(folder.path().join("wishlist.wasm")).unwrap();
        let (status, body) =
            api.call(Method::POST, REVIEWS, &[("tenant", "globex")], |r| r.json(&json!({ "path": folder.path() }))).await;
        assert_eq!((status, admin_code(&body)), (422, "component-not-found"), "{body}");

        let (status, body) = api.call(Method::DELETE, MODULE, &[], |r| r.query(&[("purge", "perhaps")])).await;
        assert_eq!((status, admin_code(&body)), (400, "invalid-query"));
        let (status, _) = api.call(Method::DELETE, MODULE, &[], |r| r.query(&[("purge", "true")])).await;
        assert_eq!(status, 204);
        let (status, list) = api.call(Method::GET, MODULES, &[], |r| r).await;
        assert_eq!((status, list), (200, json!([])));
        let (status, host) = api.call(Method::GET, HOST, &[], |r| r).await;
        assert!(status == 200 && host["tenants"].as_array().unwrap().contains(&json!("acme")), "{host}");
        let (status, _) = api.call_anonymously(Method::GET, DOCUMENT).await;
        assert_eq!(status, 200);

        let missed: Vec<String> = api.document.operations().difference(&api.succeeded).map(|(m, p)| format!("{m} {p}")).collect();
        assert!(missed.is_empty(), "documented operations this test never called successfully: {missed:#?}");
    });
}

/// The promotion and the hot-reload operations, in an operator's order.
/// With nothing staged and no watch, both are refused. A watch of a folder
/// holding the installed wishlist stages the new version written there —
/// and, every reload counting as slow here, pauses the folder, which the
/// operator resumes. The install shows the staged version and the last
/// reload; a promotion naming an undeclared route is refused, one
/// approving everything makes the new version serve at once.
async fn stage_through_the_watch_then_promote(api: &mut Api, h: &AdminHarness) {
    let all = json!({ "all": true });
    let (status, body) = api.call(Method::POST, PROMOTE, &[], |r| r.json(&all)).await;
    assert_eq!((status, admin_code(&body)), (409, "nothing-staged"), "{body}");
    let (status, body) = api.call(Method::GET, HOT_RELOAD, &[], |r| r).await;
    assert_eq!((status, admin_code(&body)), (404, "hot-reload-off"), "the harness's host runs no watch: {body}");

    let modules = tempfile::tempdir().unwrap();
    let folder = modules.path().join("wishlist");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("module.toml"), wishlist_manifest()).unwrap();
    std::fs::copy(WISHLIST, folder.join("wishlist.wasm")).unwrap();
    let limits = ReloadLimits {
        debounce: Duration::from_millis(200),
        cooldown: Duration::from_millis(200),
        slow_reload: Duration::ZERO,
        max_slow_reloads: 1,
        ..ReloadLimits::default()
    };
    let watch = Arc::new(HotReload::start(modules.path(), limits, h.http.lifecycle.clone()).await.expect("the watch starts"));
    let watched = WatchedAdmin::start(h, watch).await;
    api.switch_to(&watched.base);
    let (status, view) = api.call(Method::GET, HOT_RELOAD, &[], |r| r).await;
    assert_eq!(status, 200);
    assert_eq!(view["folders"], json!([{ "folder": "wishlist", "state": "watching", "slow_reloads": 0, "last": null }]), "{view}");

    let v2 = wishlist_manifest().replace("version = \"0.1.0\"", "version = \"0.2.0\"");
    std::fs::write(folder.join("module.toml"), v2).unwrap();
    let reloaded = poll(api, HOT_RELOAD, |view| view["folders"][0]["last"].is_object()).await;
    let (folder_status, last) = (&reloaded["folders"][0], &reloaded["folders"][0]["last"]);
    assert_eq!(last["outcome"], "reloaded", "{reloaded}");
    assert_eq!(last["tenants"], json!([{ "tenant": "acme", "outcome": "staged", "version": "0.2.0", "code": null, "message": null }]));
    assert_eq!((&folder_status["state"], &folder_status["slow_reloads"]), (&json!("paused"), &json!(1)), "{reloaded}");
    // The pause is audited before the reload is reported.
    let (status, shown) = api.call(Method::GET, MODULE, &[], |r| r).await;
    assert_eq!((status, &shown["last_reload"]["action"]), (200, &json!("reload-paused")), "{shown}");
    assert_eq!((&shown["version"], &shown["staged"]["version"]), (&json!("0.1.0"), &json!("0.2.0")), "{shown}");
    assert_eq!(shown["last_reload"]["code"], "reload-paused", "{shown}");
    let (status, body) = api.call(Method::POST, RESUME, &[("folder", "wishlist")], |r| r).await;
    assert_eq!((status, body), (200, json!({ "resumed": true })));
    let (status, body) = api.call(Method::POST, RESUME, &[("folder", "wishlist")], |r| r).await;
    assert_eq!((status, body), (200, json!({ "resumed": false })), "no longer paused");
    let (status, body) = api.call(Method::POST, RESUME, &[("folder", "nowhere")], |r| r).await;
    assert_eq!((status, admin_code(&body)), (404, "unknown-folder"), "{body}");

    let (status, shown) = api.call(Method::GET, MODULE, &[], |r| r).await;
    assert_eq!((status, &shown["last_reload"]["action"]), (200, &json!("reload-resumed")), "the resume is audited: {shown}");
    let (status, body) = api.call(Method::POST, PROMOTE, &[], |r| r.json(&json!({ "routes": ["GET /nowhere"] }))).await;
    assert_eq!((status, admin_code(&body)), (422, "unknown-route"), "{body}");
    let (status, promotion) = api.call(Method::POST, PROMOTE, &[], |r| r.json(&all)).await;
    assert_eq!(status, 200, "{promotion}");
    assert_eq!((&promotion["previous_version"], &promotion["version"]), (&json!("0.1.0"), &json!("0.2.0")));
    let customer = h.http.token("acme", "cu-1");
    let items = h.http.client.get(h.http.url("/modules/wishlist/items")).bearer_auth(&customer).send().await.unwrap();
    assert_eq!(items.status(), 200, "the promoted version serves its approved routes at once");
    let (status, shown) = api.call(Method::GET, MODULE, &[], |r| r).await;
    assert_eq!((status, &shown["version"], &shown["staged"]), (200, &json!("0.2.0"), &Value::Null), "{shown}");
    assert_eq!(shown["last_reload"]["action"], "promote", "{shown}");
    api.switch_to(&h.admin);
}

/// `GET template` until its answer satisfies `done` (up to a minute: a
/// loaded machine), every answer checked against the document.
async fn poll(api: &mut Api, template: &str, done: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let (status, body) = api.call(Method::GET, template, &[], |r| r).await;
        assert_eq!(status, 200, "{body}");
        if done(&body) {
            return body;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "GET {template} never got there: {body}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
