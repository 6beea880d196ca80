//! Traces over OpenTelemetry: the storefront's spans, exported over OTLP/HTTP
//! to a collector on loopback (this test's own, decoding what it receives
//! with the OpenTelemetry protobuf types). A customer's wishlist request
//! arrives as an `invocation` span with the module, tenant and context, and
//! the module's table query as a capability-call span inside it — and no
//! event (the capability calls' arguments) is exported.
//!
//! The only test of its binary: it installs the process's subscriber.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::routing::post;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;
use storefront::telemetry::otlp_layer;
use storefront::{Options, Storefront};
use tracing_subscriber::layer::SubscriberExt;

mod served;
use served::{module, serve};

/// A stand-in collector: keeps the spans of every export it receives.
async fn collector(spans: Arc<Mutex<Vec<Span>>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let router = Router::new().route(
        "/v1/traces",
        post(move |body: Bytes| async move {
            let request = ExportTraceServiceRequest::decode(body).expect("an OTLP protobuf export");
            let mut kept = spans.lock().unwrap();
            for resource in request.resource_spans {
                for scope in resource.scope_spans {
                    kept.extend(scope.spans);
                }
            }
            // An empty ExportTraceServiceResponse.
            Vec::<u8>::new()
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{address}")
}

fn attribute(span: &Span, key: &str) -> Option<String> {
    span.attributes.iter().find(|a| a.key == key).and_then(|a| match a.value.as_ref()?.value.as_ref()? {
        Value::StringValue(text) => Some(text.clone()),
        _ => None,
    })
}

#[test]
fn invocations_and_capability_calls_are_exported_as_spans() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let spans = Arc::new(Mutex::new(Vec::new()));
    let endpoint = runtime.block_on(collector(spans.clone()));
    // Outside the runtime: the exporter's client runs its own thread.
    let (layer, provider) = otlp_layer(&endpoint).expect("exporter");
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer)).expect("the only subscriber");

    let data = tempfile::tempdir().unwrap();
    runtime.block_on(async {
        let storefront = Storefront::start(Options::new(data.path().to_path_buf(), vec![module(modgate_artifacts::WISHLIST_DIR, modgate_artifacts::WISHLIST)]))
        .await
        .expect("storefront starts");
        let token = storefront.token_for("acme", "cu-ada").unwrap();
        let (base, _server) = serve(storefront).await;
        let response = reqwest::Client::new().get(format!("{base}/modules/wishlist/items")).bearer_auth(token).send().await.unwrap();
        assert_eq!(response.status(), 200);
    });
    provider.force_flush().expect("the export reaches the collector");

    let spans = spans.lock().unwrap();
    let request = spans
        .iter()
        .find(|s| s.name == "invocation" && attribute(s, "context").as_deref() == Some("http"))
        .unwrap_or_else(|| panic!("no http invocation span among {:?}", spans.iter().map(|s| &s.name).collect::<Vec<_>>()));
    assert_eq!(attribute(request, "module").as_deref(), Some("wishlist"));
    assert_eq!(attribute(request, "tenant").as_deref(), Some("acme"));
    let calls: Vec<(Option<String>, Option<String>)> = spans
        .iter()
        .filter(|s| s.parent_span_id == request.span_id && s.trace_id == request.trace_id)
        .map(|s| (attribute(s, "module"), attribute(s, "function")))
        .collect();
    assert!(calls.contains(&(Some("tables".into()), Some("query".into()))), "capability calls inside the invocation: {calls:?}");
    assert!(spans.iter().all(|s| s.events.is_empty()), "no event (argument values) is exported");
    // Activations at install run in invocation spans of their own.
    assert!(spans.iter().any(|s| s.name == "invocation" && attribute(s, "context").as_deref() == Some("activate")));
    drop(runtime);
    let _ = provider.shutdown();
}
