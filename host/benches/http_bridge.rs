//! HTTP throughput and latency over loopback, measured with `wrk`:
//! `GET /modules/wishlist/items` (10 saved items, sorted, JSON) through the
//! bridge and the wishlist guest, against the same handler written natively
//! in axum (same JWT verification, same SQL on the same SQLite table, same
//! JSON), both served by this process on 127.0.0.1.
//!
//! Run: `cargo bench -p modgate-host --bench http_bridge` (needs `wrk` on
//! the PATH: `apt-get install wrk`). Prints a table for docs/benchmarks.md.

use std::net::SocketAddr;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use modgate_host::default_host::{HostOptions, default_host};
use modgate_host::engine::TenantId;
use modgate_host::http::identity::{IdentityConfig, IdentityVerifier, VerificationKey, issue_hs256};
use modgate_host::http::{HttpConfig, ModuleBridge};
use modgate_host::lifecycle::{InstallRequest, ModuleSource, RouteSelection};
use modgate_host::storage::Storage;
use modgate_host::testing::InMemoryCommerce;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

const SECRET: &[u8] = b"benchmark-secret-0123456789abcdef!!";
const DURATION: &str = "10s";
const CONNECTIONS: &str = "16";

fn identity() -> IdentityConfig {
    IdentityConfig {
        keys: vec![VerificationKey::Hs256 { kid: None, secret: SECRET.to_vec() }],
        ..IdentityConfig::default()
    }
}

struct Native {
    db: DatabaseConnection,
    verifier: IdentityVerifier,
}

/// The wishlist's list endpoint written natively: verify the token, query
/// the tenant's table, answer JSON.
async fn native_items(State(native): State<Arc<Native>>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let Some(customer) = token.and_then(|t| native.verifier.verify(t).ok()) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let statement = Statement::from_sql_and_values(
        DbBackend::Sqlite,
        "SELECT product_id, note, created_at FROM acme__mod_wishlist_items WHERE customer_id = ? ORDER BY created_at DESC LIMIT 500",
        [customer.customer_id.into()],
    );
    let rows = match native.db.query_all_raw(statement).await {
        Ok(rows) => rows,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let items: Vec<serde_json::Value> = rows
        .iter()
        .map(|row| {
            serde_json::json!({
                "product_id": row.try_get::<String>("", "product_id").ok(),
                "note": row.try_get::<Option<String>>("", "note").ok().flatten(),
                "added_at": row.try_get::<String>("", "created_at").ok(),
            })
        })
        .collect();
    axum::Json(serde_json::json!({ "items": items })).into_response()
}

struct Measured {
    requests_per_second: f64,
    p50: String,
    p99: String,
    non_2xx: String,
}

fn wrk(url: &str, token: &str) -> Measured {
    let output = Command::new("wrk")
        .args(["-t2", "-c", CONNECTIONS, "-d", DURATION, "--latency", "-H"])
        .arg(format!("Authorization: Bearer {token}"))
        .arg(url)
        .output()
        .expect("wrk runs (apt-get install wrk)");
    let text = String::from_utf8_lossy(&output.stdout);
    let find = |prefix: &str| {
        text.lines()
            .find(|line| line.trim_start().starts_with(prefix))
            .and_then(|line| line.split_whitespace().nth(1))
            .unwrap_or("?")
            .to_owned()
    };
    let non_2xx = text
        .lines()
        .find(|line| line.contains("Non-2xx"))
        .and_then(|line| line.rsplit(':').next())
        .map(|n| n.trim().to_owned())
        .unwrap_or_else(|| "0".to_owned());
    Measured {
        requests_per_second: find("Requests/sec:").parse().unwrap_or(0.0),
        p50: find("50%"),
        p99: find("99%"),
        non_2xx,
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let tenant = TenantId::new("acme").unwrap();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let token = issue_hs256(SECRET, &serde_json::json!({ "sub": "cu-1", "tenant": "acme", "exp": now + 3600 })).unwrap();

    let (guest_url, native_url) = runtime.block_on(async {
        let storage = Storage::open_data_dir(dir.path()).await.unwrap();
        let options = HostOptions { commerce: InMemoryCommerce::sample().into_commerce(), ..HostOptions::default() };
        let lifecycle = Arc::new(default_host(storage.clone(), options).unwrap());
        let manifest = std::fs::read_to_string(format!("{}/module.toml", modgate_artifacts::WISHLIST_DIR)).unwrap();
        let source = ModuleSource { manifest_text: manifest, component: modgate_artifacts::read(modgate_artifacts::WISHLIST) };
        lifecycle.install(InstallRequest::new(source, tenant.clone())).await.unwrap();
        lifecycle.approve_routes(&tenant, "wishlist", &RouteSelection::All, "bench").await.unwrap();
        for i in 0..10 {
            storage
                .connection()
                .execute_raw(Statement::from_string(
                    DbBackend::Sqlite,
                    format!("INSERT INTO acme__mod_wishlist_items (id, customer_id, product_id, note, created_at, updated_at) VALUES ('id-{i}', 'cu-1', 'p-{i}', NULL, '2026-11-0{}T10:00:00Z', '2026-11-01T10:00:00Z')", i % 9 + 1),
                ))
                .await
                .unwrap();
        }
        let config = HttpConfig {
            default_tenant: Some("acme".into()),
            identity: identity(),
            require_tenant_claim: true,
            // The load generator is one client: no rate limit in the way.
            rate_limit: modgate_host::http::rate_limit::RateLimitConfig {
                capacity: u32::MAX / 2,
                refill_per_second: u32::MAX / 2,
                ..Default::default()
            },
            ..HttpConfig::default()
        };
        let bridge = ModuleBridge::new(lifecycle.clone(), config).unwrap();
        let guest = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let guest_addr = guest.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(guest, bridge.router().into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
        });
        let native = Arc::new(Native { db: storage.connection().clone(), verifier: IdentityVerifier::new(&identity()).unwrap() });
        let app = Router::new().route("/items", get(native_items)).with_state(native);
        let native_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let native_addr = native_listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(native_listener, app.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
        });
        (format!("http://{guest_addr}/modules/wishlist/items"), format!("http://{native_addr}/items"))
    });

    // Both answer the same document before anything is measured.
    let check = |url: &str| {
        let out = Command::new("curl").args(["-s", "-H"]).arg(format!("Authorization: Bearer {token}")).arg(url).output();
        out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default()
    };
    let guest_body = check(&guest_url);
    let native_body = check(&native_url);
    let items = |body: &str| serde_json::from_str::<serde_json::Value>(body).ok().map(|v| v["items"].as_array().map_or(0, Vec::len));
    assert_eq!(items(&guest_body), Some(10), "guest answered {guest_body}");
    assert_eq!(items(&native_body), Some(10), "native answered {native_body}");

    std::thread::sleep(Duration::from_millis(200));
    // HTTP_BENCH=guest or =native measures only that one (for profiling).
    if let Ok(only) = std::env::var("HTTP_BENCH") {
        let url = if only == "native" { &native_url } else { &guest_url };
        let measured = wrk(url, &token);
        println!("{only} only: {:.0} requests/s, p50 {}, p99 {}", measured.requests_per_second, measured.p50, measured.p99);
        return;
    }
    let native = wrk(&native_url, &token);
    let guest = wrk(&guest_url, &token);
    println!("wishlist GET /items (10 items), wrk -t2 -c{CONNECTIONS} -d{DURATION}, loopback, SQLite");
    println!("| handler | requests/s | p50 | p99 | non-2xx |");
    println!("|---|---|---|---|---|");
    println!("| native axum + sea-orm | {:.0} | {} | {} | {} |", native.requests_per_second, native.p50, native.p99, native.non_2xx);
    println!("| wishlist guest via bridge | {:.0} | {} | {} | {} |", guest.requests_per_second, guest.p50, guest.p99, guest.non_2xx);
    println!("guest / native throughput: {:.0} %", 100.0 * guest.requests_per_second / native.requests_per_second.max(1.0));
    drop(runtime);
}
