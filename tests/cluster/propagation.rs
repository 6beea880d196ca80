//! Announcements between hosts on one PostgreSQL database: a change made
//! by one host (or the CLI) reaches another host's bridge, and new work its
//! worker, long before their refresh and poll intervals would; a listening
//! connection cut by the server is re-established and what it may have
//! missed is read again.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use modgate_artifacts::{EVENT_RECORDER, HTTP_PROBE};
use modgate_host::default_host::{HostOptions, default_host};
use modgate_host::events::{EventConfig, EventWorker, Outbox, dead_letters};
use modgate_host::http::{HttpConfig, ModuleBridge};
use modgate_host::lifecycle::{InstallRequest, Lifecycle, RouteSelection};
use modgate_host::storage::{Backend, Storage};
use modgate_host::testing::InMemoryCommerce;
use modgate_tests::http::test_http_config;
use modgate_tests::{TestHost, acme, source, test_host};
use sea_orm::ConnectionTrait;

use crate::events::{count, delivery, price_drop, raise, recorder_manifest};
use crate::reload::V1;

/// Longer than any test: only an announcement can make these hosts look.
const NEVER: Duration = Duration::from_secs(600);
/// How soon an announced change must have taken effect.
const SOON: Duration = Duration::from_secs(10);

/// A second host on `host`'s database (another process, as far as the
/// database can tell: its own pool, its own listening connection).
async fn second_host(host: &TestHost) -> (Storage, Arc<Lifecycle>) {
    let storage = Storage::connect(&host.url).await.expect("the database");
    let options = HostOptions { commerce: InMemoryCommerce::sample().into_commerce(), ..HostOptions::default() };
    let lifecycle = Arc::new(default_host(storage.clone(), options).expect("a host"));
    (storage, lifecycle)
}

/// Serves `lifecycle`'s bridge on loopback, trusting what it read for
/// [`NEVER`]; its base URL.
async fn serve(lifecycle: Arc<Lifecycle>) -> (String, tokio::task::JoinHandle<()>) {
    let bridge = ModuleBridge::new(lifecycle, HttpConfig { refresh: NEVER, ..test_http_config() }).expect("bridge");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("loopback port");
    let base = format!("http://{}", listener.local_addr().expect("bound"));
    let app = bridge.router().into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (base, server)
}

async fn status(url: &str) -> u16 {
    reqwest::Client::builder().no_proxy().build().unwrap().get(url).send().await.map_or(0, |r| r.status().as_u16())
}

async fn within_soon(what: &str, mut done: impl AsyncFnMut() -> bool) -> Duration {
    let since = Instant::now();
    while !done().await {
        assert!(since.elapsed() < SOON, "not within {SOON:?}: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    since.elapsed()
}

#[test]
fn an_approval_and_a_revocation_made_elsewhere_are_served_at_once() {
    modgate_tests::run(async {
        let Some(host) = test_host(Backend::Postgres).await else { return };
        host.lifecycle.install(InstallRequest::new(source(V1, HTTP_PROBE), acme())).await.expect("installs");
        let (storage, lifecycle) = second_host(&host).await;
        let (base, _server) = serve(lifecycle).await;
        let echo = format!("{base}/modules/failing/echo");
        assert_eq!(status(&echo).await, 404, "not approved yet; the bridge keeps that for {NEVER:?}");
        within_soon("the second host listens", async || storage.changes().is_listening()).await;

        host.lifecycle.approve_routes(&acme(), "failing", &RouteSelection::All, "test").await.expect("approve");
        let approved = within_soon("the approval serves", async || status(&echo).await == 200).await;

        // The server cuts the listening connection; a revocation follows at
        // once, perhaps before the host listens again (then its
        // announcement is lost, and the reconnect makes the host read
        // everything again).
        let cut = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
                   WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()";
        let db = host.storage.connection();
        let cut = db.query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), cut)).await.expect("cut");
        assert!(cut.and_then(|row| row.try_get_by_index::<i64>(0).ok()).unwrap_or(0) >= 1, "a listening connection was cut");
        host.lifecycle.revoke_routes(&acme(), "failing", &RouteSelection::All).await.expect("revoke");
        let revoked = within_soon("the revocation serves", async || status(&echo).await == 404).await;
        within_soon("the second host listens again", async || storage.changes().is_listening()).await;
        eprintln!("served an approval made elsewhere after {approved:?}, a revocation after a cut connection after {revoked:?}");
    });
}

#[test]
fn events_committed_and_dead_letters_redriven_elsewhere_wake_this_hosts_worker() {
    modgate_tests::run(async {
        let Some(host) = test_host(Backend::Postgres).await else { return };
        let install = InstallRequest::new(source(&recorder_manifest(&["product.price-changed"]), EVENT_RECORDER), acme());
        host.lifecycle.install(install).await.expect("installs");
        let (storage, lifecycle) = second_host(&host).await;
        let config = EventConfig { poll_interval: NEVER, ..crate::events::fast_delivery() };
        let worker = EventWorker::start(lifecycle, Outbox::new(storage.clone()), config).expect("worker");
        within_soon("the worker's host listens", async || storage.changes().is_listening()).await;
        // Its first look (at start, and when it began listening) is over.
        tokio::time::sleep(Duration::from_millis(200)).await;

        // Raised by the test host, which runs no worker.
        let event = raise(&host, &acme(), &price_drop("p-1", 1250, 990)).await;
        let woken = within_soon("the event is delivered", async || {
            delivery(&host, &event, "recorder").await.is_some_and(|(state, _)| state == "delivered")
        })
        .await;

        // A dead letter redriven by another process (the CLI's `events redrive`).
        let db = host.storage.connection();
        db.execute_unprepared("UPDATE modgate_deliveries SET state = 'dead'").await.expect("a dead letter");
        dead_letters::redrive(db, &acme(), "recorder", Some(&event)).await.expect("redrive");
        let redriven = within_soon("the redriven delivery is delivered", async || {
            delivery(&host, &event, "recorder").await.is_some_and(|(state, _)| state == "delivered")
        })
        .await;
        assert_eq!(worker.stats().delivered, 2);
        assert_eq!(count(&host, "SELECT count(*) FROM modgate_deliveries", vec![]).await, 1);
        eprintln!("a worker polling every {NEVER:?} delivered an event raised elsewhere after {woken:?}, a redrive after {redriven:?}");
    });
}
