//! Several host nodes on one PostgreSQL database, each its own process
//! (`modgate_tests::node`): requests per second through 1, 2 and 3 nodes,
//! and events delivered per second by 1 and 3 nodes.
//!
//! Everything shares this machine's cores: the nodes, PostgreSQL and the
//! load generator (this process). The tables therefore give each node's
//! CPU (cores busy, from `/proc/<pid>/stat`), PostgreSQL's and the
//! generator's, so the scaling can be read: on 2 cores more nodes add CPU
//! time, not capacity.
//!
//! Run: `cargo bench -p modgate-tests --bench nodes` (needs PostgreSQL's
//! server binaries, as the suite does). Prints tables for
//! docs/benchmarks.md.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use modgate_artifacts::{EVENT_RECORDER, HTTP_PROBE};
use modgate_host::lifecycle::{InstallRequest, RouteSelection};
use modgate_host::storage::Backend;
use modgate_tests::node::{NodeProcess, NodeSettings, SHOP_TABLE, node_dir, serve_node_if_asked};
use modgate_tests::smtp::SmtpSink;
use modgate_tests::{TestHost, acme, raise_price_drops, recorder_manifest, source, test_host};
use sea_orm::ConnectionTrait;

/// How long each request row runs.
const LOAD_FOR: Duration = Duration::from_secs(10);
/// Requests in flight at once, over all nodes.
const CONCURRENCY: usize = 16;
/// Events raised for each events row.
const EVENTS: usize = 3_000;
const PER_TRANSACTION: usize = 100;

const SERVED: &str = r#"name = "served"
version = "1.0.0"
compatible-core = "^1.0"
permissions = []

[[routes]]
method = "GET"
path = "/echo"
"#;

fn main() {
    serve_node_if_asked();
    let rows = modgate_tests::run(async {
        let mut requests = Vec::new();
        for nodes in 1..=3 {
            requests.push(requests_row(nodes).await?);
        }
        let mut events = Vec::new();
        for nodes in [1, 3] {
            events.push(events_row(nodes).await?);
        }
        Some((requests, events))
    });
    let Some((requests, events)) = rows else {
        eprintln!("PostgreSQL's server binaries are not here: nothing measured");
        return;
    };
    print_table("requests/s", &requests, true);
    println!();
    print_table("events delivered/s", &events, false);
}

/// One table: the rate and where the CPU went (the load generator's only
/// for requests: it raises the events before they are delivered).
fn print_table(rate: &str, rows: &[Row], with_generator: bool) {
    let generator = if with_generator { " load generator CPU |" } else { "" };
    println!("| nodes | {rate} | per-node CPU (cores) | nodes' CPU total | PostgreSQL CPU |{generator}");
    println!("|---|---|---|---|---|{}", if with_generator { "---|" } else { "" });
    for row in rows {
        let per_node: Vec<String> = row.node_cpu.iter().map(|c| format!("{c:.2}")).collect();
        let generator = if with_generator { format!(" {:.2} |", row.generator_cpu) } else { String::new() };
        println!(
            "| {} | {:.0} | {} | {:.2} | {:.2} |{generator}",
            row.nodes,
            row.rate,
            per_node.join(" / "),
            row.node_cpu.iter().sum::<f64>(),
            row.postgres_cpu
        );
    }
}

struct Row {
    nodes: usize,
    rate: f64,
    node_cpu: Vec<f64>,
    generator_cpu: f64,
    postgres_cpu: f64,
}

/// A fresh database with the shop's table, and `nodes` nodes on it.
async fn cluster(nodes: usize) -> Option<(TestHost, Vec<NodeProcess>, tempfile::TempDir, SmtpSink)> {
    let host = test_host(Backend::Postgres).await?;
    for sql in SHOP_TABLE {
        host.storage.connection().execute_unprepared(sql).await.expect("the shop's table");
    }
    let sink = SmtpSink::start();
    let root = tempfile::tempdir().expect("nodes' directories");
    let started: Vec<NodeProcess> = (1..=nodes)
        .map(|index| {
            let settings = NodeSettings {
                database_url: host.url.clone(),
                dir: node_dir(root.path(), index),
                relay: sink.url(),
                refresh: Duration::from_secs(1),
            };
            NodeProcess::start(std::process::Command::new(std::env::current_exe().expect("this binary")), &settings)
        })
        .collect();
    Some((host, started, root, sink))
}

async fn requests_row(nodes: usize) -> Option<Row> {
    let (host, cluster, _root, _sink) = cluster(nodes).await?;
    host.lifecycle.install(InstallRequest::new(source(SERVED, HTTP_PROBE), acme())).await.expect("installs");
    host.lifecycle.approve_routes(&acme(), "served", &RouteSelection::All, "bench").await.expect("approves");
    let client = reqwest::Client::builder().no_proxy().build().expect("client");
    let urls: Arc<Vec<String>> = Arc::new(cluster.iter().map(|node| format!("{}/modules/served/echo", node.http)).collect());
    // Warm every node (its first request loads the module).
    for url in urls.iter() {
        while client.get(url).send().await.map(|r| r.status() != 200).unwrap_or(true) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let running = Arc::new(AtomicBool::new(true));
    let answered = Arc::new(AtomicU64::new(0));
    let cpu_before: Vec<f64> = cluster.iter().map(|node| cpu_seconds(node.pid())).collect();
    let generator_before = cpu_seconds(std::process::id());
    let postgres_before = postgres_cpu_seconds();
    let started = Instant::now();
    let clients: Vec<_> = (0..CONCURRENCY)
        .map(|n| {
            let (client, urls, running, answered) = (client.clone(), urls.clone(), running.clone(), answered.clone());
            tokio::spawn(async move {
                let mut i = n;
                while running.load(Ordering::Relaxed) {
                    i += 1;
                    let response = client.get(&urls[i % urls.len()]).send().await.expect("a node answers");
                    assert_eq!(response.status(), 200);
                    let _ = response.bytes().await;
                    answered.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    tokio::time::sleep(LOAD_FOR).await;
    running.store(false, Ordering::Relaxed);
    for client in clients {
        client.await.expect("a client");
    }
    let wall = started.elapsed().as_secs_f64();
    Some(Row {
        nodes,
        rate: answered.load(Ordering::Relaxed) as f64 / wall,
        node_cpu: cluster.iter().zip(cpu_before).map(|(node, before)| (cpu_seconds(node.pid()) - before) / wall).collect(),
        generator_cpu: (cpu_seconds(std::process::id()) - generator_before) / wall,
        postgres_cpu: (postgres_cpu_seconds() - postgres_before) / wall,
    })
}

async fn events_row(nodes: usize) -> Option<Row> {
    let (host, cluster, _root, _sink) = cluster(nodes).await?;
    host.lifecycle.install(InstallRequest::new(source(&recorder_manifest(&["product.price-changed"]), EVENT_RECORDER), acme())).await.expect("installs");
    let cpu_before: Vec<f64> = cluster.iter().map(|node| cpu_seconds(node.pid())).collect();
    let postgres_before = postgres_cpu_seconds();
    let started = Instant::now();
    raise_price_drops(&host, EVENTS, PER_TRANSACTION).await;
    let db = host.storage.connection();
    let pending = "SELECT count(*) FROM modgate_deliveries WHERE state <> 'delivered'";
    loop {
        let row = db.query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), pending)).await.expect("count");
        if row.and_then(|r| r.try_get_by_index::<i64>(0).ok()) == Some(0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let wall = started.elapsed().as_secs_f64();
    Some(Row {
        nodes,
        rate: EVENTS as f64 / wall,
        node_cpu: cluster.iter().zip(cpu_before).map(|(node, before)| (cpu_seconds(node.pid()) - before) / wall).collect(),
        generator_cpu: 0.0,
        postgres_cpu: (postgres_cpu_seconds() - postgres_before) / wall,
    })
}

/// CPU time of every PostgreSQL process on this machine so far (the
/// throwaway server's: nothing else runs one here), in seconds.
fn postgres_cpu_seconds() -> f64 {
    let Ok(processes) = std::fs::read_dir("/proc") else { return 0.0 };
    processes
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|name| name.trim() == "postgres"))
        .map(cpu_seconds)
        .sum()
}

/// User and system CPU time of process `pid` so far, in seconds
/// (`/proc/<pid>/stat`, in the kernel's fixed 100 ticks a second).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces), from field 3.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15: indexes 11 and 12 here.
    (ticks(11) + ticks(12)) / 100.0
}
