//! The admin API over real loopback for end-to-end tests: the HTTP bridge
//! harness ([`crate::http`]) with metrics and the usage recorder observing
//! its engine, and an [`AdminApi`] on a second listener with two operators.

use std::sync::Arc;

use modgate_host::admin::{AdminApi, AdminConfig, Operator};
use modgate_host::engine::{EngineConfig, InvocationObservers};
use modgate_host::metrics::Metrics;
use modgate_host::usage::UsageRecorder;

use crate::http::{HttpHarness, http_harness_with, test_http_config};

/// Alice's operator token.
pub const ALICE: &str = "alice-operator-token-0123456789";
/// Bob's operator token.
pub const BOB: &str = "bob-operator-token-9876543210";

/// A bridge and the admin API over the same host.
pub struct AdminHarness {
    /// The bridge (customers' requests).
    pub http: HttpHarness,
    /// `http://127.0.0.1:<port>` of the admin listener.
    pub admin: String,
    /// What the engine's invocations cost.
    pub metrics: Arc<Metrics>,
    /// The capability calls counted.
    pub usage: Arc<UsageRecorder>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for AdminHarness {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Starts the bridge and the admin API; `dev_mode` as given.
pub async fn admin_harness(dev_mode: bool) -> AdminHarness {
    let metrics = Metrics::new();
    let usage = UsageRecorder::new();
    let engine = EngineConfig {
        observers: InvocationObservers::default().with(metrics.clone()).with(usage.clone()),
        ..crate::cached(EngineConfig::default())
    };
    let http = http_harness_with(test_http_config(), engine).await;
    http.lifecycle.set_dev_mode(dev_mode);
    let config = AdminConfig {
        operators: vec![
            Operator { name: "alice".into(), token: ALICE.into() },
            Operator { name: "bob".into(), token: BOB.into() },
        ],
        ..AdminConfig::default()
    };
    let router = AdminApi::new(http.lifecycle.clone(), config)
        .with_bridge(http.bridge.clone())
        .with_metrics(metrics.clone())
        .with_usage(usage.clone())
        .router();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("loopback port");
    let address = listener.local_addr().expect("bound");
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    AdminHarness { http, admin: format!("http://{address}"), metrics, usage, server }
}

impl AdminHarness {
    /// A request to the admin API as the operator holding `token`.
    pub fn request(&self, method: reqwest::Method, path: &str, token: &str) -> reqwest::RequestBuilder {
        self.http.client.request(method, format!("{}{path}", self.admin)).bearer_auth(token)
    }

    /// `GET path` as Alice: status and JSON body.
    pub async fn get(&self, path: &str) -> (u16, serde_json::Value) {
        send(self.request(reqwest::Method::GET, path, ALICE)).await
    }

    /// `POST path` with a JSON body as Alice.
    pub async fn post(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        send(self.request(reqwest::Method::POST, path, ALICE).json(&body)).await
    }
}

/// Sends; answers the status and the JSON body (`Null` when empty).
pub async fn send(request: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
    let response = request.send().await.expect("admin API answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let body = if text.is_empty() { serde_json::Value::Null } else { serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)) };
    (status, body)
}

/// The stable code of an admin API error body.
pub fn admin_code(body: &serde_json::Value) -> &str {
    body["error"].as_str().unwrap_or("<no code>")
}
