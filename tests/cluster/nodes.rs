//! Three host processes on one PostgreSQL database, under load through all
//! three; one is killed (SIGKILL) while it delivers and started again.
//! Every committed event takes effect once and its two messages reach the
//! SMTP server (a message resent after the kill only as the same message),
//! no request to a surviving node fails, and a version installed through
//! node 1's admin API serves on nodes 2 and 3 long before their refresh
//! interval: the announcement reached them.
//!
//! The nodes are this test binary re-run on [`node_process`]
//! (`modgate_tests::node`).

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use modgate_artifacts::{CONFORMANCE_SERVE, EMAIL_ON_EVENT, EVENT_RECORDER, HTTP_PROBE};
use modgate_host::lifecycle::{Approvals, InstallRequest, RouteSelection};
use modgate_host::storage::Backend;
use modgate_tests::admin::{ALICE, send};
use modgate_tests::node::{NodeProcess, NodeSettings, SHOP_TABLE, node_dir, serve_node_if_asked};
use modgate_tests::smtp::SmtpSink;
use modgate_tests::{TestHost, acme, source, test_host};
use sea_orm::ConnectionTrait;

use crate::events::{count, effects, recorder_manifest, wait_until};
use crate::reload::{V1, v2};

/// Longer than the test: a node sees another's change through the
/// announcement or not at all.
const REFRESH: Duration = Duration::from_secs(120);
/// How soon nodes 2 and 3 must serve a version installed on node 1.
const PROPAGATION_BOUND: Duration = Duration::from_secs(10);
/// Concurrent clients per node.
const CLIENTS: usize = 2;

const MAILER: &str = r#"name = "mailer"
version = "1.0.0"
compatible-core = "^1.0"
permissions = ["subscribe:events", "email:send"]
subscriptions = ["product.price-changed"]
"#;

/// The node's side: runs only in a child started by [`NodeProcess::start`].
#[test]
fn node_process() {
    serve_node_if_asked();
}

fn node_command() -> Command {
    let mut command = Command::new(std::env::current_exe().expect("the test binary"));
    command.args(["--exact", "cluster::nodes::node_process", "--nocapture", "--test-threads=1"]);
    command
}

/// What the clients of one node saw.
#[derive(Debug, Default)]
struct Seen {
    answered: usize,
    failures: Vec<String>,
    /// Events the shop route acknowledged (committed).
    events: Vec<String>,
}

/// One node's clients: they send while `running` and the node is not
/// `paused`, to the node's current address.
struct NodeLoad {
    base: Arc<RwLock<String>>,
    paused: Arc<AtomicBool>,
    failed: Arc<AtomicUsize>,
    clients: Vec<tokio::task::JoinHandle<Seen>>,
}

fn start_load(base: &str, running: &Arc<AtomicBool>) -> NodeLoad {
    let base = Arc::new(RwLock::new(base.to_owned()));
    let paused = Arc::new(AtomicBool::new(false));
    let failed = Arc::new(AtomicUsize::new(0));
    let client = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(30)).build().expect("client");
    let clients = (0..CLIENTS)
        .map(|n| {
            let (base, paused, running, client) = (base.clone(), paused.clone(), running.clone(), client.clone());
            let failed = failed.clone();
            tokio::spawn(async move {
                let mut seen = Seen::default();
                let mut i = 0usize;
                while running.load(Ordering::Relaxed) {
                    if paused.load(Ordering::Relaxed) {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                    i += 1;
                    let before = seen.failures.len();
                    let base = base.read().unwrap().clone();
                    let product = format!("p-{}", 1 + (n + i) % 9);
                    match client.post(format!("{base}/shop/prices/{product}")).send().await {
                        Ok(response) if response.status() == 200 => {
                            let body: serde_json::Value = response.json().await.unwrap_or_default();
                            seen.events.push(body["event"].as_str().unwrap_or_default().to_owned());
                            seen.answered += 1;
                        }
                        Ok(response) => seen.failures.push(format!("shop write: {}", response.status())),
                        Err(e) => seen.failures.push(format!("shop write: {e}")),
                    }
                    match client.get(format!("{base}/modules/failing/echo")).send().await {
                        Ok(response) if response.status() == 200 => seen.answered += 1,
                        Ok(response) => seen.failures.push(format!("module route: {}", response.status())),
                        Err(e) => seen.failures.push(format!("module route: {e}")),
                    }
                    failed.fetch_add(seen.failures.len() - before, Ordering::Relaxed);
                }
                seen
            })
        })
        .collect();
    NodeLoad { base, paused, failed, clients }
}

async fn stop(load: NodeLoad) -> Seen {
    let mut total = Seen::default();
    for client in load.clients {
        let seen = client.await.expect("a client");
        total.answered += seen.answered;
        total.failures.extend(seen.failures);
        total.events.extend(seen.events);
    }
    total
}

async fn stats(base: &str) -> serde_json::Value {
    let response = reqwest::get(format!("{base}/node/stats")).await.expect("the node answers");
    response.json().await.expect("json")
}

async fn wait_listening(node: &NodeProcess) {
    wait_until("the node listens to announcements", || async { stats(&node.http).await["listening"] == true }).await;
}

async fn prepare(host: &TestHost) {
    for sql in SHOP_TABLE {
        host.storage.connection().execute_unprepared(sql).await.expect("the shop's table");
    }
    let install = |manifest: &str, component: &str| InstallRequest { acknowledge_risk: true, ..InstallRequest::new(source(manifest, component), acme()) };
    host.lifecycle.install(install(&recorder_manifest(&["product.price-changed"]), EVENT_RECORDER)).await.expect("recorder");
    host.lifecycle.install(install(MAILER, EMAIL_ON_EVENT)).await.expect("mailer");
    host.lifecycle.install(install(V1, HTTP_PROBE)).await.expect("v1");
    let all = Approvals { routes: Some(RouteSelection::All), hooks: None };
    host.lifecycle.approve(&acme(), "failing", &all, "test").await.expect("v1's route approved");
}

/// Installs v2 of `failing` through `node`'s admin API (review, confirm,
/// approve); returns when the approval answered.
async fn upgrade_through_admin(node: &NodeProcess) {
    let client = reqwest::Client::builder().no_proxy().build().expect("client");
    let request = |method: reqwest::Method, path: &str| client.request(method, format!("{}{path}", node.admin)).bearer_auth(ALICE);
    let form = reqwest::multipart::Form::new()
        .text("manifest", v2())
        .part("component", reqwest::multipart::Part::bytes(modgate_artifacts::read(CONFORMANCE_SERVE)));
    let (status, review) = send(request(reqwest::Method::POST, "/api/v1/admin/tenants/acme/reviews").multipart(form)).await;
    assert_eq!(status, 201, "{review}");
    let id = review["review_id"].as_str().expect("review id");
    let confirm = request(reqwest::Method::POST, &format!("/api/v1/admin/tenants/acme/reviews/{id}/confirm"));
    let (status, body) = send(confirm.json(&serde_json::json!({ "acknowledge_risk": true }))).await;
    assert_eq!(status, 200, "{body}");
    let approve = request(reqwest::Method::POST, "/api/v1/admin/tenants/acme/modules/failing/approve");
    let (status, body) = send(approve.json(&serde_json::json!({ "all": true }))).await;
    assert_eq!(status, 200, "{body}");
}

/// How long until `node` serves v2 (the conformance server, whose JSON
/// names the body's size).
async fn until_v2_serves(node: &NodeProcess, since: Instant) -> Duration {
    let client = reqwest::Client::builder().no_proxy().build().expect("client");
    loop {
        if let Ok(response) = client.get(format!("{}/modules/failing/echo", node.http)).send().await
            && response.status() == 200
            && response.text().await.unwrap_or_default().contains("\"body_bytes\"")
        {
            return since.elapsed();
        }
        assert!(since.elapsed() < REFRESH, "node {} never served v2", node.http);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[test]
fn three_nodes_share_the_work_survive_a_killed_one_and_follow_an_install_made_on_one() {
    modgate_tests::run(async {
        let Some(host) = test_host(Backend::Postgres).await else { return };
        prepare(&host).await;
        let sink = SmtpSink::start();
        let root = tempfile::tempdir().expect("nodes' directories");
        let settings = |index| NodeSettings {
            database_url: host.url.clone(),
            dir: node_dir(root.path(), index),
            relay: sink.url(),
            refresh: REFRESH,
        };
        // Started together: they migrate and publish one after the other.
        let started = (1..=3).map(|index| {
            let settings = settings(index);
            std::thread::spawn(move || NodeProcess::start(node_command(), &settings))
        });
        let mut nodes: Vec<NodeProcess> = started.collect::<Vec<_>>().into_iter().map(|t| t.join().expect("a node starts")).collect();
        for node in &nodes {
            wait_listening(node).await;
        }
        eprintln!("three nodes: started and listening");

        let running = Arc::new(AtomicBool::new(true));
        let loads: Vec<NodeLoad> = nodes.iter().map(|node| start_load(&node.http, &running)).collect();
        wait_until("load reaches every node", || async {
            count(&host, "SELECT count(*) FROM modgate_deliveries WHERE state = 'delivered'", vec![]).await >= 60
        })
        .await;

        eprintln!("three nodes: load reached every node");
        // Kill node 2 while it holds deliveries.
        let holding = Instant::now();
        while stats(&nodes[1].http).await["events_in_flight"].as_u64().unwrap_or(0) == 0 && holding.elapsed() < Duration::from_secs(20) {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        loads[1].paused.store(true, Ordering::Relaxed);
        nodes[1].kill();
        let killed_at = Instant::now();
        let before_kill = count(&host, "SELECT count(*) FROM modgate_events", vec![]).await;
        tokio::time::sleep(Duration::from_secs(2)).await;

        eprintln!("three nodes: node 2 killed");
        // Started again on its own directory (its compiled artifacts).
        nodes[1] = NodeProcess::start(node_command(), &settings(2));
        wait_listening(&nodes[1]).await;
        let restarted_after = killed_at.elapsed();
        // Requests in flight at the kill have failed by now; no more are sent.
        let in_flight_at_kill = loads[1].failed.load(Ordering::Relaxed);
        *loads[1].base.write().unwrap() = nodes[1].http.clone();
        loads[1].paused.store(false, Ordering::Relaxed);
        wait_until("load goes on after the restart", || async {
            count(&host, "SELECT count(*) FROM modgate_events", vec![]).await >= before_kill + 150
        })
        .await;
        eprintln!("three nodes: node 2 restarted, load went on");
        running.store(false, Ordering::Relaxed);
        let mut seen = Vec::new();
        for load in loads {
            seen.push(stop(load).await);
        }

        // Every committed event: delivered, one effect; two messages each.
        wait_until("every delivery settles", || async {
            count(&host, "SELECT count(*) FROM modgate_deliveries WHERE state <> 'delivered'", vec![]).await == 0
        })
        .await;
        let events = count(&host, "SELECT count(*) FROM modgate_events", vec![]).await as usize;
        let deliveries = count(&host, "SELECT count(*) FROM modgate_deliveries", vec![]).await as usize;
        assert_eq!(deliveries, 2 * events, "one delivery per event and subscriber");
        let effects = effects(&host, &acme()).await;
        let effect_ids: BTreeSet<&str> = effects.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(effect_ids.len(), effects.len(), "one effect per event, however often delivered");
        assert_eq!(effects.len(), events, "every event took effect");
        for id in seen.iter().flat_map(|s| &s.events) {
            assert!(effect_ids.contains(id.as_str()), "acknowledged event {id} has no effect");
        }
        wait_until("every message is sent", || async {
            count(&host, "SELECT count(*) FROM modgate_mail WHERE state <> 'sent'", vec![]).await == 0
        })
        .await;
        let queued = mail_ids(&host).await;
        assert_eq!(queued.len(), 2 * events, "each event's two messages queued once");
        let received = sink.wait_for(queued.len(), Duration::from_secs(60));
        let mut arrivals: BTreeMap<String, usize> = BTreeMap::new();
        for message in &received {
            *arrivals.entry(message.header("Message-ID").expect("a Message-ID")).or_default() += 1;
        }
        assert_eq!(arrivals.keys().cloned().collect::<BTreeSet<_>>(), queued, "every queued message arrived, nothing else");
        let resent = received.len() - arrivals.len();

        // No request failed on the nodes that were not killed; on the killed
        // one only those in flight at the kill.
        assert!(seen[0].failures.is_empty() && seen[2].failures.is_empty(), "{:?} {:?}", seen[0].failures, seen[2].failures);
        assert_eq!(seen[1].failures.len(), in_flight_at_kill, "{:?}", seen[1].failures);
        assert!(in_flight_at_kill <= 2 * CLIENTS, "at most each client's request in flight: {:?}", seen[1].failures);
        let mut delivered_by = Vec::new();
        for node in &nodes {
            delivered_by.push(stats(&node.http).await["delivered"].as_u64().unwrap_or(0));
        }
        assert!(delivered_by[0] > 0 && delivered_by[2] > 0, "the surviving nodes share the deliveries: {delivered_by:?}");

        // A version installed on node 1 serves on 2 and 3 within the bound.
        let since = Instant::now();
        upgrade_through_admin(&nodes[0]).await;
        let approved_after = since.elapsed();
        let on_2 = until_v2_serves(&nodes[1], since).await;
        let on_3 = until_v2_serves(&nodes[2], since).await;
        assert!(on_2 < PROPAGATION_BOUND && on_3 < PROPAGATION_BOUND, "v2 took {on_2:?} and {on_3:?} (refresh {REFRESH:?})");
        eprintln!(
            "three nodes: {events} events, {} messages ({resent} resent after the kill), answered {:?}, \
             delivered since start {delivered_by:?}, node 2 back after {restarted_after:?} with {in_flight_at_kill} requests lost in flight; \
             v2 approved on node 1 after {approved_after:?}, served by node 2 after {on_2:?}, node 3 after {on_3:?}",
            queued.len(),
            seen.iter().map(|s| s.answered).collect::<Vec<_>>(),
        );
    });
}

async fn mail_ids(host: &TestHost) -> BTreeSet<String> {
    let db = host.storage.connection();
    let rows = db
        .query_all_raw(modgate_host::storage::statement(db.get_database_backend(), "SELECT message_id FROM modgate_mail", []))
        .await
        .expect("the outbox");
    rows.iter().map(|row| format!("<{}>", row.try_get::<String>("", "message_id").expect("message_id"))).collect()
}
