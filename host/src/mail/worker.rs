//! The mail worker: claims due messages under a lease, sends each through
//! the transport, and settles it: sent, retried later with backoff,
//! dead-lettered (out of attempts, or refused for good), or suppressed (the
//! customer is no longer reachable). Several workers (in one process or
//! many) share the table safely: claims are leases, and on PostgreSQL rows
//! being claimed by another worker are skipped.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{Notify, Semaphore};

use crate::backoff;
use crate::drain::done_by;
use crate::mail::address::check_address;
use crate::mail::compose::compose;
use crate::mail::contacts::CustomerContacts;
use crate::mail::config::MailConfig;
use crate::mail::messages::{self, ClaimedMail, Settlement};
use crate::mail::outbox::MailOutbox;
use crate::mail::transport::{MailTransport, SendOutcome};
use crate::storage::changes::{WorkQueue, WorkWake};
use crate::storage::now_millis;
use crate::tenant::TenantId;

/// How often sent messages past their retention are deleted.
const CLEANUP_EVERY: Duration = Duration::from_secs(60);

/// Counts since the worker started (for tests, benchmarks and operators).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MailStats {
    /// Messages handed to the transport.
    pub sent: u64,
    /// Attempts that failed and were scheduled for a retry.
    pub retried: u64,
    /// Messages dead-lettered.
    pub dead: u64,
    /// Messages not sent because their customer became unreachable.
    pub suppressed: u64,
}

/// A running mail worker. Stops when dropped (messages being sent finish or
/// their leases expire).
pub struct MailWorker {
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
    /// Wakes the worker when another process queued mail.
    _woken: Arc<WorkWake>,
}

struct Shared {
    outbox: MailOutbox,
    transport: MailTransport,
    contacts: Option<Arc<dyn CustomerContacts>>,
    config: MailConfig,
    sent: AtomicU64,
    retried: AtomicU64,
    dead: AtomicU64,
    suppressed: AtomicU64,
    /// Messages being sent right now (what a stop waits for).
    sending: AtomicUsize,
}

impl MailWorker {
    /// Starts sending the mail queued in `outbox`'s database through
    /// `transport`, on the current tokio runtime. Messages to customers are
    /// addressed again through `contacts` just before they are sent, so an
    /// erasure or opt-out between queueing and sending is honoured.
    pub fn start(
        outbox: MailOutbox,
        transport: MailTransport,
        contacts: Option<Arc<dyn CustomerContacts>>,
        config: MailConfig,
    ) -> Result<Self, String> {
        config.check()?;
        let shared = Arc::new(Shared {
            outbox,
            transport,
            contacts,
            config,
            sent: AtomicU64::new(0),
            retried: AtomicU64::new(0),
            dead: AtomicU64::new(0),
            suppressed: AtomicU64::new(0),
            sending: AtomicUsize::new(0),
        });
        let changes = shared.outbox.storage().changes();
        let woken = WorkWake::observe(changes, WorkQueue::Mail, shared.outbox.wake_signal().clone());
        let task = tokio::spawn(run(shared.clone()));
        Ok(MailWorker { shared, task, _woken: woken })
    }

    /// What the worker has done so far.
    pub fn stats(&self) -> MailStats {
        let s = &self.shared;
        MailStats {
            sent: s.sent.load(Ordering::Relaxed),
            retried: s.retried.load(Ordering::Relaxed),
            dead: s.dead.load(Ordering::Relaxed),
            suppressed: s.suppressed.load(Ordering::Relaxed),
        }
    }

    /// Stops the worker: it claims nothing more and lets the messages being
    /// sent finish and be settled, for up to `grace`; whether they all did.
    /// (It claims only what it starts sending at once, so nothing claimed
    /// waits unsent; a send still running after `grace` is left to its
    /// lease, as when the worker is dropped.)
    pub async fn stop(mut self, grace: Duration) -> bool {
        let until = tokio::time::Instant::now() + grace;
        self.task.abort();
        let _ = (&mut self.task).await;
        done_by(until, || self.shared.sending.load(Ordering::Acquire) == 0).await
    }
}

impl Drop for MailWorker {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl std::fmt::Debug for MailWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailWorker")
            .field("transport", &self.shared.transport)
            .field("stats", &self.stats())
            .finish()
    }
}

async fn run(shared: Arc<Shared>) {
    let wake = shared.outbox.wake_signal().clone();
    let sending = Arc::new(Semaphore::new(shared.config.concurrency));
    let finished = Arc::new(Notify::new());
    let mut last_cleanup = Instant::now();
    loop {
        let spare = sending.available_permits();
        let mut started = 0;
        if spare > 0 {
            match shared.claim(spare).await {
                Ok(claims) => {
                    for claim in claims {
                        let Ok(permit) = sending.clone().try_acquire_owned() else { break };
                        let (shared, finished) = (shared.clone(), finished.clone());
                        started += 1;
                        shared.sending.fetch_add(1, Ordering::AcqRel);
                        tokio::spawn(async move {
                            shared.deliver(claim).await;
                            shared.sending.fetch_sub(1, Ordering::AcqRel);
                            drop(permit);
                            finished.notify_one();
                        });
                    }
                }
                Err(e) => tracing::warn!(code = e.code(), "mail worker: {e}"),
            }
        }
        if started < spare || spare == 0 {
            tokio::select! {
                _ = wake.notified() => {}
                _ = finished.notified() => {}
                _ = tokio::time::sleep(shared.config.poll_interval) => {}
            }
        }
        if last_cleanup.elapsed() >= CLEANUP_EVERY {
            last_cleanup = Instant::now();
            shared.cleanup().await;
        }
    }
}

impl Shared {
    async fn claim(&self, limit: usize) -> Result<Vec<ClaimedMail>, crate::mail::MailError> {
        let storage = self.outbox.storage();
        let now = now_millis();
        let lease_until = now + self.config.lease.as_millis() as i64;
        let _turn = storage.write_turn().await;
        messages::claim(storage.connection(), limit, now, lease_until).await
    }

    async fn deliver(&self, mut claim: ClaimedMail) {
        let settlement = match self.address(&mut claim).await {
            Ok(true) => self.send(&claim).await,
            Ok(false) => Settlement::Suppressed,
            Err(error) => self.failed(&claim, error),
        };
        match &settlement {
            Settlement::Sent { .. } => self.sent.fetch_add(1, Ordering::Relaxed),
            Settlement::Failed { retry_at: Some(_), .. } => self.retried.fetch_add(1, Ordering::Relaxed),
            Settlement::Failed { retry_at: None, .. } => self.dead.fetch_add(1, Ordering::Relaxed),
            Settlement::Suppressed => self.suppressed.fetch_add(1, Ordering::Relaxed),
        };
        if let Settlement::Failed { error, retry_at } = &settlement {
            tracing::warn!(message = %claim.id, tenant = %claim.tenant, module = %claim.module, dead = retry_at.is_none(), "mail: {error}");
        }
        let storage = self.outbox.storage();
        let _turn = storage.write_turn().await;
        match messages::settle(storage.connection(), &claim, &settlement, now_millis()).await {
            Ok(true) => {}
            Ok(false) => tracing::info!(message = %claim.id, "mail: the lease expired before the message was settled; another worker owns it"),
            Err(e) => tracing::warn!(code = e.code(), message = %claim.id, "mail: settling: {e}"),
        }
    }

    /// Who the message is from and to, as of now: the tenant's From as
    /// this host is configured (so mail another process queued, e.g. the
    /// CLI's `install`, goes out with the serving host's sender) and, for a
    /// customer, their current address. `false`: the customer is no longer
    /// reachable.
    async fn address(&self, claim: &mut ClaimedMail) -> Result<bool, String> {
        let tenant = TenantId::new(claim.tenant.clone()).map_err(|e| format!("stored tenant: {e}"))?;
        let sender = self.outbox.sender_of(&tenant).to_string();
        let recipient = match (&claim.customer_id, &self.contacts) {
            (Some(customer), Some(contacts)) => {
                let address = contacts
                    .reachable_address(&tenant, customer)
                    .await
                    .map_err(|e| format!("the customer contact provider failed: {e}"))?;
                let Some(address) = address else { return Ok(false) };
                if let Err(problem) = check_address(&address, usize::MAX) {
                    tracing::error!(message = %claim.id, tenant = %claim.tenant, "mail: the customer contact provider gave an unusable address ({problem}); the message is suppressed");
                    return Ok(false);
                }
                address
            }
            _ => claim.recipient.clone(),
        };
        if sender != claim.sender || recipient != claim.recipient {
            let storage = self.outbox.storage();
            let _turn = storage.write_turn().await;
            messages::readdress(storage.connection(), claim, &sender, &recipient).await.map_err(|e| e.to_string())?;
            (claim.sender, claim.recipient) = (sender, recipient);
        }
        Ok(true)
    }

    async fn send(&self, claim: &ClaimedMail) -> Settlement {
        let message = match compose(claim) {
            Ok(message) => message,
            Err(e) => return Settlement::Failed { error: format!("{}: {e}", e.code()), retry_at: None },
        };
        let outcome = tokio::time::timeout(self.config.send_timeout, self.transport.send(message))
            .await
            .unwrap_or_else(|_| SendOutcome::Transient(format!("no answer from the relay within {} ms", self.config.send_timeout.as_millis())));
        match outcome {
            SendOutcome::Sent => Settlement::Sent { via: self.transport.via() },
            SendOutcome::Transient(error) => self.failed(claim, error),
            SendOutcome::Permanent(error) => Settlement::Failed { error, retry_at: None },
        }
    }

    /// A failed attempt: retried with backoff, or dead after the last one.
    fn failed(&self, claim: &ClaimedMail, error: String) -> Settlement {
        let attempts = claim.attempts + 1;
        let retry_at = (attempts < self.config.max_attempts)
            .then(|| now_millis() + backoff::delay(self.config.base_backoff, self.config.max_backoff, attempts).as_millis() as i64);
        Settlement::Failed { error, retry_at }
    }

    async fn cleanup(&self) {
        let cutoff = now_millis() - self.config.retention.as_millis() as i64;
        let storage = self.outbox.storage();
        let _turn = storage.write_turn().await;
        if let Err(e) = messages::forget_before(storage.connection(), cutoff).await {
            tracing::warn!(code = e.code(), "mail worker: cleaning up: {e}");
        }
    }
}
