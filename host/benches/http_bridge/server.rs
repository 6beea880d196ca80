//! The server side: one process serving both the bridge (with the wishlist
//! and the echo module installed) and the native twins, each on its own
//! loopback port.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use modgate_host::default_host::{HostOptions, default_host};
use modgate_host::engine::TenantId;
use modgate_host::http::identity::{IdentityConfig, IdentityVerifier, VerificationKey};
use modgate_host::http::rate_limit::RateLimitConfig;
use modgate_host::http::{HttpConfig, ModuleBridge};
use modgate_host::lifecycle::{InstallRequest, ModuleSource, RouteSelection};
use modgate_host::storage::Storage;
use modgate_host::testing::InMemoryCommerce;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::native;

/// The key the load generator's token is signed with.
pub const SECRET: &[u8] = b"benchmark-secret-0123456789abcdef!!";

/// An echo module named `name`: a `conformance-serve` component on one
/// route (the Rust one is `echo`, the Python and JavaScript twins
/// `echo-python` and `echo-javascript`).
fn echo_manifest(name: &str) -> String {
    format!(
        "name = {name:?}\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n\n[[routes]]\nmethod = \"GET\"\npath = \"/hello\"\n"
    )
}

/// The trivial handler's answer, whichever language echoes it.
fn echoes_the_customer(body: &str) -> bool {
    body.contains("\"customer\":\"cu-1\"") || body.contains("\"customer\": \"cu-1\"")
}

/// One handler, written twice: its path on the native server and behind
/// the bridge, and what both must answer before anything is measured.
pub struct Handler {
    pub name: &'static str,
    pub native_path: &'static str,
    pub guest_path: &'static str,
    pub answers: fn(&str) -> bool,
}

/// The handlers the bench measures. The Python and JavaScript echoes are
/// measured against the same native handler as the Rust one: the ratio is
/// then what serving the request from each language costs.
pub const HANDLERS: [Handler; 4] = [
    Handler {
        name: "trivial",
        native_path: "/hello",
        guest_path: "/modules/echo/hello",
        answers: echoes_the_customer,
    },
    Handler {
        name: "trivial-python",
        native_path: "/hello",
        guest_path: "/modules/echo-python/hello",
        answers: echoes_the_customer,
    },
    Handler {
        name: "trivial-javascript",
        native_path: "/hello",
        guest_path: "/modules/echo-javascript/hello",
        answers: echoes_the_customer,
    },
    Handler {
        name: "wishlist",
        native_path: "/items",
        guest_path: "/modules/wishlist/items",
        answers: |body| {
            let items = serde_json::from_str::<serde_json::Value>(body)
                .ok()
                .and_then(|v| v["items"].as_array().map(Vec::len));
            items == Some(10)
        },
    },
];

/// The handler and the side `only` names (`HTTP_BENCH_ONLY`:
/// `<handler>-guest` or `<handler>-native`): whether it is the guest side,
/// and the handler. Panics listing the choices otherwise.
pub fn handler_named(only: &str) -> (&'static Handler, bool) {
    HANDLERS
        .iter()
        .find_map(|h| match only.strip_prefix(h.name)?.strip_prefix('-')? {
            "guest" => Some((h, true)),
            "native" => Some((h, false)),
            _ => None,
        })
        .unwrap_or_else(|| {
            let names: Vec<_> = HANDLERS.iter().map(|h| h.name).collect();
            panic!("HTTP_BENCH_ONLY={only}: expected <handler>-guest or <handler>-native, handler one of {}", names.join(", "))
        })
}

/// Where the two servers listen (`http://address`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Servers {
    pub guest: String,
    pub native: String,
}

fn identity() -> IdentityConfig {
    IdentityConfig {
        keys: vec![VerificationKey::Hs256 {
            kid: None,
            secret: SECRET.to_vec(),
        }],
        ..IdentityConfig::default()
    }
}

/// The bridge's router and the native one, before they are served.
pub struct Routers {
    pub bridge: axum::Router,
    pub native: axum::Router,
}

/// Installs the modules, fills the customer's wishlist with 10 items and
/// starts both servers on this runtime.
pub async fn start(dir: &Path) -> Servers {
    let routers = routers(dir).await;
    Servers {
        guest: format!("http://{}", serve(routers.bridge).await),
        native: format!("http://{}", serve(routers.native).await),
    }
}

/// Installs the modules, fills the customer's wishlist with 10 items and
/// builds both routers.
pub async fn routers(dir: &Path) -> Routers {
    let tenant = TenantId::new("acme").unwrap();
    let storage = Storage::open_data_dir(dir).await.unwrap();
    let mut options = HostOptions {
        commerce: InMemoryCommerce::sample().into_commerce(),
        ..HostOptions::default()
    };
    // For an instruction count under valgrind (docs/benchmarks.md): it
    // cannot reserve the default pool's address space (250 GB), and it runs
    // a request so slowly that every 10 ms epoch tick would make the guest
    // yield mid-request, which a native run almost never does.
    if std::env::var_os("HTTP_BENCH_UNDER_VALGRIND").is_some() {
        options.engine.max_instances = 40;
        options.engine.max_in_flight_per_module = 20;
        options.engine.epoch_tick = std::time::Duration::from_secs(1);
    }
    // The Python and JavaScript components take ~15 s each to compile: once
    // per build of the artifacts, then loaded from this cache.
    options.engine.compile_cache = Some(modgate_artifacts::COMPILE_CACHE.into());
    let lifecycle = Arc::new(default_host(storage.clone(), options).unwrap());
    let wishlist =
        std::fs::read_to_string(format!("{}/module.toml", modgate_artifacts::WISHLIST_DIR))
            .unwrap();
    let echoes = [
        ("echo", modgate_artifacts::CONFORMANCE_SERVE),
        ("echo-python", modgate_artifacts::python::CONFORMANCE_SERVE),
        ("echo-javascript", modgate_artifacts::javascript::CONFORMANCE_SERVE),
    ];
    let modules = std::iter::once((wishlist, modgate_artifacts::WISHLIST, "wishlist"))
        .chain(echoes.map(|(name, component)| (echo_manifest(name), component, name)));
    for (manifest, component, name) in modules {
        let source = ModuleSource::new(manifest, modgate_artifacts::read(component));
        let install = InstallRequest {
            acknowledge_risk: true,
            ..InstallRequest::new(source, tenant.clone())
        };
        lifecycle.install(install).await.unwrap();
        lifecycle
            .approve_routes(&tenant, name, &RouteSelection::All, "bench")
            .await
            .unwrap();
    }
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
        rate_limit: RateLimitConfig {
            capacity: u32::MAX / 2,
            refill_per_second: u32::MAX / 2,
            ..Default::default()
        },
        ..HttpConfig::default()
    };
    Routers {
        bridge: ModuleBridge::new(lifecycle, config).unwrap().router(),
        native: native::router(
            storage.connection().clone(),
            IdentityVerifier::new(&identity()).unwrap(),
        ),
    }
}

async fn serve(router: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    address
}
