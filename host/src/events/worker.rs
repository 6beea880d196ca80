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

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sea_orm::TransactionTrait;
use tokio::sync::mpsc;

use crate::bindings::exports::modgate::commerce::core_event_handler::CoreEvent as WitCoreEvent;
use crate::bindings::exports::modgate::host::event_handler::Event as WitEvent;
use crate::engine::module_log::LogLevel;
use crate::engine::InvocationError;
use crate::backoff;
use crate::drain::done_by;
use crate::events::config::EventConfig;
use crate::events::core_event::CoreEvent;
use crate::events::deliveries::{self, Claimed, Settlement};
use crate::events::error::EventError;
use crate::events::installs::InstallCache;
use crate::events::HandledEvent;
use crate::events::outbox::{CORE_SOURCE, Outbox};
use crate::storage::changes::{Change, ChangeObserver, WorkQueue};
use crate::storage::now_millis;
use crate::storage::StorageError;
use crate::lifecycle::Lifecycle;
use crate::sync::lock;
use crate::tenant::TenantId;

/// How long an install's record is trusted before it is read again.
const INSTALL_REFRESH: Duration = Duration::from_secs(1);
/// Longest wait before retrying a delivery the host was too busy to start.
const BUSY_RETRY: Duration = Duration::from_millis(100);
/// Most settlements written in one transaction.
const SETTLE_BATCH: usize = 256;
/// How often delivered deliveries past their retention are deleted.
const CLEANUP_EVERY: Duration = Duration::from_secs(60);

/// Installs as (tenant, module).
type Installs = Arc<Vec<(String, String)>>;

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
    settler: tokio::task::JoinHandle<()>,
}

struct Shared {
    lifecycle: Arc<Lifecycle>,
    outbox: Outbox,
    config: EventConfig,
    installs: InstallCache,
    candidates: Mutex<Option<(Instant, Installs)>>,
    /// Claimed, not yet started (per install).
    claimed: Mutex<HashMap<(String, String), VecDeque<Claimed>>>,
    /// Installs whose last claim came back full.
    backlog: Mutex<HashSet<(String, String)>>,
    in_flight: Mutex<HashMap<(String, String), usize>>,
    total_in_flight: AtomicUsize,
    delivered: AtomicU64,
    retried: AtomicU64,
    dead: AtomicU64,
    deferred: AtomicU64,
    settlements: mpsc::UnboundedSender<(Claimed, Settlement)>,
    /// Settlements sent and not yet written (what a stop waits for).
    unsettled: AtomicUsize,
}

impl EventWorker {
    /// Starts delivering the events of `outbox`'s database to the modules
    /// of `lifecycle`, on the current tokio runtime.
    /// Refuses a configuration that cannot work, e.g. a lease no longer
    /// than the `event` budget's wall clock (a delivery still running would
    /// be claimed again).
    pub fn start(lifecycle: Arc<Lifecycle>, outbox: Outbox, config: EventConfig) -> Result<Self, String> {
        config.check()?;
        let (settlements, settled) = mpsc::unbounded_channel();
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
            candidates: Mutex::new(None),
            claimed: Mutex::new(HashMap::new()),
            backlog: Mutex::new(HashSet::new()),
            in_flight: Mutex::new(HashMap::new()),
            total_in_flight: AtomicUsize::new(0),
            delivered: AtomicU64::new(0),
            retried: AtomicU64::new(0),
            dead: AtomicU64::new(0),
            deferred: AtomicU64::new(0),
            settlements,
            unsettled: AtomicUsize::new(0),
        });
        shared.outbox.storage().changes().observe(&shared);
        let settler = tokio::spawn(shared.clone().settle_batches(settled));
        let task = tokio::spawn(run(shared.clone()));
        Ok(EventWorker { shared, task, settler })
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

    /// Stops the worker without leaving deliveries to their leases: it
    /// claims nothing more, gives back what it claimed and had not started
    /// (due again at once, for this host's next start or another node),
    /// lets the deliveries in flight finish for up to `grace`, and writes
    /// every settlement. What is still running after `grace` is left to its
    /// lease, as when a worker is dropped.
    pub async fn stop(mut self, grace: Duration) -> WorkerStopped {
        let until = tokio::time::Instant::now() + grace;
        // The claiming loop has ended (not only been asked to) before its
        // claims are read: a round still running could add some after.
        self.task.abort();
        let _ = (&mut self.task).await;
        let shared = &self.shared;
        let now = now_millis();
        let held: Vec<Claimed> = lock(&shared.claimed).drain().flat_map(|(_, claims)| claims).collect();
        let given_back = held.len();
        for claim in held {
            shared.unsettled.fetch_add(1, Ordering::AcqRel);
            shared.queue_settlement(
                claim,
                Settlement::Deferred { reason: "the host stopped before delivering it".into(), retry_at: now },
            );
        }
        let finished = done_by(until, || {
            shared.total_in_flight.load(Ordering::Acquire) == 0 && shared.unsettled.load(Ordering::Acquire) == 0
        })
        .await;
        WorkerStopped { given_back, finished }
    }
}

/// What [`EventWorker::stop`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerStopped {
    /// Deliveries claimed and not started, given back to the queue.
    pub given_back: usize,
    /// Every delivery in flight finished and every settlement was written
    /// within the grace.
    pub finished: bool,
}

impl Drop for EventWorker {
    fn drop(&mut self) {
        self.task.abort();
        self.settler.abort();
    }
}

impl std::fmt::Debug for EventWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventWorker").field("stats", &self.stats()).finish()
    }
}

/// Another process changed an install or committed events.
impl ChangeObserver for Shared {
    fn changed(&self, change: &Change<'_>) {
        match change {
            Change::Install { tenant, module } => {
                self.installs.forget(Some((tenant, module)));
                // A new subscriber, or one gone.
                *lock(&self.candidates) = None;
            }
            Change::Work(WorkQueue::Events) => self.outbox.wake_signal().notify_one(),
            Change::Work(WorkQueue::Mail) => {}
            Change::Unknown => {
                self.installs.forget(None);
                *lock(&self.candidates) = None;
                self.outbox.wake_signal().notify_one();
            }
        }
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
            let storage = shared.outbox.storage();
            let _turn = storage.write_turn().await;
            if let Err(e) = deliveries::forget_before(storage.connection(), cutoff).await {
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
        let per_install = self.config.per_install_in_flight;
        let mut started = 0;
        for (tenant, module) in self.candidates().await?.iter() {
            let key = (tenant.clone(), module.clone());
            started += self.start_claimed(&key);
            // Claims are made a limit's worth at a time and kept in hand:
            // one claim per `per_install_in_flight` deliveries, not one per
            // slot that frees up. What is held stays under twice the limit,
            // so a claim waits at most one round of the slowest handler
            // (the lease is more than twice the event deadline).
            let room = (2 * per_install).saturating_sub(self.held(&key));
            if room < per_install {
                continue;
            }
            // A read first (claiming is a write, and SQLite has one writer),
            // unless the last claim came back full: then more is waiting.
            let backlog = lock(&self.backlog).contains(&key);
            if !backlog && !deliveries::has_due(db, tenant, module, now).await? {
                continue;
            }
            let claims = {
                let _turn = self.outbox.storage().write_turn().await;
                deliveries::claim(db, tenant, module, room, now, lease_until).await?
            };
            if claims.len() == room {
                lock(&self.backlog).insert(key.clone());
            } else {
                lock(&self.backlog).remove(&key);
            }
            lock(&self.claimed).entry(key.clone()).or_default().extend(claims);
            started += self.start_claimed(&key);
        }
        Ok(started)
    }

    /// Starts the claimed deliveries of an install that its in-flight
    /// limits allow; how many.
    fn start_claimed(self: &Arc<Self>, key: &(String, String)) -> usize {
        let mut started = 0;
        loop {
            if self.spare_for(&key.0, &key.1).min(self.spare_total()) == 0 {
                break;
            }
            let Some(claim) = lock(&self.claimed).get_mut(key).and_then(VecDeque::pop_front) else { break };
            self.hold(&claim);
            started += 1;
            tokio::spawn(self.clone().deliver(claim));
        }
        started
    }

    /// Deliveries of an install this worker holds: in flight or claimed.
    fn held(&self, key: &(String, String)) -> usize {
        let in_flight = lock(&self.in_flight).get(key).copied().unwrap_or(0);
        in_flight + lock(&self.claimed).get(key).map_or(0, VecDeque::len)
    }

    /// The installs that may have deliveries: those subscribed to some
    /// event, re-read once per refresh interval. (Deliveries of an install
    /// that was uninstalled wait, undelivered, until it is installed again.)
    async fn candidates(&self) -> Result<Installs, EventError> {
        if let Some((read_at, installs)) = lock(&self.candidates).as_ref()
            && read_at.elapsed() < INSTALL_REFRESH
        {
            return Ok(installs.clone());
        }
        let installs = Arc::new(deliveries::subscribed_installs(self.outbox.storage().connection()).await?);
        *lock(&self.candidates) = Some((Instant::now(), installs.clone()));
        Ok(installs)
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
        // Counted as unsettled before its slot goes back, so a stop never
        // sees it as neither in flight nor waiting to be written.
        self.unsettled.fetch_add(1, Ordering::AcqRel);
        // The lease keeps the delivery this worker's until it is settled,
        // so the slot can go back now: settling is batched.
        self.release(&claim);
        self.queue_settlement(claim, settlement);
        self.outbox.wake_signal().notify_one();
    }

    /// Hands a settlement to the settler; the caller has counted it in
    /// `unsettled`.
    fn queue_settlement(&self, claim: Claimed, settlement: Settlement) {
        if self.settlements.send((claim, settlement)).is_err() {
            // The settler is gone (the worker was dropped): the lease ends it.
            self.unsettled.fetch_sub(1, Ordering::AcqRel);
        }
    }

    /// Records settlements in batches: whatever has finished since the
    /// last batch, in one transaction, the delivered ones of a claim in one
    /// statement. (One write per delivery would make the database's
    /// single writer the limit on SQLite.)
    async fn settle_batches(self: Arc<Self>, mut settlements: mpsc::UnboundedReceiver<(Claimed, Settlement)>) {
        let mut batch = Vec::new();
        while settlements.recv_many(&mut batch, SETTLE_BATCH).await > 0 {
            if let Err(e) = self.settle(&batch).await {
                // The deliveries stay leased: when the leases expire they
                // are delivered again (the ledger keeps the effect single).
                tracing::error!(code = e.code(), deliveries = batch.len(), "settling deliveries: {e}");
            }
            self.unsettled.fetch_sub(batch.len(), Ordering::AcqRel);
            batch.clear();
        }
    }

    async fn settle(&self, batch: &[(Claimed, Settlement)]) -> Result<(), EventError> {
        let storage = self.outbox.storage();
        let _turn = storage.write_turn().await;
        let tx = storage.connection().begin().await.map_err(StorageError::db("starting to settle deliveries"))?;
        let now = now_millis();
        let mut delivered: HashMap<&str, Vec<&Claimed>> = HashMap::new();
        let mut counts = [0u64; 3];
        let mut lost = 0;
        for (claim, settlement) in batch {
            let counter = match settlement {
                Settlement::Delivered => {
                    delivered.entry(claim.token.as_str()).or_default().push(claim);
                    continue;
                }
                Settlement::Failed { retry_at: Some(_), .. } => 0,
                Settlement::Failed { retry_at: None, .. } => 1,
                Settlement::Deferred { .. } => 2,
            };
            if deliveries::settle(&tx, claim, settlement, now).await? {
                counts[counter] += 1;
            } else {
                lost += 1;
            }
        }
        let mut delivered_count = 0;
        for claims in delivered.values() {
            let settled = deliveries::settle_delivered(&tx, claims, now).await?;
            lost += claims.len() as u64 - settled.min(claims.len() as u64);
            delivered_count += settled;
        }
        tx.commit().await.map_err(StorageError::db("committing settled deliveries"))?;
        if lost > 0 {
            tracing::warn!(
                deliveries = lost,
                "deliveries no longer this worker's to settle (a lease expired and another worker took them, or an upgrade or uninstall removed them)"
            );
        }
        self.delivered.fetch_add(delivered_count, Ordering::Relaxed);
        self.retried.fetch_add(counts[0], Ordering::Relaxed);
        self.dead.fetch_add(counts[1], Ordering::Relaxed);
        self.deferred.fetch_add(counts[2], Ordering::Relaxed);
        Ok(())
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
        let event = &claim.event;
        let extensions = install.inputs.extensions().with(HandledEvent::new(&event.id));
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
            // The host is momentarily full: soon again, not counted.
            Err(busy @ InvocationError::Busy { .. }) => Settlement::Deferred {
                reason: format!("busy: {busy}"),
                retry_at: now + BUSY_RETRY.min(backoff::delay(self.config.base_backoff, self.config.max_backoff, 1)).as_millis() as i64,
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
            .then(|| now + backoff::delay(self.config.base_backoff, self.config.max_backoff, attempts).as_millis() as i64);
        Settlement::Failed { error, retry_at }
    }
}
