//! The demo host's logs and traces: logs to stderr (`RUST_LOG`), and —
//! when the operator names an OpenTelemetry collector in
//! `OTEL_EXPORTER_OTLP_ENDPOINT` — the host's spans exported to it over
//! OTLP/HTTP: an `invocation` span per module call (module, tenant,
//! context) with a `wit-bindgen import` span per capability call inside it.
//! Only spans are exported, never events: the capability-call events carry
//! the call's arguments (`docs/operations.md`, "Metrics and tracing").

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{SpanExporter, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::Subscriber;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, filter};

/// The standard OpenTelemetry variable naming the collector's base URL
/// (e.g. `http://127.0.0.1:4318`); traces go to `<it>/v1/traces`.
pub const OTLP_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";

/// The spans exported: the host's own (invocations and capability calls).
const EXPORTED_TARGET: &str = "modgate_host";

/// A tracing layer exporting the host's spans to the collector at
/// `endpoint`, and the provider to flush and shut down. Build it outside an
/// async context: the exporter's HTTP client runs its own thread.
pub fn otlp_layer<S>(endpoint: &str) -> anyhow::Result<(impl Layer<S> + use<S>, SdkTracerProvider)>
where
    S: Subscriber + for<'span> LookupSpan<'span>,
{
    let exporter = SpanExporter::builder()
        .with_http()
        .with_endpoint(format!("{}/v1/traces", endpoint.trim_end_matches('/')))
        .build()?;
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(Resource::builder().with_service_name("modgate-storefront").build())
        .build();
    let layer = tracing_opentelemetry::layer()
        .with_tracer(provider.tracer("modgate"))
        .with_filter(filter::filter_fn(|meta| meta.is_span() && meta.target().starts_with(EXPORTED_TARGET)));
    Ok((layer, provider))
}

/// Installs the process's subscriber: logs filtered by `RUST_LOG` (default
/// `default_filter`), plus the OTLP export when [`OTLP_ENDPOINT`] is set.
/// Keep the returned provider until the end, then shut it down (which
/// flushes what is still buffered).
pub fn init(default_filter: &str) -> anyhow::Result<Option<SdkTracerProvider>> {
    let logs = tracing_subscriber::fmt::layer()
        .with_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter)));
    match std::env::var(OTLP_ENDPOINT).ok().filter(|value| !value.is_empty()) {
        Some(endpoint) => {
            let (otlp, provider) = otlp_layer(&endpoint)?;
            tracing_subscriber::registry().with(logs).with(otlp).try_init()?;
            tracing::info!("exporting traces to {endpoint}");
            Ok(Some(provider))
        }
        None => {
            tracing_subscriber::registry().with(logs).try_init()?;
            Ok(None)
        }
    }
}
