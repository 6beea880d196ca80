//! A throwaway host for one module: embedded SQLite in a temporary folder,
//! the fixtures' commerce data and hookable entities, the module installed
//! for the fixtures' tenant in dev mode (every permission it asks for
//! granted, every route and hook approved) — and the same bridge, hook
//! dispatcher and engine a real host runs, so what `modgate run` measures
//! is what production spends.
//!
//! Every invocation of the module is recorded ([`recorder`]) with what it
//! spent, and fed to the usage recorder, so the permissions report is the
//! one `modgate audit` prints — over this run only.

mod calls;
mod recorder;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;

use crate::authoring::budget_report::Spent;
use crate::authoring::fixtures::Fixtures;
use crate::breaker::BreakerConfig;
use crate::default_host::{HostOptions, default_host};
use crate::engine::module_log::LogLine;
use crate::engine::{EngineConfig, EngineError};
use crate::hooks::{DataHooks, HookConfig, HookError};
use crate::http::identity::{IdentityConfig, VerificationKey};
use crate::http::rate_limit::RateLimitConfig;
use crate::http::{HttpConfig, HttpConfigError, ModuleBridge};
use crate::lifecycle::{
    Approvals, HookSelection, InstallError, InstallRequest, Lifecycle, ModuleSource,
    RouteSelection, acting_as,
};
use crate::storage::{Storage, StorageError};
use crate::tenant::TenantId;
use crate::usage::{LeastPrivilegeReport, UsageRecorder};

pub use calls::Answer;

use recorder::SpendingRecorder;

/// Who the audit log says installed and approved the module.
const ACTOR: &str = "modgate-run";

/// How far the run has read the module log.
#[derive(Debug, Default)]
struct LogPosition {
    next_line: u64,
    dropped: u64,
}

/// Why the local host could not start or a call could not be made.
#[derive(Debug, thiserror::Error)]
pub enum LocalHostError {
    /// Creating the temporary folder failed.
    #[error("creating the local host's folder: {0}")]
    Io(#[source] std::io::Error),
    /// The database could not be opened.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The engine refused its configuration.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// The install was refused (the module's manifest, component, tables,
    /// settings or `activate`).
    #[error(transparent)]
    Install(#[from] InstallError),
    /// The fixtures' entities could not be published, or a hook could not run.
    #[error(transparent)]
    Hooks(#[from] HookError),
    /// The bridge refused its configuration.
    #[error(transparent)]
    Http(#[from] HttpConfigError),
    /// The call cannot reach the module (it does not offer what was asked).
    #[error("{message}")]
    NotOffered {
        /// Stable code.
        code: &'static str,
        /// What is missing and how to add it.
        message: String,
    },
}

impl LocalHostError {
    /// The stable code of the failure.
    pub fn code(&self) -> &'static str {
        match self {
            LocalHostError::Io(_) => "io",
            LocalHostError::Storage(_) => "storage",
            LocalHostError::Engine(_) => "engine",
            LocalHostError::Install(e) => e.code(),
            LocalHostError::Hooks(e) => e.code(),
            LocalHostError::Http(_) => "http-config",
            LocalHostError::NotOffered { code, .. } => code,
        }
    }
}

/// Why [`LocalHost::start`] failed, with what the module's `activate`
/// spent when it ran (an `activate` over its budget fails the install, and
/// that is what the author needs to see).
#[derive(Debug)]
pub struct StartFailure {
    /// Why.
    pub error: LocalHostError,
    /// The `activate` invocation, if it ran.
    pub activate: Vec<Spent>,
}

/// A failure before the module ran.
fn failed(error: impl Into<LocalHostError>) -> StartFailure {
    StartFailure {
        error: error.into(),
        activate: Vec::new(),
    }
}

/// One module installed in a throwaway host.
pub struct LocalHost {
    lifecycle: Arc<Lifecycle>,
    bridge: Arc<ModuleBridge>,
    router: Router,
    hooks: DataHooks,
    tenant: TenantId,
    module: String,
    secret: Vec<u8>,
    spending: Arc<SpendingRecorder>,
    usage: Arc<UsageRecorder>,
    log_position: std::sync::Mutex<LogPosition>,
    // Dropped last: the database lives in it.
    _data: tempfile::TempDir,
}

impl LocalHost {
    /// Starts the host and installs `source` for the fixtures' tenant with
    /// its settings. The install's `activate` is the first invocation
    /// recorded. `engine` gives the budgets and limits (its observers are
    /// kept, and the local host's own added).
    pub async fn start(
        source: ModuleSource,
        fixtures: &Fixtures,
        engine: EngineConfig,
    ) -> Result<LocalHost, StartFailure> {
        let data = tempfile::Builder::new()
            .prefix("modgate-run-")
            .tempdir()
            .map_err(|e| failed(LocalHostError::Io(e)))?;
        let storage = Storage::open_data_dir(data.path()).await.map_err(failed)?;
        let manifest =
            modgate_manifest::verify_manifest(&source.manifest_text, &crate::CORE_VERSION)
                .map_err(|e| failed(InstallError::InvalidManifest(e)))?
                .manifest;
        let module = manifest.name.to_string();
        let spending = SpendingRecorder::new(&module);
        let usage = UsageRecorder::new();
        let observers = engine
            .observers
            .clone()
            .with(spending.clone())
            .with(usage.clone());
        let options = HostOptions {
            engine: EngineConfig {
                observers,
                ..engine
            },
            commerce: fixtures.commerce(),
            ..HostOptions::default()
        };
        let lifecycle = Arc::new(default_host(storage, options).map_err(failed)?);
        // The author is the operator here: everything asked for is granted.
        lifecycle.set_dev_mode(true);
        let hooks = DataHooks::start(
            lifecycle.clone(),
            fixtures.entities.clone(),
            HookConfig {
                breaker_failures: u32::MAX,
                ..HookConfig::default()
            },
        )
        .await
        .map_err(failed)?;
        let tenant = fixtures.tenant.clone();
        let mut request = InstallRequest::new(source, tenant.clone());
        request.acknowledge_risk = true;
        request.settings = Some(fixtures.settings.clone());
        if let Err(error) = acting_as(ACTOR.to_owned(), lifecycle.install(request)).await {
            return Err(StartFailure {
                error: error.into(),
                activate: spending.take(),
            });
        }
        let approvals = Approvals {
            routes: (!manifest.routes.is_empty()).then_some(RouteSelection::All),
            hooks: (!manifest.hooks.is_empty()).then_some(HookSelection::All),
        };
        if approvals.routes.is_some() || approvals.hooks.is_some() {
            lifecycle
                .approve(&tenant, &module, &approvals, ACTOR)
                .await
                .map_err(failed)?;
        }
        // Tokens are signed for this run only; two ids carry 160 random bits.
        let secret =
            format!("{}{}", crate::storage::new_id(), crate::storage::new_id()).into_bytes();
        let bridge =
            ModuleBridge::new(lifecycle.clone(), http_config(&tenant, &secret)).map_err(failed)?;
        Ok(LocalHost {
            router: bridge.router(),
            bridge,
            lifecycle,
            hooks,
            tenant,
            module,
            secret,
            spending,
            usage,
            log_position: std::sync::Mutex::default(),
            _data: data,
        })
    }

    /// The module's name.
    pub fn module(&self) -> &str {
        &self.module
    }

    /// The tenant it is installed for.
    pub fn tenant(&self) -> &TenantId {
        &self.tenant
    }

    /// What each invocation since the last take spent, in order.
    pub fn take_spent(&self) -> Vec<Spent> {
        self.spending.take()
    }

    /// The module log lines written since the last call of this method, and
    /// how many lines were dropped meanwhile (the per-invocation cap or the
    /// log's rate).
    pub fn new_log_lines(&self) -> (Vec<LogLine>, u64) {
        let Some(loaded) = self.lifecycle.module(&self.tenant, &self.module) else {
            return (Vec::new(), 0);
        };
        let log = loaded.log();
        let mut position = crate::sync::lock(&self.log_position);
        let (lines, next) = log.lines_of_from(self.tenant.as_str(), position.next_line);
        let dropped = log.dropped_of(self.tenant.as_str());
        let newly_dropped = dropped.saturating_sub(position.dropped);
        *position = LogPosition {
            next_line: next,
            dropped,
        };
        (lines, newly_dropped)
    }

    /// What the module runs under: budgets and limits per context.
    pub fn engine_config(&self) -> &EngineConfig {
        self.lifecycle.engine().config()
    }

    /// The permissions the module holds, those this run used (with the
    /// operations), and the minimal `permissions` line.
    pub async fn permissions_used(&self) -> Result<LeastPrivilegeReport, LocalHostError> {
        self.usage.flush(self.lifecycle.storage()).await?;
        Ok(self
            .lifecycle
            .least_privilege(&self.tenant, &self.module, 1)
            .await?)
    }
}

/// The bridge of the local host: every request is for the fixtures'
/// tenant, customers are signed in with a key made for this run, and
/// neither the rate limit nor the breaker gets in the way of `--repeat`.
fn http_config(tenant: &TenantId, secret: &[u8]) -> HttpConfig {
    HttpConfig {
        default_tenant: Some(tenant.to_string()),
        identity: IdentityConfig {
            keys: vec![VerificationKey::Hs256 {
                kid: None,
                secret: secret.to_vec(),
            }],
            ..IdentityConfig::default()
        },
        rate_limit: RateLimitConfig {
            capacity: u32::MAX,
            refill_per_second: u32::MAX,
            ..RateLimitConfig::default()
        },
        breaker: BreakerConfig {
            failure_threshold: u32::MAX,
            ..BreakerConfig::default()
        },
        refresh: Duration::from_millis(0),
        ..HttpConfig::default()
    }
}
