//! An HTTP bridge over real loopback for end-to-end tests: a fresh SQLite
//! database, the sample commerce data, a [`ModuleBridge`] served by axum on
//! `127.0.0.1:0`, and a client.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use modgate_host::default_host::{HostOptions, default_host};
use modgate_host::engine::{EngineConfig, TenantId};
use modgate_host::http::identity::{IdentityConfig, VerificationKey, issue_hs256};
use modgate_host::http::{HttpConfig, ModuleBridge, SessionResolver};
use modgate_host::lifecycle::{InstallOutcome, InstallRequest, Lifecycle, RouteSelection};
use modgate_host::storage::Storage;
use modgate_host::testing::InMemoryCommerce;

/// The HS256 secret test tokens are signed with.
pub const SECRET: &[u8] = b"modgate-test-secret-0123456789-abcdef";
/// The issuer the bridge expects.
pub const ISSUER: &str = "test-issuer";
/// The audience the bridge expects.
pub const AUDIENCE: &str = "modgate";
/// The host name mapped to tenant `globex`.
pub const GLOBEX_HOST: &str = "globex.test";

/// A bridge configuration for tests: tenant `acme` by default, `globex` on
/// [`GLOBEX_HOST`], HS256 tokens, approvals read on every request, and a
/// rate limit high enough not to interfere.
pub fn test_http_config() -> HttpConfig {
    let mut config = HttpConfig {
        default_tenant: Some("acme".to_owned()),
        identity: IdentityConfig {
            keys: vec![VerificationKey::Hs256 {
                kid: None,
                secret: SECRET.to_vec(),
            }],
            issuer: Some(ISSUER.to_owned()),
            audience: Some(AUDIENCE.to_owned()),
            ..IdentityConfig::default()
        },
        refresh: Duration::ZERO,
        ..HttpConfig::default()
    };
    config.tenant_hosts.insert(GLOBEX_HOST.to_owned(), "globex".to_owned());
    config.rate_limit.capacity = 100_000;
    config.rate_limit.refill_per_second = 100_000;
    config
}

/// A running bridge.
pub struct HttpHarness {
    /// The lifecycle behind the bridge.
    pub lifecycle: Arc<Lifecycle>,
    /// The bridge.
    pub bridge: Arc<ModuleBridge>,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// A client without proxies or redirects.
    pub client: reqwest::Client,
    /// The database's URL, for a second host (another process) on it.
    pub database_url: String,
    server: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
}

impl Drop for HttpHarness {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Starts a bridge with `http` and the default engine configuration.
pub async fn http_harness(http: HttpConfig) -> HttpHarness {
    http_harness_with(http, EngineConfig::default()).await
}

/// Starts a bridge with `http` and `engine`.
pub async fn http_harness_with(http: HttpConfig, engine: EngineConfig) -> HttpHarness {
    start(http, engine, None).await
}

/// Starts a bridge with `http` that also identifies customers by the
/// integrator's `sessions`.
pub async fn http_harness_with_sessions(http: HttpConfig, sessions: Arc<dyn SessionResolver>) -> HttpHarness {
    start(http, EngineConfig::default(), Some(sessions)).await
}

async fn start(http: HttpConfig, engine: EngineConfig, sessions: Option<Arc<dyn SessionResolver>>) -> HttpHarness {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("modgate.db").display());
    let storage = Storage::connect(&url).await.expect("database opens");
    // (`url` is kept for `database_url`.)
    let options = HostOptions {
        engine: crate::cached(engine),
        commerce: InMemoryCommerce::sample().into_commerce(),
        ..HostOptions::default()
    };
    let lifecycle = Arc::new(default_host(storage, options).expect("engine starts"));
    let bridge = match sessions {
        Some(sessions) => ModuleBridge::with_sessions(lifecycle.clone(), http, sessions),
        None => ModuleBridge::new(lifecycle.clone(), http),
    }
    .expect("bridge config is valid");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("loopback port");
    let address = listener.local_addr().expect("bound");
    let router = bridge.router().into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    HttpHarness {
        lifecycle,
        bridge,
        base: format!("http://{address}"),
        client,
        database_url: url,
        server,
        _dir: dir,
    }
}

impl HttpHarness {
    /// Installs a module (granting what it asks for, high-risk
    /// permissions acknowledged).
    pub async fn install(&self, tenant: &TenantId, manifest_toml: &str, component: &str) -> InstallOutcome {
        let request = InstallRequest::new(crate::source(manifest_toml, component), tenant.clone());
        self.lifecycle
            .install(InstallRequest { acknowledge_risk: true, ..request })
            .await
            .unwrap_or_else(|e| panic!("install failed: {e}"))
    }

    /// Approves every declared route.
    pub async fn approve_all(&self, tenant: &TenantId, module: &str) {
        self.lifecycle
            .approve_routes(tenant, module, &RouteSelection::All, "test")
            .await
            .expect("approve");
    }

    /// Approves these routes (`METHOD /path`).
    pub async fn approve(&self, tenant: &TenantId, module: &str, routes: &[&str]) {
        let routes = routes.iter().map(|r| r.to_string()).collect();
        self.lifecycle
            .approve_routes(tenant, module, &RouteSelection::Only(routes), "test")
            .await
            .expect("approve");
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A valid token for `customer` of `tenant`, for an hour.
    pub fn token(&self, tenant: &str, customer: &str) -> String {
        token_with(&serde_json::json!({
            "sub": customer, "tenant": tenant, "iss": ISSUER, "aud": AUDIENCE, "exp": now() + 3600,
        }))
    }
}

/// Signs arbitrary claims with [`SECRET`].
pub fn token_with(claims: &serde_json::Value) -> String {
    issue_hs256(SECRET, claims).expect("sign")
}

/// Seconds since the epoch.
pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// A response's status, selected headers and JSON body.
pub async fn json(response: reqwest::Response) -> (u16, reqwest::header::HeaderMap, serde_json::Value) {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
    (status, headers, body)
}

/// The error code of a bridge refusal body.
pub fn code(body: &serde_json::Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<no code>")
}

/// Routes given as `METHOD /path` into a set.
pub fn subjects(routes: &[&str]) -> BTreeSet<String> {
    routes.iter().map(|r| r.to_string()).collect()
}
