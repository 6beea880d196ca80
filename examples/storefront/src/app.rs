//! Putting the storefront together: database, catalogue, engine, data
//! hooks, modules, the module bridge and the page, on one axum router.

use std::future::{Future, IntoFuture};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use modgate_host::capabilities::outbound::{Allowlist, Outbound, StaticResolver, StaticSecrets, SystemResolver};
use modgate_host::admin::{AdminApi, AdminConfig, Operator};
use modgate_host::engine::{EngineConfig, InvocationObservers, TenantId};
use modgate_host::metrics::Metrics;
use modgate_host::reload::{HotReload, ReloadLimits};
use modgate_host::usage::{DEFAULT_FLUSH_INTERVAL, UsageRecorder};
use modgate_host::hooks::{DataHooks, HookConfig};
use modgate_host::http::{HttpConfig, ModuleBridge};
use modgate_host::lifecycle::{HookSelection, InstallError, InstallRequest, Lifecycle, ModuleSource, RouteSelection};
use modgate_host::verify::ProblemCode;
use modgate_host::default_host::{HostOptions, default_host};
use modgate_host::events::{EventConfig, EventWorker, Outbox};
use modgate_host::mail::{MailConfig, MailOutbox, MailTransport, MailWorker, Senders};
use modgate_host::storage::Storage;

use crate::admin::{self, AdminState};
use crate::auth::{self, CookieSessions};
use crate::changes::ShopChanges;
use crate::contacts::ShopContacts;
use crate::front::{self, FrontState};
use crate::hookable;
use crate::mailbox;
use crate::catalog::Catalog;
use crate::prices::{PRICE_API_HOST, PRICE_API_SECRET, PriceApi};
use crate::reviews::ShopReviews;
use crate::shutdown::StopRequest;

/// The tenants of the demo: `acme` is the default, `globex` answers on
/// `globex.localhost`.
pub const TENANTS: [(&str, Option<&str>); 2] = [("acme", None), ("globex", Some("globex.localhost"))];

/// How to start.
pub struct Options {
    /// Where the SQLite database and the token secret live.
    pub data_dir: PathBuf,
    /// Modules to install for every tenant.
    pub modules: Vec<ModuleSource>,
    /// Bridge configuration (tenants and identity are filled in here).
    pub http: HttpConfig,
    /// Event delivery.
    pub events: EventConfig,
    /// Mail delivery (the relay comes from `MODGATE_SMTP_URL`; unset: the
    /// local mailbox).
    pub mail: MailConfig,
    /// How the data hooks behave (a failing `before-create review` hook
    /// refuses the review by default).
    pub hooks: HookConfig,
    /// Port of the stand-in competitor price API on 127.0.0.1 (0: a free
    /// one).
    pub price_api_port: u16,
    /// Wasmtime's compile cache, for test suites that compile the same big
    /// components in many processes (`None`: off). Installed modules are
    /// kept compiled in `<data_dir>/artifacts` either way.
    pub compile_cache: Option<PathBuf>,
    /// Dev mode: every module is granted every permission it asks for,
    /// without acknowledgement (loopback only).
    pub dev_mode: bool,
    /// A modules directory to watch: a changed module folder under it is
    /// reloaded for every tenant that has the module (`None`: no watch).
    pub watch_modules: Option<PathBuf>,
    /// How often the usage counts are written to the database (a stopping
    /// storefront writes what is left: [`Storefront::serve_until`]).
    pub usage_flush_interval: Duration,
}

impl Options {
    /// `modules` installed for every tenant, data in `data_dir`, and every
    /// other choice at its default: the bridge, events, mail and hooks
    /// configurations, the stand-in price API on a free port, no compile
    /// cache, dev mode off.
    pub fn new(data_dir: impl Into<PathBuf>, modules: Vec<ModuleSource>) -> Self {
        Options {
            data_dir: data_dir.into(),
            modules,
            http: HttpConfig::default(),
            events: EventConfig::default(),
            mail: MailConfig::default(),
            hooks: HookConfig::default(),
            price_api_port: 0,
            compile_cache: None,
            dev_mode: false,
            watch_modules: None,
            usage_flush_interval: DEFAULT_FLUSH_INTERVAL,
        }
    }
}

/// The assembled application.
pub struct Storefront {
    /// The router to serve (with connect info).
    pub router: Router,
    /// The module bridge.
    pub bridge: Arc<ModuleBridge>,
    /// The lifecycle.
    pub lifecycle: Arc<Lifecycle>,
    /// The modules' hooks on the shop's reviews and products.
    pub hooks: DataHooks,
    /// The event worker delivering core and module events to the modules.
    pub events: EventWorker,
    /// The mail worker sending what modules queued.
    pub mail: MailWorker,
    /// Token-signing secret.
    pub secret: Vec<u8>,
    /// The operator token of the `/admin/…` endpoints.
    pub operator_token: String,
    /// What happened to each module at start, for the console.
    pub module_report: Vec<String>,
    /// The stand-in competitor price API the price-watch module calls.
    pub price_api: PriceApi,
    /// The operator's admin API and page, for a listener of their own.
    pub admin_router: Router,
    /// What invocations cost, per module (also served at `/metrics` of the
    /// admin listener).
    pub metrics: Arc<Metrics>,
    /// The capability calls modules make, for the least-privilege report.
    pub usage: Arc<UsageRecorder>,
    /// The hot-reload watch, when one was asked for.
    pub hot_reload: Option<Arc<HotReload>>,
}

impl Storefront {
    /// Opens the data folder, seeds the catalogue on first start, installs
    /// and approves the modules (first start or new version), and builds the
    /// router.
    pub async fn start(options: Options) -> anyhow::Result<Self> {
        let storage = Storage::open_data_dir(&options.data_dir)
            .await
            .with_context(|| format!("opening {}", options.data_dir.display()))?;
        let catalog = Catalog::open(storage.connection().clone()).await?;
        let contacts = ShopContacts::open(storage.connection().clone()).await?;
        // One outbox for the shop's own writes and the modules' events, so
        // that both wake the same worker.
        let outbox = Outbox::new(storage.clone());
        let mail_outbox = MailOutbox::new(storage.clone(), senders()?);
        let price_api = PriceApi::start(options.price_api_port, &random_key()?).await?;
        let metrics = Metrics::new();
        let usage = UsageRecorder::new();
        let options_of_host = HostOptions {
            commerce: catalog.clone().into_commerce(contacts.clone()),
            outbox: Some(outbox.clone()),
            mail: Some(mail_outbox.clone()),
            outbound: outbound(&price_api)?,
            engine: EngineConfig {
                compile_cache: options.compile_cache.clone(),
                observers: InvocationObservers::default().with(metrics.clone()).with(usage.clone()),
                ..EngineConfig::default()
            },
            ..HostOptions::default()
        };
        let changes = ShopChanges::new(storage.connection().clone(), outbox.clone());
        // A restart loads the modules' compiled code (`artifacts/`) instead
        // of compiling it again (a Python or JavaScript one: 14–19 s).
        let lifecycle = Arc::new(default_host(storage, options_of_host)?.with_artifact_dir(options.data_dir.join("artifacts")));
        lifecycle.set_dev_mode(options.dev_mode);
        usage.spawn_flusher(lifecycle.storage().clone(), options.usage_flush_interval);
        // Published before the installs: a module hooking an entity the shop
        // does not offer is refused at install.
        let hooks = DataHooks::start(lifecycle.clone(), hookable::entities()?, options.hooks)
            .await
            .map_err(|e| anyhow::anyhow!("starting the data hooks: {e}"))?;
        let reviews = ShopReviews::open(lifecycle.storage().connection().clone(), hooks.clone()).await?;

        let mut module_report = Vec::new();
        for source in &options.modules {
            for (tenant, _) in TENANTS {
                let tenant = TenantId::new(tenant)?;
                module_report.push(install_if_changed(&lifecycle, source, &tenant, &price_api).await?);
            }
        }

        let events = EventWorker::start(lifecycle.clone(), outbox, options.events).map_err(|e| anyhow::anyhow!(e))?;
        let transport = MailTransport::from_env(options.mail.send_timeout)?;
        let mail = MailWorker::start(mail_outbox, transport, Some(Arc::new(contacts)), options.mail).map_err(|e| anyhow::anyhow!(e))?;
        let secret = auth::load_or_create_secret(&options.data_dir)?;
        let operator_token = admin::load_or_create_operator_token(&options.data_dir)?;
        let mut http = options.http;
        http.default_tenant = Some(TENANTS[0].0.to_owned());
        for (tenant, host) in TENANTS {
            if let Some(host) = host {
                http.tenant_hosts.insert(host.to_owned(), tenant.to_owned());
            }
        }
        http.identity = auth::identity_config(&secret);
        // Browsers are signed in by an HttpOnly cookie the bridge verifies
        // through the same sessions as the page; curl uses bearer tokens.
        let sessions = Arc::new(CookieSessions::new(&secret)?);
        let bridge = ModuleBridge::with_sessions(lifecycle.clone(), http, sessions.clone())?;
        let front = Arc::new(FrontState {
            bridge: bridge.clone(),
            sessions,
            catalog,
            reviews,
            hooks: hooks.clone(),
            secret: secret.clone(),
        });
        let router = front::router(front)
            .merge({
                let admin = Arc::new(AdminState {
                    changes,
                    bridge: bridge.clone(),
                    token: operator_token.clone(),
                    storage: lifecycle.storage().clone(),
                });
                admin::router(admin.clone()).merge(mailbox::router(admin))
            })
            .merge(bridge.router());
        let hot_reload = match &options.watch_modules {
            Some(dir) => Some(Arc::new(
                HotReload::start(dir, ReloadLimits::default(), lifecycle.clone())
                    .await
                    .map_err(|e| anyhow::anyhow!("[{}] {e}", e.code()))?,
            )),
            None => None,
        };
        let admin = AdminApi::new(
            lifecycle.clone(),
            AdminConfig {
                operators: vec![Operator { name: "shop-operator".into(), token: operator_token.clone() }],
                ..AdminConfig::default()
            },
        )
        .with_bridge(bridge.clone())
        .with_hooks(hooks.clone())
        .with_metrics(metrics.clone())
        .with_usage(usage.clone());
        let admin_router = match &hot_reload {
            Some(watch) => admin.with_hot_reload(watch.clone()),
            None => admin,
        }
        .router();
        Ok(Storefront {
            hot_reload,
            admin_router,
            metrics,
            usage,
            router,
            bridge,
            lifecycle,
            hooks,
            events,
            mail,
            secret,
            operator_token,
            module_report,
            price_api,
        })
    }

    /// A ready-made token for a sample customer.
    pub fn token_for(&self, tenant: &str, customer: &str) -> anyhow::Result<String> {
        auth::customer_token(&self.secret, &TenantId::new(tenant)?, customer)
    }

    /// Serves the admin API and page on `listener` until the process ends.
    pub async fn serve_admin(router: Router, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
        axum::serve(listener, router).await?;
        Ok(())
    }

    /// Serves on `listener` until the process ends.
    pub async fn serve(self, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
        axum::serve(listener, self.router.into_make_service_with_connect_info::<SocketAddr>()).await?;
        Ok(())
    }

    /// Serves the admin API and page on `listener` until `stop` is asked
    /// for, then lets requests in flight finish for up to `grace`: whether
    /// they all did.
    pub async fn serve_admin_until(
        router: Router,
        listener: tokio::net::TcpListener,
        stop: StopRequest,
        grace: Duration,
    ) -> anyhow::Result<bool> {
        let server = axum::serve(listener, router).with_graceful_shutdown(stop.clone().requested());
        Ok(finish_within(server.into_future(), stop, grace).await?)
    }

    /// Serves on `listener` until `stop` is asked for, then stops without
    /// losing what it holds: no new connections, requests in flight finish
    /// (for up to `grace`), the event and mail workers stop (deliveries
    /// claimed and not started go back to the queue; those in flight finish,
    /// for up to `grace`), and the usage counts not yet written are written.
    pub async fn serve_until(
        self,
        listener: tokio::net::TcpListener,
        stop: StopRequest,
        grace: Duration,
    ) -> anyhow::Result<Stopped> {
        let app = self.router.into_make_service_with_connect_info::<SocketAddr>();
        let server = axum::serve(listener, app).with_graceful_shutdown(stop.clone().requested());
        let drained = finish_within(server.into_future(), stop, grace).await?;
        // The workers claim nothing more, give back what they claimed and
        // had not started, and finish what is in flight (each its own grace).
        let (events, mail_finished) = tokio::join!(self.events.stop(grace), self.mail.stop(grace));
        self.usage
            .flush(self.lifecycle.storage())
            .await
            .map_err(|e| anyhow::anyhow!("writing the last usage counts: {e}"))?;
        Ok(Stopped {
            drained,
            deliveries_given_back: events.given_back,
            workers_finished: events.finished && mail_finished,
        })
    }
}

/// How a storefront stopped ([`Storefront::serve_until`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stopped {
    /// Every request in flight finished within the grace.
    pub drained: bool,
    /// Event deliveries claimed and not started, given back to the queue.
    pub deliveries_given_back: usize,
    /// Every delivery and message in flight finished and was settled within
    /// the grace (what did not is retried when its lease ends).
    pub workers_finished: bool,
}

/// Runs `server` to its end once a stop is asked for, or for `grace` after
/// that: whether it ended by itself.
async fn finish_within(
    server: impl Future<Output = std::io::Result<()>>,
    stop: StopRequest,
    grace: Duration,
) -> std::io::Result<bool> {
    let mut server = std::pin::pin!(server);
    tokio::select! {
        served = &mut server => served.map(|()| true),
        () = async { stop.requested().await; tokio::time::sleep(grace).await } => Ok(false),
    }
}

/// The demo operator's choices for a bundled module: its settings and its
/// outbound allowlist (`None`: the defaults, nothing allowed).
struct OperatorChoices {
    settings: Option<serde_json::Value>,
    allowlist: Option<Allowlist>,
}

/// The price-watch modules (Rust and Python) and price-compare (whose
/// `quotes` dependency alone holds `http:outbound`) call the stand-in price
/// API, and only it; every other bundled module gets the defaults.
fn operator_choices(module: &str, price_api: &PriceApi) -> anyhow::Result<OperatorChoices> {
    Ok(match module {
        "price-watch" | "price-watch-py" | "price-compare" => OperatorChoices {
            settings: Some(serde_json::json!({ "api": price_api.base_url() })),
            allowlist: Some(price_api.allowlist()?),
        },
        _ => OperatorChoices { settings: None, allowlist: None },
    })
}

/// Outbound HTTP for the demo: `prices.demo.example` is the stand-in price
/// API on loopback (every other name through the system's resolver), and
/// its key is the operator's secret `price-api`, kept in this process.
fn outbound(price_api: &PriceApi) -> anyhow::Result<Outbound> {
    let resolver = StaticResolver::new()
        .with(PRICE_API_HOST, [IpAddr::V4(Ipv4Addr::LOCALHOST)])
        .or_else(SystemResolver);
    let secrets = StaticSecrets::new()
        .with(PRICE_API_SECRET, price_api.authorization())
        .ok_or_else(|| anyhow::anyhow!("the price API key is not a header value"))?;
    Ok(Outbound::default().with_resolver(resolver).with_secrets(secrets))
}

/// A fresh API key for the stand-in price API.
fn random_key() -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness for the price API key: {e}"))?;
    Ok(hex::encode(bytes))
}

/// Installs `source` for `tenant` unless that exact component is already
/// installed with the operator's choices, and approves its routes and
/// hooks when it was (re)installed.
async fn install_if_changed(
    lifecycle: &Lifecycle,
    source: &ModuleSource,
    tenant: &TenantId,
    price_api: &PriceApi,
) -> anyhow::Result<String> {
    let manifest = modgate_manifest::verify_manifest(&source.manifest_text, &modgate_host::CORE_VERSION)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .manifest;
    let name = manifest.name.as_str();
    let hash = hex::encode(sha2_digest(&source.component));
    let choices = operator_choices(name, price_api)?;
    if let Ok(status) = lifecycle.show(tenant, name).await
        && status.component_hash == hash
        && choices.settings.as_ref().is_none_or(|settings| *settings == status.settings)
        && choices.allowlist.as_ref().is_none_or(|allowlist| {
            status.outbound_allowlist == allowlist.entries().iter().map(ToString::to_string).collect::<Vec<_>>()
        })
    {
        lifecycle.load_installed(tenant, name).await?;
        return Ok(format!("{name} {} for {tenant}: already installed", status.version));
    }
    // The demo's operator grants what the bundled modules ask for,
    // acknowledging `email:send` (the wishlist mails price drops) and
    // `http:outbound` (price-watch asks the price API, and only it).
    let request = InstallRequest {
        acknowledge_risk: true,
        settings: choices.settings,
        allowlist: choices.allowlist,
        ..InstallRequest::new(source.clone(), tenant.clone())
    };
    let outcome = lifecycle
        .install(request)
        .await
        .with_context(|| format!("installing {name} for {tenant}"))?;
    let routes = lifecycle
        .approve_routes(tenant, name, &RouteSelection::All, "storefront first start")
        .await?;
    let hooks = lifecycle
        .approve_hooks(tenant, name, &HookSelection::All, "storefront first start")
        .await?;
    let hooks = match hooks.len() {
        0 => String::new(),
        n => format!(", {n} hook(s) approved ({})", hooks.join(", ")),
    };
    Ok(format!(
        "{name} {} for {tenant}: installed, {} route(s) approved{hooks}",
        outcome.version,
        routes.len()
    ))
}

/// Each demo tenant mails from its own shop address.
fn senders() -> anyhow::Result<Senders> {
    let acme = TenantId::new("acme")?;
    let globex = TenantId::new("globex")?;
    Ok(Senders::new("modgate storefront <shop@storefront.example>")?
        .with_tenant(&acme, "Acme Coffee Gear <shop@acme.example>")?
        .with_tenant(&globex, "Globex Outdoor <shop@globex.example>")?)
}

fn sha2_digest(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

/// The modules read from their folders, and the ones left out.
pub struct ReadModules {
    /// Built and read, ready to install.
    pub modules: Vec<ModuleSource>,
    /// Python or JavaScript modules this machine cannot build (python3 or
    /// node is missing), each with what to install: the demo runs without
    /// them rather than not at all.
    pub skipped: Vec<String>,
}

/// Reads the modules in `dirs`, building them first: Rust guests with cargo
/// (its progress on stderr), Python and JavaScript guests with the
/// toolchains the guest build installs into the clone on first use. Any
/// other failure to build or read a module fails the whole read.
pub fn read_modules(dirs: &[PathBuf]) -> anyhow::Result<ReadModules> {
    let mut read = ReadModules { modules: Vec::new(), skipped: Vec::new() };
    for dir in dirs {
        match ModuleSource::from_dir(dir, EngineConfig::default().max_component_bytes) {
            Ok(module) => read.modules.push(module),
            Err(InstallError::Source(problem)) if problem.code == ProblemCode::GuestToolchainMissing => {
                read.skipped.push(format!("{}: {}", dir.display(), problem.message));
            }
            Err(e) => return Err(anyhow::Error::new(e).context(format!("building the module in {}", dir.display()))),
        }
    }
    Ok(read)
}

/// The reference modules shipped in `guests/modules/` (Rust),
/// `guests/python/modules/` and `guests/javascript/modules/`.
pub fn bundled_modules() -> Vec<PathBuf> {
    let guests = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../guests");
    let mut dirs: Vec<PathBuf> = ["modules", "python/modules", "javascript/modules"]
        .iter()
        .flat_map(|folder| std::fs::read_dir(guests.join(folder)).into_iter().flatten())
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.join("module.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}
