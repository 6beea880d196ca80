//! The soak's load: a fixed, seeded mix of requests sent over loopback by
//! workers bound to distinct client addresses (`127.0.0.x`, so the rate
//! limit sees distinct clients), each answer tallied by its status and
//! stable code with its latency.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use modgate_tests::http::{AUDIENCE, GLOBEX_HOST, ISSUER, now, token_with};

use crate::generator::Rng;

/// Addresses of the well-behaved clients, and workers (connections) each.
pub const CLIENTS: u8 = 95;
pub const WORKERS_PER_CLIENT: usize = 2;
/// The flooding client's workers (connections).
pub const FLOOD_WORKERS: usize = 10;

/// One request of the mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    WishlistList {
        globex: bool,
    },
    WishlistToggle {
        globex: bool,
        product: u8,
    },
    WishlistDigest,
    Echo {
        globex: bool,
    },
    /// The resource hog within its limits.
    HogSmall,
    /// Header maps past the memory limit.
    HogMemory,
    /// Header maps created and dropped past the memory limit.
    HogChurn,
    /// Handles past the cap.
    HogHandles,
    /// A module that panics.
    Trap,
    /// A module that loops until its deadline.
    Spin,
    /// The shop changes a price: one `product.price-changed` event.
    PriceChange {
        globex: bool,
        product: u8,
    },
    /// A module that does not exist.
    Missing,
    /// A forged customer token.
    Forged,
    /// The flooding client's requests.
    Flood,
}

impl Kind {
    /// The module (or route) the request is for, for the printed table.
    pub fn target(self) -> &'static str {
        match self {
            Kind::WishlistList { .. }
            | Kind::WishlistToggle { .. }
            | Kind::WishlistDigest
            | Kind::Forged => "wishlist",
            Kind::Echo { .. } | Kind::Flood => "echo",
            Kind::HogSmall | Kind::HogMemory | Kind::HogChurn | Kind::HogHandles => "resource-hog",
            Kind::Trap => "panicker",
            Kind::Spin => "spinner",
            Kind::PriceChange { .. } => "shop price change",
            Kind::Missing => "missing module",
        }
    }
}

/// The well-behaved clients' requests: `count` of them from `seed`, the
/// first `spin_burst` spinning at once (more than a module's in-flight share).
pub fn plan(seed: u64, count: usize, spin_burst: usize) -> Vec<Kind> {
    let mut rng = Rng::new(seed);
    (0..count)
        .map(|i| {
            if i < spin_burst {
                return Kind::Spin;
            }
            let globex = rng.chance(25);
            let product = rng.range(1, 3) as u8;
            match rng.range(0, 999) {
                0..=279 => Kind::WishlistList { globex },
                280..=449 => Kind::WishlistToggle { globex, product },
                450..=499 => Kind::WishlistDigest,
                500..=719 => Kind::Echo { globex },
                720..=769 => Kind::HogSmall,
                770..=809 => Kind::HogMemory,
                810..=829 => Kind::HogChurn,
                830..=869 => Kind::HogHandles,
                870..=919 => Kind::Trap,
                920..=939 => Kind::Spin,
                940..=969 => Kind::PriceChange { globex, product },
                970..=984 => Kind::Missing,
                _ => Kind::Forged,
            }
        })
        .collect()
}

/// One client address with its connections and customers' tokens.
pub struct Client {
    http: reqwest::Client,
    acme_token: String,
    globex_token: String,
}

fn token(tenant: &str, customer: &str) -> String {
    token_with(&serde_json::json!({
        "sub": customer, "tenant": tenant, "iss": ISSUER, "aud": AUDIENCE, "exp": now() + 3600,
    }))
}

impl Client {
    /// A client sending from `127.0.0.<last>`; its customers are `soak-<last>`
    /// (client 10 is Ada, `cu-1`, who receives mail).
    pub fn new(last: u8) -> Client {
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last)))
            .timeout(Duration::from_secs(60))
            .build()
            .expect("client");
        let acme_customer = if last == 10 {
            "cu-1".to_owned()
        } else {
            format!("soak-{last}")
        };
        Client {
            http,
            acme_token: token("acme", &acme_customer),
            globex_token: token("globex", &format!("g-soak-{last}")),
        }
    }

    /// A GET of `url` from this client's address.
    pub fn get(&self, url: &str) -> reqwest::RequestBuilder {
        self.http.get(url)
    }

    /// Request `kind` (number `serial` of the run) for the host at `base`.
    pub fn request(&self, base: &str, kind: Kind, serial: usize) -> reqwest::RequestBuilder {
        let c = &self.http;
        let url = |path: &str| format!("{base}{path}");
        let tenant = |request: reqwest::RequestBuilder, globex: bool| {
            if globex {
                request
                    .header("host", GLOBEX_HOST)
                    .bearer_auth(&self.globex_token)
            } else {
                request.bearer_auth(&self.acme_token)
            }
        };
        let product = |globex: bool, n: u8| {
            if globex {
                "g-p-1".to_owned()
            } else {
                format!("p-{n}")
            }
        };
        match kind {
            Kind::WishlistList { globex } => {
                tenant(c.get(url("/modules/wishlist/items?sort=newest")), globex)
            }
            Kind::WishlistToggle { globex, product: n } => tenant(
                c.post(url(&format!(
                    "/modules/wishlist/items/{}/toggle",
                    product(globex, n)
                ))),
                globex,
            ),
            Kind::WishlistDigest => tenant(c.get(url("/modules/wishlist/digest")), false),
            Kind::Echo { globex } => {
                tenant(c.get(url(&format!("/modules/echo/hello/{serial}"))), globex)
            }
            Kind::Flood => c.get(url(&format!("/modules/echo/flood/{serial}"))),
            Kind::HogSmall => c.get(url("/modules/resource-hog/fields/10/1000")),
            Kind::HogMemory => c.get(url("/modules/resource-hog/fields/100000/30000")),
            Kind::HogChurn => c.get(url("/modules/resource-hog/churn/100000/30000")),
            Kind::HogHandles => c.get(url("/modules/resource-hog/handles/5000")),
            Kind::Trap => c.get(url("/modules/panicker/trap")),
            Kind::Spin => c.get(url("/modules/spinner/spin")),
            Kind::PriceChange { globex, product: n } => {
                let tenant = if globex { "globex" } else { "acme" };
                let current = 1000 + (serial % 500);
                c.post(url(&format!(
                    "/shop/{tenant}/products/{}/price/{current}",
                    product(globex, n)
                )))
            }
            Kind::Missing => c.get(url("/modules/no-such-module/anything")),
            Kind::Forged => c
                .get(url("/modules/wishlist/items"))
                .bearer_auth("forged.token.here"),
        }
    }
}

/// Every answer: by request kind and `status code`, the latencies, and the
/// ids of the events the shop accepted.
#[derive(Default)]
pub struct Tally {
    pub outcomes: BTreeMap<(&'static str, String), u64>,
    pub latencies: Vec<Duration>,
    pub accepted_events: Vec<(bool, String)>,
}

impl Tally {
    /// How many answers had this `status code` key.
    pub fn with_key(&self, key: &str) -> u64 {
        self.outcomes
            .iter()
            .filter(|((_, k), _)| k == key)
            .map(|(_, n)| n)
            .sum()
    }

    /// How many answers ended with this stable code, whatever the status.
    pub fn with_code(&self, code: &str) -> u64 {
        self.outcomes
            .iter()
            .filter(|((_, k), _)| k.split_once(' ').is_some_and(|(_, c)| c == code))
            .map(|(_, n)| n)
            .sum()
    }

    /// Every request answered.
    pub fn requests(&self) -> u64 {
        self.outcomes.values().sum()
    }

    /// The latency below which `percent` of the requests were answered.
    pub fn percentile(&self, percent: usize) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        sorted
            .get((sorted.len() * percent / 100).min(sorted.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    }
}

/// Sends one request and tallies its answer: `<status> <code>`, the code
/// read from the host's (or the module's) `{"error":{"code":…}}` body, `ok`
/// for a 2xx, `untyped` when a refusal carries no code, `connection-error`
/// when no answer came.
pub async fn send(client: &Client, base: &str, kind: Kind, serial: usize, tally: &Mutex<Tally>) {
    let started = Instant::now();
    let answer = client.request(base, kind, serial).send().await;
    let (key, event) = match answer {
        Err(e) => (format!("000 connection-error ({e})"), None),
        Ok(response) => {
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            let body: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            let code = body["error"]["code"].as_str().map(str::to_owned);
            let event = body["event"].as_str().map(str::to_owned);
            let code = match (status, code) {
                (200..=299, _) => "ok".to_owned(),
                (_, Some(code)) => code,
                (_, None) => "untyped".to_owned(),
            };
            (
                format!("{status} {code}"),
                event.filter(|_| (200..300).contains(&status)),
            )
        }
    };
    let elapsed = started.elapsed();
    let mut tally = tally.lock().unwrap_or_else(|p| p.into_inner());
    *tally.outcomes.entry((kind.target(), key)).or_default() += 1;
    tally.latencies.push(elapsed);
    if let (Kind::PriceChange { globex, .. }, Some(id)) = (kind, event) {
        tally.accepted_events.push((globex, id));
    }
}

/// Sends `normal` from the well-behaved clients and `flood` requests from
/// the flooding one, all workers at once, and returns when every answer is in.
pub async fn run_phase(
    base: &str,
    clients: &Arc<Vec<Client>>,
    flooder: &Arc<Client>,
    normal: Arc<Vec<Kind>>,
    flood: usize,
    serial_base: usize,
    tally: &Arc<Mutex<Tally>>,
) {
    let next = Arc::new(AtomicUsize::new(0));
    let flooded = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for c in 0..clients.len() {
        for _ in 0..WORKERS_PER_CLIENT {
            let (clients, normal, next, tally, base) = (
                clients.clone(),
                normal.clone(),
                next.clone(),
                tally.clone(),
                base.to_owned(),
            );
            workers.push(tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&kind) = normal.get(i) else { break };
                    send(&clients[c], &base, kind, serial_base + i, &tally).await;
                }
            }));
        }
    }
    for _ in 0..FLOOD_WORKERS {
        let (flooder, flooded, tally, base) = (
            flooder.clone(),
            flooded.clone(),
            tally.clone(),
            base.to_owned(),
        );
        workers.push(tokio::spawn(async move {
            loop {
                let i = flooded.fetch_add(1, Ordering::Relaxed);
                if i >= flood {
                    break;
                }
                send(&flooder, &base, Kind::Flood, serial_base + i, &tally).await;
            }
        }));
    }
    for worker in workers {
        worker.await.expect("a load worker panicked");
    }
}
