//! A stand-in for an external competitor price API, served on loopback so
//! the demo needs no internet: `GET /v1/prices/{product_id}` answers
//! `{"product_id", "price_minor", "currency", "seller"}` for the products
//! it knows, 404 for others, and 401 without the API key.
//!
//! The price-watch module calls it through `http:outbound`. The shop's
//! operator allowed exactly this host (`prices.demo.example`, which the
//! storefront's resolver maps to 127.0.0.1, allowed as an exception for
//! that entry only) and attached the key as a credential: the module never
//! sees it.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use modgate_host::capabilities::outbound::{Allowlist, AllowlistEntry, Credential};

/// The name the modules use for the price API.
pub const PRICE_API_HOST: &str = "prices.demo.example";
/// The secret's name in the storefront's secret store.
pub const PRICE_API_SECRET: &str = "price-api";
/// The competitor's name in every quote.
pub const SELLER: &str = "Example Prices";

/// What the competitor charges, per product (EUR cents).
const QUOTES: &[(&str, i64)] = &[
    ("espresso-cup", 1190),
    ("milk-jug", 2100),
    ("tamper", 2990),
    ("grinder", 9500),
    ("hammock", 7900),
    ("lantern", 2600),
];

/// The running price API; it stops when dropped.
pub struct PriceApi {
    /// Where it listens.
    pub address: SocketAddr,
    /// The `Authorization` value it requires.
    key: Arc<str>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for PriceApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl PriceApi {
    /// Serves on `127.0.0.1:port` (0: a free port), requiring `key`.
    pub async fn start(port: u16, key: &str) -> anyhow::Result<PriceApi> {
        let key: Arc<str> = Arc::from(format!("Bearer {key}"));
        let app = Router::new().route("/v1/prices/{product_id}", get(quote)).with_state(key.clone());
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let address = listener.local_addr()?;
        let server = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::warn!("the stand-in price API stopped: {e}");
            }
        });
        Ok(PriceApi { address, key, server })
    }

    /// The base URL the module is configured with.
    pub fn base_url(&self) -> String {
        format!("http://{PRICE_API_HOST}:{}", self.address.port())
    }

    /// The `Authorization` header value the operator attaches.
    pub fn authorization(&self) -> &str {
        &self.key
    }

    /// The operator's allowlist for the price-watch module: this host and
    /// port only, its loopback address allowed exactly, the key attached.
    pub fn allowlist(&self) -> anyhow::Result<Allowlist> {
        let entry: AllowlistEntry = format!("{PRICE_API_HOST}:{}", self.address.port()).parse()?;
        let loopback = ipnet::IpNet::from(IpAddr::V4(Ipv4Addr::LOCALHOST));
        let entry = entry
            .with_addresses([loopback])?
            .with_credential(Credential::new("authorization", PRICE_API_SECRET)?);
        Ok(Allowlist::new([entry]))
    }
}

async fn quote(State(key): State<Arc<str>>, Path(product_id): Path<String>, headers: HeaderMap) -> Response {
    if headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) != Some(&*key) {
        return (StatusCode::UNAUTHORIZED, "an API key is required").into_response();
    }
    match QUOTES.iter().find(|(id, _)| *id == product_id) {
        Some((id, price_minor)) => axum::Json(serde_json::json!({
            "product_id": id,
            "price_minor": price_minor,
            "currency": "EUR",
            "seller": SELLER,
        }))
        .into_response(),
        None => (StatusCode::NOT_FOUND, "no quote").into_response(),
    }
}
