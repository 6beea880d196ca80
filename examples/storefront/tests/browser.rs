//! Module content in a real browser: headless Chromium opens a hostile
//! module's HTML page on the storefront's own origin while the customer is
//! signed in, and its script must not run — no cookie or token read, no
//! credentialed request as the customer, nothing sent anywhere.
//!
//! So that the test can fail, the very same page bytes are then served by a
//! plain route of this test's own router on the same origin, without the
//! host's policy: there the script runs, reaches the signed-in session and
//! changes the customer's wishlist. Nothing in the host can switch the policy
//! off; the difference is only who serves the bytes.
//!
//! The storefront's own review form in the same browser: posted from the
//! page with the browser's own cookie and origin headers, a review with a
//! banned word comes back refused with the reviews module's message, and an
//! accepted one lands on the page with its rating.
//!
//! Chromium comes from the system (`apt-get install chromium`; `.ci/run`
//! installs it). Without it each test prints one `SKIPPED (Chromium)` line,
//! unless `MODGATE_REQUIRE_CHROMIUM=1` (set by `.ci/run`) makes it fail.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use modgate_host::lifecycle::ModuleSource;
use storefront::{Options, Storefront};

/// How long one browser run may take before the test gives up.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(120);
/// Virtual time the page gets to run its script (network waits do not use it up).
const VIRTUAL_TIME_MS: u32 = 5000;

fn module(manifest_dir: &str, component: &str) -> ModuleSource {
    ModuleSource::new(std::fs::read_to_string(format!("{manifest_dir}/module.toml")).unwrap(), modgate_artifacts::read(component))
}

/// The system's Chromium, or `None` (after saying so) when it is missing.
fn chromium() -> Option<PathBuf> {
    let named = std::env::var_os("MODGATE_CHROMIUM").map(PathBuf::from);
    let found = named.or_else(|| {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path)
            .flat_map(|dir| {
                ["chromium", "chromium-browser", "google-chrome"].map(|name| dir.join(name))
            })
            .find(|candidate| candidate.is_file())
    });
    if found.is_none() {
        let why = "no chromium on PATH (apt-get install chromium, or set MODGATE_CHROMIUM)";
        if std::env::var("MODGATE_REQUIRE_CHROMIUM").is_ok_and(|v| v == "1") {
            panic!("Chromium is required (MODGATE_REQUIRE_CHROMIUM=1): {why}");
        }
        eprintln!("SKIPPED (Chromium): {why}");
    }
    found
}

/// One request the browser made, as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    signed_in: bool,
}

/// What the test's own routes share.
#[derive(Clone)]
struct Witness {
    seen: Arc<Mutex<Vec<Seen>>>,
    collected: Arc<Mutex<Vec<String>>>,
    hostile_html: Arc<Mutex<String>>,
    base: Arc<str>,
}

impl Witness {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn collected(&self) -> Vec<String> {
        self.collected.lock().unwrap().clone()
    }

    fn clear(&self) {
        self.seen.lock().unwrap().clear();
        self.collected.lock().unwrap().clear();
    }
}

/// Records every request (and whether it carried the session cookie).
async fn record(State(witness): State<Witness>, request: Request, next: Next) -> Response {
    let signed_in = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.contains("storefront_session=ey"));
    witness.seen.lock().unwrap().push(Seen {
        method: request.method().to_string(),
        path: request.uri().path().to_owned(),
        signed_in,
    });
    next.run(request).await
}

/// The attacker's collector, on the shop's origin.
async fn collect(State(witness): State<Witness>, body: String) -> StatusCode {
    witness.collected.lock().unwrap().push(body);
    StatusCode::NO_CONTENT
}

#[derive(serde::Deserialize)]
struct SignInQuery {
    next: String,
}

/// Signs the browser in through the storefront's real `/login/cu-ada`
/// (its `Set-Cookie` is passed on as is), then sends it to `next`.
async fn sign_in(
    State(witness): State<Witness>,
    Query(SignInQuery { next }): Query<SignInQuery>,
) -> Response {
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = client
        .get(format!("{}/login/cu-ada", witness.base))
        .send()
        .await
        .unwrap();
    let cookie = login.headers()[header::SET_COOKIE].clone();
    let mut response = (StatusCode::FOUND, "").into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    response
        .headers_mut()
        .insert(header::LOCATION, HeaderValue::from_str(&next).unwrap());
    response
}

/// The module's page bytes from a plain route: no host policy.
async fn unprotected(State(witness): State<Witness>) -> Response {
    let html = witness.hostile_html.lock().unwrap().clone();
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

/// Drives the storefront's own review form as a customer would: reads the
/// page (signed in), takes the form of `?product=` from it exactly as the
/// shop wrote it, fills in `rating` and `body` and submits it — a real form
/// navigation with the browser's own cookie and origin headers — into a
/// popup (headless `--dump-dom` cannot follow the top page navigating away),
/// then copies the page it landed on into `<template id="landed">`.
async fn review_form_driver() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        REVIEW_FORM_DRIVER,
    )
        .into_response()
}

const REVIEW_FORM_DRIVER: &str = r#"<!doctype html><html><head><title>driver</title></head><body><script>
(async () => {
  const params = new URLSearchParams(location.search);
  const page = new DOMParser().parseFromString(await (await fetch('/')).text(), 'text/html');
  const form = page.querySelector('#product-' + params.get('product') + ' form.review');
  if (!form) { document.title = 'no review form on the page'; return; }
  form.elements.rating.value = params.get('rating');
  form.elements.body.value = params.get('body');
  document.body.append(document.adoptNode(form));
  const landed = window.open('about:blank', 'landed');
  if (!landed) { document.title = 'popup blocked'; return; }
  form.target = 'landed';
  form.submit();
  while (landed.location.href === 'about:blank' || landed.document.readyState !== 'complete') {
    await new Promise((done) => setTimeout(done, 50));
  }
  const copy = document.createElement('template');
  copy.id = 'landed';
  copy.innerHTML = landed.document.documentElement.outerHTML;
  document.body.append(copy);
  landed.close();
})();
</script></body></html>"#;

/// Runs headless Chromium on `url` with a fresh profile (and `extra`
/// flags) and returns the DOM.
fn dump_dom(browser: &Path, url: &str, extra: &[&str]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
        ])
        .args([
            "--disable-background-networking",
            "--disable-extensions",
            "--no-proxy-server",
        ])
        .args(extra)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--virtual-time-budget={VIRTUAL_TIME_MS}"))
        .arg("--dump-dom")
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", browser.display()));
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > BROWSER_TIMEOUT {
            let _ = child.kill();
            panic!("chromium did not finish within {BROWSER_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    let dom = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success() && dom.contains("<html"),
        "chromium failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    dom
}

async fn wishlist_of_ada(base: &str, token: &str) -> Vec<String> {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let body: serde_json::Value = client
        .get(format!("{base}/modules/wishlist/items"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items in {body}"))
        .iter()
        .filter_map(|item| item["product_id"].as_str().map(str::to_owned))
        .collect()
}

/// The storefront with `modules` and this test's own routes on one free
/// port of 127.0.0.1, every request recorded.
struct Served {
    base: String,
    /// Ada's bearer token, for reading her data outside the browser.
    token: String,
    witness: Witness,
    server: tokio::task::JoinHandle<()>,
    _storefront: Storefront,
    _data: tempfile::TempDir,
}

async fn serve(modules: Vec<ModuleSource>) -> Served {
    let data = tempfile::tempdir().unwrap();
    let storefront = Storefront::start(Options::new(data.path().to_path_buf(), modules))
    .await
    .expect("storefront starts");
    let token = storefront.token_for("acme", "cu-ada").unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address: SocketAddr = listener.local_addr().unwrap();
    let base = format!("http://{address}");

    let witness = Witness {
        seen: Arc::default(),
        collected: Arc::default(),
        hostile_html: Arc::default(),
        base: Arc::from(base.as_str()),
    };
    let app = storefront
        .router
        .clone()
        .merge(
            Router::new()
                .route("/collect", post(collect))
                .route("/test/sign-in", get(sign_in))
                .route("/test/unprotected/hostile-page", get(unprotected))
                .route("/test/review-form", get(review_form_driver))
                .with_state(witness.clone()),
        )
        .layer(middleware::from_fn_with_state(witness.clone(), record));
    let server = tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });
    Served {
        base,
        token,
        witness,
        server,
        _storefront: storefront,
        _data: data,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_module_page_cannot_act_as_the_signed_in_customer() {
    let Some(browser) = chromium() else { return };
    let Served {
        base,
        token,
        witness,
        server,
        _storefront,
        _data,
    } = serve(vec![
        module(modgate_artifacts::WISHLIST_DIR, modgate_artifacts::WISHLIST),
        module(
            modgate_artifacts::HOSTILE_PAGE_DIR,
            modgate_artifacts::HOSTILE_PAGE,
        ),
    ])
    .await;

    // The hostile module's page as the host serves it: the control route
    // below serves exactly these bytes.
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let served = client
        .get(format!("{base}/modules/hostile-page/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(served.status().as_u16(), 200);
    assert!(
        served.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("sandbox;")
    );
    let html = served.text().await.unwrap();
    assert!(
        html.contains("<script>") && html.contains("/collect"),
        "{html}"
    );
    *witness.hostile_html.lock().unwrap() = html;
    witness.clear();

    assert!(wishlist_of_ada(&base, &token).await.is_empty());

    // 1. The module's page, through the host, signed in.
    let url = format!("{base}/test/sign-in?next=/modules/hostile-page/page");
    let dom = tokio::task::spawn_blocking({
        let browser = browser.clone();
        move || dump_dom(&browser, &url, &[])
    })
    .await
    .unwrap();
    let seen = witness.seen();
    assert!(
        seen.iter()
            .any(|s| s.path == "/modules/hostile-page/page" && s.signed_in),
        "the browser opened the module's page signed in: {seen:?}"
    );
    // The script's source is in the DOM; what it would have written is not.
    assert!(
        dom.contains("<title>Great deals</title>")
            && dom.contains(r#"<p id="status">static page</p>"#),
        "the script must not run: {dom}"
    );
    assert_eq!(
        witness.collected(),
        Vec::<String>::new(),
        "the collector must receive nothing"
    );
    // Only the browser's own favicon request may follow the page.
    let after_page: Vec<&Seen> = seen
        .iter()
        .skip_while(|s| s.path != "/modules/hostile-page/page")
        .skip(1)
        .filter(|s| s.path != "/favicon.ico")
        .collect();
    assert!(
        after_page.is_empty(),
        "the page made no request at all: {after_page:?}"
    );
    assert!(
        wishlist_of_ada(&base, &token).await.is_empty(),
        "the wishlist is unchanged"
    );

    // 2. The same bytes from a plain route on the same origin, no host policy:
    //    the attack works, so the assertions above can fail.
    witness.clear();
    let url = format!("{base}/test/sign-in?next=/test/unprotected/hostile-page");
    let dom = tokio::task::spawn_blocking(move || dump_dom(&browser, &url, &[]))
        .await
        .unwrap();
    assert!(
        dom.contains("<title>attack ran</title>") && dom.contains(r#"<p id="status">attack ran: "#),
        "{dom}"
    );
    let collected = witness.collected();
    assert_eq!(collected.len(), 1, "{collected:?}");
    let report: serde_json::Value = serde_json::from_str(&collected[0]).unwrap();
    assert_eq!(
        report["signedIn"], true,
        "the script reached the signed-in page: {report}"
    );
    assert_eq!(
        report["wishlistStatus"], 200,
        "and acted as the customer: {report}"
    );
    // Even unsandboxed, the session itself stays unreadable: HttpOnly, and
    // the page carries no token.
    assert_eq!(report["cookie"], "", "{report}");
    assert_eq!(report["token"], serde_json::Value::Null, "{report}");
    assert!(
        witness.seen().iter().any(|s| s.method == "POST"
            && s.path == "/modules/wishlist/items/grinder"
            && s.signed_in),
        "{:?}",
        witness.seen()
    );
    assert_eq!(wishlist_of_ada(&base, &token).await, ["grinder"]);
    server.abort();
}

/// Signs a fresh browser in as Ada, posts a review of `product` through the
/// page's form and returns the page it lands on (as the browser's DOM).
async fn review_in_browser(
    browser: &Path,
    base: &str,
    product: &str,
    rating: &str,
    body: &str,
) -> String {
    let form = reqwest::Url::parse_with_params(
        &format!("{base}/test/review-form"),
        &[("product", product), ("rating", rating), ("body", body)],
    )
    .unwrap();
    let next = &form.as_str()[base.len()..];
    let url = reqwest::Url::parse_with_params(&format!("{base}/test/sign-in"), &[("next", next)])
        .unwrap();
    let browser = browser.to_path_buf();
    // The driver's own popup: the hostile-page test keeps the blocker on.
    let dom = tokio::task::spawn_blocking(move || {
        dump_dom(&browser, url.as_str(), &["--disable-popup-blocking"])
    })
    .await
    .unwrap();
    match dom.find(r#"<template id="landed">"#) {
        Some(start) => dom[start..].to_owned(),
        None => panic!("the driver did not land anywhere: {dom}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_posted_through_the_pages_form_is_checked_by_the_module_then_rated() {
    let Some(browser) = chromium() else { return };
    let served = serve(vec![module(
        modgate_artifacts::REVIEWS_DIR,
        modgate_artifacts::REVIEWS,
    )])
    .await;
    let posted = |witness: &Witness| {
        witness
            .seen()
            .iter()
            .filter(|s| {
                s.method == "POST" && s.path == "/products/espresso-cup/reviews" && s.signed_in
            })
            .count()
    };

    // A banned word: the module's before-create hook refuses it, and the
    // page the browser lands on says why, with the draft to correct.
    let dom = review_in_browser(&browser, &served.base, "espresso-cup", "5", "What a scam").await;
    assert_eq!(
        posted(&served.witness),
        1,
        "the form was posted with the session: {:?}",
        served.witness.seen()
    );
    assert!(
        dom.contains(r#"<li>Please remove "scam" from your review.</li>"#),
        "{dom}"
    );
    assert!(dom.contains(">What a scam</textarea>"), "{dom}");
    assert!(
        dom.contains(r#"<p class="rating">No reviews yet</p>"#),
        "{dom}"
    );

    // Accepted: the browser follows the redirect to the page, which counts it.
    served.witness.clear();
    let dom = review_in_browser(&browser, &served.base, "espresso-cup", "5", "Lovely cup").await;
    assert_eq!(posted(&served.witness), 1, "{:?}", served.witness.seen());
    assert!(
        dom.contains("Thank you: your review of Espresso cup is posted."),
        "{dom}"
    );
    assert!(
        dom.contains(r#"<p class="rating">★ 5.0 (1 review)</p>"#),
        "{dom}"
    );
    served.server.abort();
}
