//! Hot reload: a new version of an installed module, reloaded under steady
//! loopback traffic, is staged beside the serving one and takes the traffic
//! only when promoted; a version that fails any step never takes traffic.
//! Both with zero failed requests. Then the watch itself: a changed module
//! folder reaches the lifecycle, and the folder limits refuse with codes.

mod backends;
mod swap;
mod watch;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use modgate_tests::http::HttpHarness;

/// The module every scenario reloads: v1 answers `GET /echo` with the
/// HTTP probe; its table is there so that a later version can drop it. It
/// is named `failing` for the test component whose `activate` fails, which
/// writes to `mod_failing_rows` first.
pub const V1: &str = r#"
name = "failing"
version = "1.0.0"
compatible-core = "^1.0"
permissions = ["write:own-tables"]

[[tables]]
name = "mod_failing_rows"
columns = [{ name = "label", type = "text" }]

[[routes]]
method = "GET"
path = "/echo"
"#;

/// `V1` as version 1.1.0.
pub fn v2() -> String {
    V1.replace("version = \"1.0.0\"", "version = \"1.1.0\"")
}

/// What the load saw.
#[derive(Debug, Default)]
pub struct Seen {
    /// Answers other than 200, with their status and body.
    pub failures: Vec<(u16, String)>,
    /// 200s from v1 (the HTTP probe).
    pub from_v1: usize,
    /// 200s from v2 (the conformance server, whose JSON names the route).
    pub from_v2: usize,
}

/// Steady traffic on `GET /modules/failing/echo` from four clients until
/// stopped; every answer is classified.
pub struct Load {
    stop: Arc<AtomicBool>,
    answered: Arc<AtomicUsize>,
    clients: Vec<tokio::task::JoinHandle<Seen>>,
}

impl Load {
    /// Starts the clients.
    pub fn start(h: &HttpHarness) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let answered = Arc::new(AtomicUsize::new(0));
        let clients = (0..4)
            .map(|_| {
                let (client, url) = (h.client.clone(), h.url("/modules/failing/echo"));
                let (stop, answered) = (stop.clone(), answered.clone());
                tokio::spawn(async move {
                    let mut seen = Seen::default();
                    while !stop.load(Ordering::Relaxed) {
                        let (status, body) = match client.get(&url).send().await {
                            Ok(response) => (response.status().as_u16(), response.text().await.unwrap_or_default()),
                            Err(e) => (0, e.to_string()),
                        };
                        answered.fetch_add(1, Ordering::Relaxed);
                        match status {
                            200 if body.contains("\"body_bytes\"") => seen.from_v2 += 1,
                            200 => seen.from_v1 += 1,
                            _ => seen.failures.push((status, body)),
                        }
                    }
                    seen
                })
            })
            .collect();
        Load { stop, answered, clients }
    }

    /// Waits until `more` further answers arrived (the load is really
    /// running across whatever happens meanwhile).
    pub async fn settle(&self, more: usize) {
        let target = self.answered.load(Ordering::Relaxed) + more;
        while self.answered.load(Ordering::Relaxed) < target {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }

    /// Stops the clients and adds up what they saw.
    pub async fn stop(self) -> Seen {
        self.stop.store(true, Ordering::Relaxed);
        let mut total = Seen::default();
        for client in self.clients {
            let seen = client.await.expect("client task");
            total.failures.extend(seen.failures);
            total.from_v1 += seen.from_v1;
            total.from_v2 += seen.from_v2;
        }
        total
    }
}
