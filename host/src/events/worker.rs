//! The event worker: finds installs with due deliveries, claims some of
//! each under a lease, delivers each in a fresh instance under the `event`
//! budget, and settles it: delivered, retried later with backoff, deferred
//! (the host was busy), or dead-lettered after the last attempt.
//!
//! Claims are made per install and never beyond its in-flight limit, so a
//! subscriber that is slow or failing only ever holds its own deliveries;
//! the others are claimed and delivered alongside it. Several workers (in
//! one process or many) share the table safely: claims are leases, and on
//! PostgreSQL rows being claimed by another worker are skipped.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::bindings::exports::modgate::commerce::core_event_handler::CoreEvent as WitCoreEvent;
use crate::bindings::exports::modgate::host::event_handler::Event as WitEvent;
use crate::engine::module_log::LogLevel;
use crate::engine::{Extensions, InvocationError};
use crate::events::backoff;
use crate::events::config::EventConfig;
use crate::events::core_event::CoreEvent;
use crate::events::deliveries::{self, Claimed, Settlement};
use crate::events::error::EventError;
use crate::events::installs::InstallCache;
use crate::events::outbox::{CORE_SOURCE, Outbox, now_millis};
use crate::lifecycle::Lifecycle;
use crate::sync::lock;
use crate::tenant::TenantId;

/// How long an install's record is trusted before it is read again.
const INSTALL_REFRESH: Duration = Duration::from_secs(1);
/// How often delivered deliveries past their retention are deleted.
const CLEANUP_EVERY: Duration = Duration::from_secs(60);
/// Installs looked at per round.
const INSTALLS_PER_ROUND: u64 = 256;

/// Counts since the worker started (for tests, benchmarks and operators).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkerStats {
    /// Deliveries whose handler succeeded.
    pub delivered: u64,
    /// Attempts that failed and were scheduled for a retry.
    pub retried: u64,
    /// Deliveries dead-lettered.
    pub dead: u64,
    /// Deliveries put back without an attempt (host busy, install disabled).
    pub deferred: u64,
}

/// A running event worker. Stops when dropped (in-flight deliveries finish
/// or their leases expire).
pub struct EventWorker {
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

struct Shared {
    lifecycle: Arc<Lifecycle>,
    outbox: Outbox,
    config: EventConfig,
    installs: InstallCache,
    in_flight: Mutex<HashMap<(String, String), usize>>,
    total_in_flight: AtomicUsize,
    delivered: AtomicU64,
    retried: AtomicU64,
    dead: AtomicU64,
    deferred: AtomicU64,
}

impl EventWorker {
    /// Starts delivering the events of `outbox`'s database to the modules
    /// of `lifecycle`, on the current tokio runtime.
    /// Refuses a configuration that cannot work, e.g. a lease no longer
    /// than the `event` budget's wall clock (a delivery still running would
    /// be claimed again).
    pub fn start(lifecycle: Arc<Lifecycle>, outbox: Outbox, config: EventConfig) -> Result<Self, String> {
        config.check()?;
        let deadline = lifecycle.engine().config().budgets.event.wall_clock;
        if config.lease <= deadline * 2 {
            return Err(format!(
                "events.lease ({} ms) must be more than twice the event budget's wall clock ({} ms): a delivery still running would be claimed again",
                config.lease.as_millis(),
                deadline.as_millis()
            ));
        }
        let shared = Arc::new(Shared {
            lifecycle,
            outbox,
            config,
            installs: InstallCache::new(INSTALL_REFRESH),
            in_flight: Mutex::new(HashMap::new()),
            total_in_flight: AtomicUsize::new(0),
            delivered: AtomicU64::new(0),
            retried: AtomicU64::new(0),
            dead: AtomicU64::new(0),
            deferred: AtomicU64::new(0),
        });
        let task = tokio::spawn(run(shared.clone()));
        Ok(EventWorker { shared, task })
    }

    /// What the worker has done so far.
    pub fn stats(&self) -> WorkerStats {
        let s = &self.shared;
        WorkerStats {
            delivered: s.delivered.load(Ordering::Relaxed),
            retried: s.retried.load(Ordering::Relaxed),
            dead: s.dead.load(Ordering::Relaxed),
            deferred: s.deferred.load(Ordering::Relaxed),
        }
    }

    /// Deliveries this worker holds right now.
    pub fn in_flight(&self) -> usize {
        self.shared.total_in_flight.load(Ordering::Relaxed)
    }
}

impl Drop for EventWorker {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl std::fmt::Debug for EventWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventWorker").field("stats", &self.stats()).finish()
    }
}

async fn run(shared: Arc<Shared>) {
    let wake = shared.outbox.wake_signal().clone();
    let mut last_cleanup = Instant::now();
    loop {
        let started = match shared.round().await {
            Ok(started) => started,
            Err(e) => {
                tracing::warn!(code = e.code(), "event worker: {e}");
                0
            }
        };
        if started == 0 {
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(shared.config.poll_interval) => {}
            }
        }
        if last_cleanup.elapsed() >= CLEANUP_EVERY {
            last_cleanup = Instant::now();
            let cutoff = now_millis() - shared.config.retention.as_millis() as i64;
            if let Err(e) = deliveries::forget_before(shared.outbox.storage().connection(), cutoff).await {
                tracing::warn!(code = e.code(), "event worker: cleaning up: {e}");
            }
        }
    }
}

impl Shared {
    /// Claims what the limits allow and starts delivering it; returns how
    /// many deliveries were started.
    async fn round(self: &Arc<Self>) -> Result<usize, EventError> {
        let db = self.outbox.storage().connection();
        if self.spare_total() == 0 {
            return Ok(0);
        }
        let now = now_millis();
        let lease_until = now + self.config.lease.as_millis() as i64;
        let mut started = 0;
        for (tenant, module) in deliveries::due_installs(db, now, INSTALLS_PER_ROUND).await? {
            let spare = self.spare_for(&tenant, &module).min(self.spare_total());
            if spare == 0 {
                continue;
            }
            for claim in deliveries::claim(db, &tenant, &module, spare, now, lease_until).await? {
                self.hold(&claim);
                started += 1;
                tokio::spawn(self.clone().deliver(claim));
            }
        }
        Ok(started)
    }

    fn spare_total(&self) -> usize {
        self.config.max_in_flight.saturating_sub(self.total_in_flight.load(Ordering::Relaxed))
    }

    fn spare_for(&self, tenant: &str, module: &str) -> usize {
        let held = lock(&self.in_flight).get(&(tenant.to_owned(), module.to_owned())).copied().unwrap_or(0);
        self.config.per_install_in_flight.saturating_sub(held)
    }

    fn hold(&self, claim: &Claimed) {
        *lock(&self.in_flight).entry((claim.tenant.clone(), claim.module.clone())).or_default() += 1;
        self.total_in_flight.fetch_add(1, Ordering::Relaxed);
    }

    fn release(&self, claim: &Claimed) {
        let mut in_flight = lock(&self.in_flight);
        let key = (claim.tenant.clone(), claim.module.clone());
        if let Some(held) = in_flight.get_mut(&key) {
            *held -= 1;
            if *held == 0 {
                in_flight.remove(&key);
            }
        }
        self.total_in_flight.fetch_sub(1, Ordering::Relaxed);
    }

    async fn deliver(self: Arc<Self>, claim: Claimed) {
        let settlement = self.attempt(&claim).await;
        let counter = match &settlement {
            Settlement::Delivered => &self.delivered,
            Settlement::Failed { retry_at: Some(_), .. } => &self.retried,
            Settlement::Failed { retry_at: None, .. } => &self.dead,
            Settlement::Deferred { .. } => &self.deferred,
        };
        let db = self.outbox.storage().connection();
        match deliveries::settle(db, &claim, &settlement, now_millis()).await {
            Ok(true) => {
                counter.fetch_add(1, Ordering::Relaxed);
            }
            Ok(false) => tracing::warn!(
                tenant = claim.tenant,
                module = claim.module,
                event = claim.event.id,
                "the delivery was no longer this worker's to settle (its lease expired and another worker took it, or an upgrade or uninstall removed it)"
            ),
            Err(e) => tracing::error!(code = e.code(), event = claim.event.id, "settling a delivery: {e}"),
        }
        self.release(&claim);
        self.outbox.wake_signal().notify_one();
    }

    /// One attempt at a claimed delivery.
    async fn attempt(&self, claim: &Claimed) -> Settlement {
        let now = now_millis();
        let Ok(tenant) = TenantId::new(&claim.tenant) else {
            return Settlement::Failed { error: format!("stored tenant {:?} is invalid", claim.tenant), retry_at: None };
        };
        let install = match self.installs.get(&self.lifecycle, &tenant, &claim.module).await {
            Ok(Some(install)) if install.enabled => install,
            Ok(Some(_)) => {
                return Settlement::Deferred {
                    reason: "the install is disabled; delivery resumes when it is enabled".into(),
                    retry_at: now + self.config.max_backoff.min(Duration::from_secs(30)).as_millis() as i64,
                };
            }
            Ok(None) => {
                return Settlement::Failed { error: "not-installed: the module is no longer installed".into(), retry_at: None };
            }
            Err(e) => return self.failed(claim, format!("{}: {e}", e.code()), now),
        };
        let extensions = Extensions::new().with(install.settings.clone());
        let event = &claim.event;
        let result = if event.source == CORE_SOURCE {
            let payload = match serde_json::from_str::<CoreEvent>(&event.payload) {
                Ok(core) => core.to_contract(),
                Err(e) => {
                    return Settlement::Failed { error: format!("corrupt-event: {e}"), retry_at: None };
                }
            };
            let core = WitCoreEvent {
                id: event.id.clone(),
                tenant: claim.tenant.clone(),
                occurred_at: event.occurred_at.clone(),
                payload,
            };
            install.module.handle_core_event(&tenant, &core, &extensions).await
        } else {
            let module_event = WitEvent {
                id: event.id.clone(),
                name: event.name.clone(),
                tenant: claim.tenant.clone(),
                occurred_at: event.occurred_at.clone(),
                payload: event.payload.clone(),
            };
            install.module.handle_module_event(&tenant, &module_event, &extensions).await
        };
        match result {
            Ok(_) => Settlement::Delivered,
            Err(InvocationError::Busy { .. }) => Settlement::Deferred {
                reason: "busy: the host was at capacity".into(),
                retry_at: now + backoff::delay(&self.config, 1).as_millis() as i64,
            },
            Err(e) => {
                let message = format!("event {} ({}) failed: {}: {e}", event.name, event.id, e.kind());
                install.module.log().append(tenant.as_str(), LogLevel::Warn, &message);
                self.failed(claim, format!("{}: {e}", e.kind()), now)
            }
        }
    }

    fn failed(&self, claim: &Claimed, error: String, now: i64) -> Settlement {
        let attempts = claim.attempts + 1;
        let retry_at = (attempts < self.config.max_attempts)
            .then(|| now + backoff::delay(&self.config, attempts).as_millis() as i64);
        Settlement::Failed { error, retry_at }
    }
}
