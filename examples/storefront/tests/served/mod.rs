//! What the storefront tests share: a reference module read from the
//! artifacts, a storefront served on a free loopback port, and polling a
//! module's JSON until it shows what an asynchronous delivery wrote.

#![allow(dead_code)] // each test crate uses its own part

use std::net::SocketAddr;
use std::time::Duration;

use modgate_host::lifecycle::ModuleSource;
use storefront::Storefront;

/// The module whose `module.toml` is in `dir` and whose built component is
/// `component` (both from `modgate_artifacts`).
pub fn module(dir: &str, component: &str) -> ModuleSource {
    ModuleSource::new(std::fs::read_to_string(format!("{dir}/module.toml")).unwrap(), modgate_artifacts::read(component))
}

/// Serves `storefront` on a free loopback port: its base URL and the task.
pub async fn serve(storefront: Storefront) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address: SocketAddr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let _ = storefront.serve(listener).await;
    });
    (format!("http://{address}"), server)
}

/// Polls `url` until it answers 200 and `ready` holds for its JSON (30 s
/// at most: deliveries are asynchronous).
pub async fn wait_for(client: &reqwest::Client, url: &str, ready: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let mut last = serde_json::Value::Null;
    for _ in 0..600 {
        let response = client.get(url).send().await.unwrap();
        if response.status().is_success() {
            last = response.json().await.unwrap();
            if ready(&last) {
                return last;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{url} never became ready; last answer {last}");
}
