//! The soak's host: a fresh SQLite database, the sample commerce data, the
//! default host with the event and mail outboxes and their workers, the
//! module bridge and one route of the integrator's own (a price change that
//! raises `product.price-changed` in its transaction), served by axum on
//! `127.0.0.1:0`. The modules: the wishlist reference module for both
//! tenants and an echo (well-behaved), a spinner, a panicking module and
//! the resource hog (hostile over HTTP), and three event subscribers — the
//! recorder (exactly-once effects), a mailer (two emails per event) and one
//! that always traps (dead letters).

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use modgate_artifacts::{
    CONFORMANCE_SERVE, EMAIL_ON_EVENT, EVENT_FAILING, EVENT_RECORDER, HTTP_PROBE, INFINITE_LOOP,
    MEMORY_BOMB, PANICKING, RESOURCE_HOG, WISHLIST, WISHLIST_DIR,
};
use modgate_host::capabilities::email::EmailLimits;
use modgate_host::default_host::{HostOptions, default_host};
use modgate_host::engine::{Budget, EngineConfig, TenantId};
use modgate_host::events::{Amount, CoreEvent, EventConfig, EventWorker, Outbox};
use modgate_host::http::{HttpConfig, ModuleBridge};
use modgate_host::lifecycle::{InstallError, InstallRequest, Lifecycle, RouteSelection};
use modgate_host::mail::{MailConfig, MailOutbox, MailTransport, MailWorker};
use modgate_host::storage::Storage;
use modgate_host::testing::InMemoryCommerce;
use modgate_tests::http::test_http_config;
use modgate_tests::{acme, globex, senders, source};
use sea_orm::TransactionTrait;

/// What the soak configures, and why (printed with the figures).
pub struct SoakConfig {
    pub engine: EngineConfig,
    pub http: HttpConfig,
}

impl SoakConfig {
    /// The defaults of `docs/limits.md` except:
    /// - `http` budget: 10 G fuel and a 1 s wall clock, so a spinning
    ///   guest meets its deadline (`timeout`) rather than its fuel;
    /// - memory per invocation 16 MiB (as `tests/limits/host_state.rs`), so
    ///   sixteen memory bombs at once stay small on a test machine;
    /// - rate limit: a burst of 20 and 10 a second per client address, so
    ///   the one flooding address is limited and the others are not;
    /// - breaker: open for 3 s instead of a minute, so hostile modules
    ///   keep being probed (and run) through the whole soak.
    pub fn new() -> Self {
        let mut engine = EngineConfig {
            memory_limit_bytes: 16 << 20,
            ..EngineConfig::default()
        };
        engine.budgets.http = Budget {
            fuel: 10_000_000_000,
            wall_clock: Duration::from_secs(1),
            ..engine.budgets.http
        };
        let mut http = test_http_config();
        http.rate_limit.capacity = 20;
        http.rate_limit.refill_per_second = 10;
        http.breaker.reset_after = Duration::from_secs(3);
        http.breaker.failure_threshold = 10;
        SoakConfig { engine, http }
    }
}

/// A running soak host.
pub struct SoakHost {
    pub lifecycle: Arc<Lifecycle>,
    pub storage: Storage,
    pub base: String,
    pub events: EventWorker,
    pub mail: MailWorker,
    server: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
}

impl Drop for SoakHost {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The echo module: every GET answered by `conformance-serve`.
const ECHO: &str = "name = \"echo\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n\n[[routes]]\nmethod = \"GET\"\npath = \"/{*rest}\"\n";
const HOG: &str = "name = \"resource-hog\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n\n[[routes]]\nmethod = \"GET\"\npath = \"/{*rest}\"\n";

fn probe(name: &str, path: &str) -> String {
    format!(
        "name = {name:?}\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n\n[[routes]]\nmethod = \"GET\"\npath = {path:?}\n"
    )
}

fn subscriber(name: &str, permissions: &str, extra: &str) -> String {
    format!(
        "name = {name:?}\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\npermissions = [{permissions}]\nsubscriptions = [\"product.price-changed\"]\n{extra}"
    )
}

const RECORDER_TABLES: &str = r#"
[[tables]]
name = "mod_recorder_effects"
columns = [
  { name = "event_id", type = "text", nullable = false },
  { name = "name", type = "text", nullable = false },
  { name = "detail", type = "text" },
]

[[tables]]
name = "mod_recorder_ledger"
columns = [{ name = "event_id", type = "text", nullable = false, unique = true }]
"#;

const FAILING_SETTINGS: &str = r#"
[settings]
type = "object"
additionalProperties = false

[settings.properties.mode]
type = "string"
enum = ["fail", "trap", "spin", "slow"]
default = "fail"
"#;

/// The modules each tenant gets: (tenant, manifest, component, settings).
fn modules() -> Vec<(TenantId, String, &'static str, Option<serde_json::Value>)> {
    let wishlist = std::fs::read_to_string(format!("{WISHLIST_DIR}/module.toml"))
        .expect("the wishlist manifest");
    vec![
        (acme(), wishlist.clone(), WISHLIST, None),
        (globex(), wishlist, WISHLIST, None),
        (acme(), ECHO.to_owned(), CONFORMANCE_SERVE, None),
        (globex(), ECHO.to_owned(), CONFORMANCE_SERVE, None),
        (acme(), probe("spinner", "/spin"), HTTP_PROBE, None),
        (acme(), probe("panicker", "/trap"), HTTP_PROBE, None),
        (acme(), HOG.to_owned(), RESOURCE_HOG, None),
        (
            acme(),
            subscriber(
                "recorder",
                "\"write:own-tables\", \"subscribe:events\"",
                RECORDER_TABLES,
            ),
            EVENT_RECORDER,
            None,
        ),
        (
            acme(),
            subscriber("mailer", "\"subscribe:events\", \"email:send\"", ""),
            EMAIL_ON_EVENT,
            None,
        ),
        (
            acme(),
            subscriber("failing", "\"subscribe:events\"", FAILING_SETTINGS),
            EVENT_FAILING,
            Some(serde_json::json!({ "mode": "trap" })),
        ),
    ]
}

/// The integrator's state for its own route.
#[derive(Clone)]
struct Shop {
    storage: Storage,
    outbox: Outbox,
}

/// `POST /shop/{tenant}/products/{product}/price/{current}`: the shop
/// changes a price and raises `product.price-changed` in the same
/// transaction. Answers the event id.
async fn change_price(
    State(shop): State<Shop>,
    Path((tenant, product, current)): Path<(String, String, i64)>,
) -> (http::StatusCode, String) {
    let failed = |what: String| {
        let body = serde_json::json!({ "error": { "code": "internal", "message": what } });
        (http::StatusCode::INTERNAL_SERVER_ERROR, body.to_string())
    };
    let Ok(tenant) = TenantId::new(&tenant) else {
        return failed("tenant".into());
    };
    let event = CoreEvent::ProductPriceChanged {
        product_id: product,
        previous: Amount::new(current + 100, "EUR"),
        current: Amount::new(current, "EUR"),
    };
    let tx = match shop.storage.connection().begin().await {
        Ok(tx) => tx,
        Err(e) => return failed(format!("begin: {e}")),
    };
    let recorded = match shop.outbox.raise(&tx, &tenant, &event).await {
        Ok(recorded) => recorded,
        Err(e) => return failed(format!("raise: {e}")),
    };
    if let Err(e) = tx.commit().await {
        return failed(format!("commit: {e}"));
    }
    shop.outbox.committed();
    let body = serde_json::json!({ "event": recorded.id, "deliveries": recorded.deliveries });
    (http::StatusCode::OK, body.to_string())
}

impl SoakHost {
    /// Starts the host with `config`, installs and approves the modules.
    pub async fn start(config: SoakConfig) -> SoakHost {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("modgate.db").display()
        );
        let storage = Storage::connect(&url).await.expect("database opens");
        let outbox = Outbox::new(storage.clone());
        let mail_outbox = MailOutbox::new(storage.clone(), senders());
        let unlimited = NonZeroU32::new(1_000_000).expect("non-zero");
        let options = HostOptions {
            engine: modgate_tests::cached(config.engine),
            commerce: InMemoryCommerce::sample().into_commerce(),
            outbox: Some(outbox.clone()),
            mail: Some(mail_outbox.clone()),
            // The soak counts mail, it does not test the mail rate (tests/email does).
            email: EmailLimits {
                per_minute: unlimited,
                burst: unlimited,
                ..EmailLimits::default()
            },
            ..HostOptions::default()
        };
        let lifecycle = Arc::new(default_host(storage.clone(), options).expect("engine starts"));
        for (tenant, manifest, component, settings) in modules() {
            let request = InstallRequest {
                acknowledge_risk: true,
                settings,
                ..InstallRequest::new(source(&manifest, component), tenant.clone())
            };
            let outcome = lifecycle
                .install(request)
                .await
                .unwrap_or_else(|e| panic!("installing for {tenant}: {e}"));
            if manifest.contains("[[routes]]") {
                lifecycle
                    .approve_routes(&tenant, &outcome.module, &RouteSelection::All, "soak")
                    .await
                    .expect("approve");
            }
        }
        // Retries come fast, so the trapping subscriber's letters are dead
        // within seconds; but a well-behaved subscriber may miss its
        // deadline several times in a row while 200 connections load two
        // cores, so it gets twice the default attempts, spread over
        // seconds rather than hours.
        let fast_events = EventConfig {
            max_attempts: 2 * EventConfig::default().max_attempts,
            base_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(500),
            lease: Duration::from_millis(4_100),
            poll_interval: Duration::from_millis(20),
            ..EventConfig::default()
        };
        let events = EventWorker::start(lifecycle.clone(), outbox.clone(), fast_events)
            .expect("event worker");
        let fast_mail = MailConfig {
            base_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(40),
            send_timeout: Duration::from_secs(4),
            lease: Duration::from_secs(9),
            poll_interval: Duration::from_millis(20),
            ..MailConfig::default()
        };
        let contacts = InMemoryCommerce::sample().into_commerce().contacts;
        let mail = MailWorker::start(mail_outbox, MailTransport::Mailbox, contacts, fast_mail)
            .expect("mail worker");

        let bridge =
            ModuleBridge::new(lifecycle.clone(), config.http).expect("bridge config is valid");
        let shop = Shop {
            storage: storage.clone(),
            outbox,
        };
        let router = Router::new()
            .route(
                "/shop/{tenant}/products/{product}/price/{current}",
                post(change_price),
            )
            .route("/shop/health", get(|| async { "ok" }))
            .with_state(shop)
            .merge(bridge.router());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("loopback port");
        let address = listener.local_addr().expect("bound");
        let server = tokio::spawn(async move {
            let _ = axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await;
        });
        SoakHost {
            lifecycle,
            storage,
            base: format!("http://{address}"),
            events,
            mail,
            server,
            _dir: dir,
        }
    }

    /// Tries to install the modules whose `activate` loops, exhausts its
    /// memory and panics: `(module, "<install code> <invocation kind>")`
    /// for each, and none of them may end up installed.
    pub async fn install_hostile(&self) -> Vec<(String, String)> {
        let mut refused = Vec::new();
        for (name, component) in [
            ("infinite-loop", INFINITE_LOOP),
            ("memory-bomb", MEMORY_BOMB),
            ("panicking", PANICKING),
        ] {
            let manifest =
                format!("name = {name:?}\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n");
            let outcome = match self
                .lifecycle
                .install(InstallRequest::new(source(&manifest, component), acme()))
                .await
            {
                Ok(_) => "installed".to_owned(),
                Err(InstallError::Activation(error)) => {
                    format!("activation-failed {}", error.kind())
                }
                Err(other) => format!("{}: {other}", other.code()),
            };
            let left = self.lifecycle.show(&acme(), name).await.is_ok();
            refused.push((
                name.to_owned(),
                if left {
                    format!("{outcome} (left installed)")
                } else {
                    outcome
                },
            ));
        }
        refused
    }

    /// The number `sql` counts (first column).
    pub async fn count(&self, sql: &str) -> i64 {
        let rows = self.rows(sql).await;
        let row = rows.first().expect("a row");
        row.try_get_by_index::<i64>(0).expect("an integer")
    }

    /// The rows of a read-only query the soak writes itself.
    pub async fn rows(&self, sql: &str) -> Vec<sea_orm::QueryResult> {
        let db = self.storage.connection();
        let statement = modgate_host::storage::statement(
            sea_orm::ConnectionTrait::get_database_backend(db),
            sql,
            Vec::<sea_orm::Value>::new(),
        );
        sea_orm::ConnectionTrait::query_all_raw(db, statement)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }
}
