//! Shared helpers of the whole-system suites: engines with the sample
//! commerce data, manifests from inline TOML, loading test components.

#![deny(missing_docs)]

pub mod admin;
pub mod http;
pub mod node;
mod language;
pub mod postgres;
pub mod rss;
pub mod smtp;

pub use language::Lang;

use std::collections::BTreeSet;
use std::sync::Arc;

use modgate_host::CORE_VERSION;
use modgate_host::capabilities::{BuiltinServices, builtin};
use modgate_host::default_host::{HostOptions, default_host};
use modgate_host::engine::{Engine, EngineConfig, LoadError, LoadedModule, TenantId};
use modgate_host::events::Outbox;
use modgate_host::mail::{MailOutbox, Senders};
use modgate_host::manifest::{Manifest, Permission, verify_manifest};
use modgate_host::lifecycle::{Lifecycle, ModuleSource};
use modgate_host::storage::module_sql::SqlLimits;
use modgate_host::storage::{Backend, Storage};
use modgate_host::testing::InMemoryCommerce;

/// An engine with the built-in capabilities and the two-tenant sample data.
pub fn engine(config: EngineConfig) -> Engine {
    let services = BuiltinServices {
        commerce: InMemoryCommerce::sample().into_commerce(),
        ..BuiltinServices::default()
    };
    Engine::new(cached(config), builtin(services)).expect("engine starts")
}

/// `config` with the suite's on-disk compile cache (unless it names its
/// own): the suites' many engines then compile each big Python or
/// JavaScript component once, not once per test.
pub fn cached(mut config: EngineConfig) -> EngineConfig {
    config.compile_cache.get_or_insert_with(|| modgate_artifacts::COMPILE_CACHE.into());
    config
}

/// An engine with default configuration.
pub fn default_engine() -> Engine {
    engine(EngineConfig::default())
}

/// A verified manifest for `name` asking for `permissions`.
pub fn manifest(name: &str, permissions: &[&str]) -> Manifest {
    let list = permissions
        .iter()
        .map(|p| format!("{p:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    manifest_from(&format!(
        "name = {name:?}\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\npermissions = [{list}]\n"
    ))
}

/// A verified manifest from TOML text.
pub fn manifest_from(text: &str) -> Manifest {
    match verify_manifest(text, &CORE_VERSION) {
        Ok(verified) => verified.manifest,
        Err(errors) => panic!("test manifest is invalid:\n{errors}"),
    }
}

/// Loads the component at `path` with every permission the manifest asks for granted.
pub fn load(engine: &Engine, manifest: Manifest, path: &str) -> Result<LoadedModule, LoadError> {
    let grants: BTreeSet<Permission> = manifest.permissions.clone();
    engine.load(manifest, &modgate_artifacts::read(path), grants)
}

/// The `minimal` test component (a working `lifecycle` export) with `wat`
/// appended inside it: imports, core modules and instances may come last in
/// a component, so the existing index spaces are untouched.
pub fn minimal_with(wat: &str) -> Vec<u8> {
    let minimal = wasmprinter::print_bytes(modgate_artifacts::read(modgate_artifacts::MINIMAL)).expect("minimal prints as WAT");
    let body = minimal.trim_end().strip_suffix(')').expect("a component ends with `)`");
    wat::parse_str(format!("{body}\n{wat}\n)")).expect("test WAT is valid")
}

/// Tenant `acme` of the sample data.
pub fn acme() -> TenantId {
    TenantId::new("acme").expect("slug")
}

/// Tenant `globex` of the sample data.
pub fn globex() -> TenantId {
    TenantId::new("globex").expect("slug")
}

/// Runs an async test body on a multi-threaded runtime.
pub fn run<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(future)
}

/// A host over a fresh database: engine with the sample commerce data and
/// the module tables service, and its lifecycle.
pub struct TestHost {
    /// Install, show, uninstall.
    pub lifecycle: Arc<Lifecycle>,
    /// The outbox the host's modules emit into and the tests raise core events with.
    pub outbox: Outbox,
    /// The outbox the host's modules queue mail into ([`senders`]).
    pub mail: MailOutbox,
    /// The database.
    pub storage: Storage,
    /// The database URL (to open a second connection, e.g. from the CLI).
    pub url: String,
    // Last, so that the host and its pools are dropped before the database.
    _scratch: Scratch,
}

/// Where a test's database lives, removed when this is dropped.
pub enum Scratch {
    /// A temp dir holding the SQLite file.
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    /// A database of the shared PostgreSQL server.
    Postgres(#[allow(dead_code)] postgres::TestDatabase),
}

/// A fresh database on `backend` with the default SQL limits; `None` when
/// PostgreSQL is not available here (see [`postgres::server`]).
pub async fn test_host(backend: Backend) -> Option<TestHost> {
    test_host_with(backend, SqlLimits::default()).await
}

/// [`test_host`] loading components with `lang`'s compiler ([`Lang::compiler`]).
pub async fn test_host_for(lang: Lang, backend: Backend) -> Option<TestHost> {
    test_host_configured(backend, SqlLimits::default(), lang.engine_config()).await
}

/// [`test_host`] with explicit SQL limits.
pub async fn test_host_with(backend: Backend, limits: SqlLimits) -> Option<TestHost> {
    test_host_configured(backend, limits, EngineConfig::default()).await
}

/// [`test_host`] with explicit SQL limits and engine configuration.
pub async fn test_host_configured(backend: Backend, limits: SqlLimits, config: EngineConfig) -> Option<TestHost> {
    let (url, scratch) = scratch_database(backend)?;
    let storage = Storage::connect(&url).await.expect("database opens and migrates");
    let outbox = Outbox::new(storage.clone());
    let mail = MailOutbox::new(storage.clone(), senders());
    let options = HostOptions {
        engine: cached(config),
        sql: limits,
        commerce: InMemoryCommerce::sample().into_commerce(),
        outbox: Some(outbox.clone()),
        mail: Some(mail.clone()),
        ..HostOptions::default()
    };
    Some(TestHost {
        lifecycle: Arc::new(default_host(storage.clone(), options).expect("engine starts")),
        outbox,
        mail,
        storage,
        url,
        _scratch: scratch,
    })
}

/// A fresh database on `backend`: its URL and what removes it when dropped;
/// `None` when PostgreSQL is not available here (see [`postgres::server`]).
pub fn scratch_database(backend: Backend) -> Option<(String, Scratch)> {
    Some(match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("modgate.db").display());
            (url, Scratch::Sqlite(dir))
        }
        Backend::Postgres => {
            let database = postgres::server()?.create_database();
            (database.url(), Scratch::Postgres(database))
        }
    })
}

/// The sample tenants' From addresses: `Acme <shop@acme.example>` and
/// `Globex <shop@globex.example>`.
pub fn senders() -> Senders {
    Senders::new("Shops <shops@example.com>")
        .and_then(|s| s.with_tenant(&acme(), "Acme <shop@acme.example>"))
        .and_then(|s| s.with_tenant(&globex(), "Globex <shop@globex.example>"))
        .expect("the sample senders are mailboxes")
}

/// A module source from inline manifest TOML and a built test component.
pub fn source(manifest_toml: &str, component: &str) -> ModuleSource {
    ModuleSource::new(manifest_toml.to_owned(), modgate_artifacts::read(component))
}

/// Defines `mod $name` with the scenario run on SQLite (`on_sqlite`) and on
/// PostgreSQL (`on_postgres`, which reports itself skipped when PostgreSQL
/// is not installed).
#[macro_export]
macro_rules! on_both_backends {
    ($(#[$meta:meta])* async fn $name:ident($host:ident) $body:block) => {
        $(#[$meta])*
        pub mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn scenario($host: $crate::TestHost) $body

            #[test]
            pub fn on_sqlite() {
                $crate::run(async {
                    let host = $crate::test_host(modgate_host::storage::Backend::Sqlite).await.expect("sqlite");
                    scenario(host).await
                })
            }

            #[test]
            pub fn on_postgres() {
                $crate::run(async {
                    if let Some(host) = $crate::test_host(modgate_host::storage::Backend::Postgres).await {
                        scenario(host).await
                    }
                })
            }
        }
    };
}

/// The recorder test component's manifest, subscribed to `subscriptions`.
pub fn recorder_manifest(subscriptions: &[&str]) -> String {
    format!(
        r#"name = "recorder"
version = "1.0.0"
compatible-core = "^1.0"
permissions = ["write:own-tables", "subscribe:events"]
subscriptions = {subscriptions:?}

[[tables]]
name = "mod_recorder_effects"
columns = [
  {{ name = "event_id", type = "text", nullable = false }},
  {{ name = "name", type = "text", nullable = false }},
  {{ name = "detail", type = "text" }},
]

[[tables]]
name = "mod_recorder_ledger"
columns = [{{ name = "event_id", type = "text", nullable = false, unique = true }}]
"#
    )
}

/// Raises `events` `product.price-changed` events for `acme` (products
/// `p-0` … `p-49` in turn), `per_transaction` in each committed
/// transaction, as an integrator's own writes would: the benchmarks' load.
pub async fn raise_price_drops(host: &TestHost, events: usize, per_transaction: usize) {
    use modgate_host::events::{Amount, CoreEvent};
    use sea_orm::TransactionTrait;
    for batch in 0..events.div_ceil(per_transaction) {
        let tx = host.storage.connection().begin().await.expect("begin");
        for i in 0..per_transaction.min(events - batch * per_transaction) {
            let n = (batch * per_transaction + i) as i64;
            let event = CoreEvent::ProductPriceChanged {
                product_id: format!("p-{}", n % 50),
                previous: Amount::new(n + 1, "EUR"),
                current: Amount::new(n, "EUR"),
            };
            host.outbox.raise(&tx, &acme(), &event).await.expect("raise");
        }
        tx.commit().await.expect("commit");
        host.outbox.committed();
    }
}
