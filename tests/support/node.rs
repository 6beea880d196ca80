//! A host node in its own process, for the scale-out tests and benchmark:
//! several nodes on one PostgreSQL database, each a real process that can
//! be killed.
//!
//! A node ([`serve_node_if_asked`], run by a child process whose
//! environment names the database) is what an integrator's binary would
//! be: the HTTP bridge, the shop's own write route, the admin API, the event
//! worker and the mail worker, over its own pool and its own artifact
//! directory. Its shop route (`POST /shop/prices/{product}`) raises the price
//! of a product of table `shop_prices` (made by the test) and the
//! `product.price-changed` event in one transaction, as the integrator's own
//! writes do; `GET /node/stats` tells what its workers did. The parent
//! starts nodes with [`NodeProcess::start`] and kills them with SIGKILL.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use modgate_host::admin::{AdminApi, AdminConfig, Operator};
use modgate_host::capabilities::email::EmailLimits;
use modgate_host::default_host::{HostOptions, default_host};
use modgate_host::engine::EngineConfig;
use modgate_host::events::{Amount, CoreEvent, EventConfig, EventWorker, Outbox};
use modgate_host::http::ModuleBridge;
use modgate_host::mail::{MailConfig, MailOutbox, MailTransport, MailWorker, RelayAccess};
use modgate_host::storage::{Storage, statement};
use modgate_host::testing::InMemoryCommerce;
use sea_orm::{ConnectionTrait, TransactionTrait};

use crate::admin::ALICE;
use crate::http::test_http_config;

const DATABASE: &str = "MODGATE_NODE_DATABASE";
const DIR: &str = "MODGATE_NODE_DIR";
const RELAY: &str = "MODGATE_NODE_RELAY";
const REFRESH_MS: &str = "MODGATE_NODE_REFRESH_MS";

/// The SQL that makes the shop's table the nodes write to (`p-1` … `p-9`).
pub const SHOP_TABLE: [&str; 2] = [
    "CREATE TABLE shop_prices (id TEXT PRIMARY KEY, price BIGINT NOT NULL)",
    "INSERT INTO shop_prices SELECT 'p-' || n, 1000 FROM generate_series(1, 9) AS n",
];

/// What a node is started with.
#[derive(Debug, Clone)]
pub struct NodeSettings {
    /// The shared database (`postgres://…`).
    pub database_url: String,
    /// The node's own directory (compiled artifacts).
    pub dir: PathBuf,
    /// `smtp://127.0.0.1:<port>` of the test's SMTP server.
    pub relay: String,
    /// How long the node trusts what it read about an install
    /// (`HttpConfig::refresh`): the bound without notifications.
    pub refresh: Duration,
}

/// Event delivery for nodes: retries within milliseconds, the shortest
/// lease allowed (just over twice the `event` budget's 2 s), so that a
/// killed node's claims come back soon.
pub fn node_event_config() -> EventConfig {
    EventConfig {
        base_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(40),
        lease: Duration::from_millis(4_100),
        ..EventConfig::default()
    }
}

fn node_mail_config() -> MailConfig {
    MailConfig {
        base_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(40),
        send_timeout: Duration::from_secs(4),
        lease: Duration::from_secs(9),
        ..MailConfig::default()
    }
}

/// In a child process started by [`NodeProcess::start`]: serves as a node
/// until killed (never returns). Elsewhere returns at once.
pub fn serve_node_if_asked() {
    let Ok(database_url) = std::env::var(DATABASE) else { return };
    let env = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("a node needs {name}"));
    let settings = NodeSettings {
        database_url,
        dir: PathBuf::from(env(DIR)),
        relay: env(RELAY),
        refresh: Duration::from_millis(env(REFRESH_MS).parse().expect("milliseconds")),
    };
    crate::run(serve(settings));
    unreachable!("a node serves until it is killed");
}

#[derive(Clone)]
struct Node {
    storage: Storage,
    outbox: Outbox,
    events: Arc<EventWorker>,
    mail: Arc<MailWorker>,
}

async fn serve(settings: NodeSettings) {
    let storage = Storage::connect(&settings.database_url).await.expect("the node opens the database");
    let outbox = Outbox::new(storage.clone());
    let mail = MailOutbox::new(storage.clone(), crate::senders());
    let commerce = InMemoryCommerce::sample().into_commerce();
    let contacts = commerce.contacts.clone();
    let unlimited = NonZeroU32::new(1_000_000).expect("non-zero");
    let options = HostOptions {
        engine: crate::cached(EngineConfig::default()),
        commerce,
        outbox: Some(outbox.clone()),
        mail: Some(mail.clone()),
        email: EmailLimits { per_minute: unlimited, burst: unlimited, ..EmailLimits::default() },
        ..HostOptions::default()
    };
    let lifecycle = default_host(storage.clone(), options).expect("the node's host starts");
    let lifecycle = Arc::new(lifecycle.with_artifact_dir(settings.dir.join("artifacts")));
    let http = modgate_host::http::HttpConfig { refresh: settings.refresh, ..test_http_config() };
    let bridge = ModuleBridge::new(lifecycle.clone(), http).expect("the bridge's configuration");
    let config = node_mail_config();
    let transport = MailTransport::relay(&settings.relay, RelayAccess::default(), config.send_timeout).expect("relay");
    let node = Node {
        storage,
        outbox: outbox.clone(),
        events: Arc::new(EventWorker::start(lifecycle.clone(), outbox, node_event_config()).expect("event worker")),
        mail: Arc::new(MailWorker::start(mail, transport, contacts, config).expect("mail worker")),
    };
    let shop = Router::new()
        .route("/shop/prices/{product}", post(raise_price))
        .route("/node/stats", get(stats))
        .with_state(node);
    let app = bridge.router().merge(shop).into_make_service_with_connect_info::<SocketAddr>();
    let admin = AdminApi::new(lifecycle, AdminConfig { operators: vec![Operator { name: "alice".into(), token: ALICE.into() }], ..AdminConfig::default() })
        .with_bridge(bridge)
        .router();
    let http_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("loopback port");
    let admin_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("loopback port");
    println!(
        "node ready http={} admin={}",
        http_listener.local_addr().expect("bound"),
        admin_listener.local_addr().expect("bound")
    );
    let admin = tokio::spawn(async move { axum::serve(admin_listener, admin).await });
    axum::serve(http_listener, app).await.expect("the node serves");
    let _ = admin.await;
}

/// The shop's own write: the price and its event in one transaction.
async fn raise_price(State(node): State<Node>, UrlPath(product): UrlPath<String>) -> Result<Json<serde_json::Value>, (StatusCode, String)> {
    let failed = |e: &dyn std::fmt::Display| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
    let tx = node.storage.connection().begin().await.map_err(|e| failed(&e))?;
    let backend = tx.get_database_backend();
    let update = "UPDATE shop_prices SET price = price + 1 WHERE id = ? RETURNING price";
    let row = tx
        .query_one_raw(statement(backend, update, [product.as_str().into()]))
        .await
        .map_err(|e| failed(&e))?
        .ok_or((StatusCode::NOT_FOUND, format!("no product {product}")))?;
    let price: i64 = row.try_get_by_index(0).map_err(|e| failed(&e))?;
    let event = CoreEvent::ProductPriceChanged {
        product_id: product,
        previous: Amount::new(price - 1, "EUR"),
        current: Amount::new(price, "EUR"),
    };
    let recorded = node.outbox.raise(&tx, &crate::acme(), &event).await.map_err(|e| failed(&e))?;
    tx.commit().await.map_err(|e| failed(&e))?;
    node.outbox.committed();
    Ok(Json(serde_json::json!({ "event": recorded.id })))
}

async fn stats(State(node): State<Node>) -> Json<serde_json::Value> {
    let events = node.events.stats();
    Json(serde_json::json!({
        "events_in_flight": node.events.in_flight(),
        "delivered": events.delivered,
        "mail_sent": node.mail.stats().sent,
        "listening": node.storage.changes().is_listening(),
    }))
}

/// A node process started by the parent.
pub struct NodeProcess {
    /// `http://127.0.0.1:<port>` of the bridge and the shop route.
    pub http: String,
    /// `http://127.0.0.1:<port>` of the admin API (operator token [`ALICE`]).
    pub admin: String,
    child: Child,
}

impl NodeProcess {
    /// Starts `command` (a binary that calls [`serve_node_if_asked`] first)
    /// as a node with `settings`, and waits until it serves.
    pub fn start(mut command: Command, settings: &NodeSettings) -> NodeProcess {
        std::fs::create_dir_all(&settings.dir).expect("the node's directory");
        let mut child = command
            .env(DATABASE, &settings.database_url)
            .env(DIR, &settings.dir)
            .env(RELAY, &settings.relay)
            .env(REFRESH_MS, settings.refresh.as_millis().to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the node starts");
        let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
        let ready = loop {
            let line = lines.next().expect("the node reports ready before it exits").expect("a line");
            // The test harness may have written "test … ... " before it on
            // the same line.
            if let Some((_, ready)) = line.split_once("node ready ") {
                break ready.to_owned();
            }
        };
        // Keep draining, so the node never blocks on a full pipe.
        std::thread::spawn(move || lines.map_while(Result::ok).for_each(drop));
        let address = |key: &str| {
            let value = ready.split(' ').find_map(|part| part.strip_prefix(key)).expect("the ready line names both listeners");
            format!("http://{value}")
        };
        NodeProcess { http: address("http="), admin: address("admin="), child }
    }

    /// SIGKILL, and waits for the process to be gone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The node's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A node's directory under `root`.
pub fn node_dir(root: &Path, index: usize) -> PathBuf {
    root.join(format!("node-{index}"))
}
