//! Changes other processes made, announced through PostgreSQL's
//! `LISTEN`/`NOTIFY`, so that several hosts on one database (and the CLI
//! beside them) act on each other's changes at once instead of at their
//! next poll.
//!
//! Two channels, both scoped to the database:
//! - `modgate_installs`, payload `<tenant>/<module>`: an install changed
//!   (installed, upgraded, promoted, approved, revoked, settings, allowlist,
//!   enabled or disabled, breakers reset, uninstalled). Sent by
//!   [`announce_install`] inside the change's own transaction, so it is
//!   delivered at commit and never for a change rolled back. Every
//!   lifecycle transaction records an audit entry just before it commits,
//!   and the audit entry announces it: one place, no change forgotten.
//! - `modgate_work`, payload `events` or `mail`: work became due (events
//!   raised, mail queued, dead letters redriven). Sent after the commit,
//!   at most once per queue every [`announce::COALESCE`] per process
//!   (`NOTIFY` takes a database-wide lock at commit: one per committed
//!   event would throttle the outbox).
//!
//! Each process listens on one pooled connection, started when the first
//! [`ChangeObserver`] registers (the HTTP bridge, the data hooks, the event
//! and mail workers), and hands every notification to the observers. A
//! notification is lost while the listening connection is down, so every
//! (re)connect is told to the observers as [`Change::Unknown`]: they forget
//! everything they read. What they read is also re-read at their refresh
//! interval whatever happens here (polling stays the fallback): a change
//! reaches every node within the refresh interval, and within milliseconds
//! while notifications flow.
//!
//! On SQLite nothing is sent or listened to: one machine, and the
//! processes beside the host (the CLI) are seen by polling.

mod announce;
mod listener;
#[cfg(test)]
mod tests;

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, Weak};

use sea_orm::sqlx::PgPool;
use tokio::sync::Notify;

use crate::sync::lock;
use crate::tenant::TenantId;

pub(crate) use announce::{announce_install, announce_work};

/// The channel of install changes.
const INSTALLS: &str = "modgate_installs";
/// The channel of work wake-ups.
const WORK: &str = "modgate_work";

/// A queue whose workers poll for due rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkQueue {
    /// Event deliveries (`modgate_deliveries`).
    Events,
    /// Outgoing mail (`modgate_mail`).
    Mail,
}

impl WorkQueue {
    const ALL: [WorkQueue; 2] = [WorkQueue::Events, WorkQueue::Mail];

    fn payload(self) -> &'static str {
        match self {
            WorkQueue::Events => "events",
            WorkQueue::Mail => "mail",
        }
    }

    fn bit(self) -> u8 {
        match self {
            WorkQueue::Events => 1,
            WorkQueue::Mail => 2,
        }
    }
}

/// What another process (or this one) changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change<'a> {
    /// An install changed: forget what was read about it.
    Install {
        /// Its tenant.
        tenant: TenantId,
        /// Its module.
        module: &'a str,
    },
    /// Work became due in this queue: look now.
    Work(WorkQueue),
    /// Notifications may have been missed (the listening connection was
    /// (re)established): forget everything read, look for work.
    Unknown,
}

/// A part of the host that keeps what it read from the database and must
/// forget it when another process changes it.
pub trait ChangeObserver: Send + Sync {
    /// Called on the listening task: cheap and non-blocking (forget a
    /// cache entry, wake a worker).
    fn changed(&self, change: &Change<'_>);
}

/// This process's end of the announcements; every clone of a [`Storage`]
/// shares it.
///
/// [`Storage`]: crate::storage::Storage
#[derive(Clone)]
pub struct Changes {
    inner: Arc<Inner>,
}

struct Inner {
    /// `None` on SQLite: nothing to listen to.
    pool: Option<PgPool>,
    observers: Mutex<Vec<Weak<dyn ChangeObserver>>>,
    /// Whether the listening connection is up right now.
    listening: AtomicBool,
    /// Queues with work to announce (bits of [`WorkQueue::bit`]).
    pending_work: AtomicU8,
    wake_announcer: Arc<Notify>,
    tasks: Mutex<Tasks>,
}

#[derive(Default)]
struct Tasks {
    listener: Option<tokio::task::JoinHandle<()>>,
    announcer: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        let tasks = lock(&self.tasks);
        for task in [&tasks.listener, &tasks.announcer].into_iter().flatten() {
            task.abort();
        }
    }
}

impl Changes {
    /// Announcements over `pool` (PostgreSQL), or none (`None`: SQLite).
    pub(crate) fn new(pool: Option<PgPool>) -> Self {
        Changes {
            inner: Arc::new(Inner {
                pool,
                observers: Mutex::new(Vec::new()),
                listening: AtomicBool::new(false),
                pending_work: AtomicU8::new(0),
                wake_announcer: Arc::new(Notify::new()),
                tasks: Mutex::new(Tasks::default()),
            }),
        }
    }

    /// Tells `observer` of every change announced from now on, for as long
    /// as it lives. The first observer starts the listening task on the
    /// current tokio runtime; outside one, nothing is listened to and
    /// observers rely on their refresh interval.
    pub fn observe<O: ChangeObserver + 'static>(&self, observer: &Arc<O>) {
        let observer: Weak<dyn ChangeObserver> = Arc::downgrade(observer) as Weak<dyn ChangeObserver>;
        lock(&self.inner.observers).push(observer);
        let Some(pool) = &self.inner.pool else { return };
        let mut tasks = lock(&self.inner.tasks);
        if tasks.listener.is_some() {
            return;
        }
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                tasks.listener = Some(runtime.spawn(listener::listen(Arc::downgrade(&self.inner), pool.clone())));
            }
            Err(_) => tracing::warn!(
                "changes of other processes are not listened to (no tokio runtime where the first observer registered); they are seen at each refresh interval"
            ),
        }
    }

    /// Whether this process is listening to other processes' changes right
    /// now (always `false` on SQLite).
    pub fn is_listening(&self) -> bool {
        self.inner.listening.load(Ordering::Relaxed)
    }

    /// Work of `queue` was committed: other processes' workers are woken
    /// soon (coalesced; nothing on SQLite).
    pub fn work_committed(&self, queue: WorkQueue) {
        let Some(pool) = &self.inner.pool else { return };
        if self.inner.pending_work.fetch_or(queue.bit(), Ordering::AcqRel) & queue.bit() != 0 {
            return;
        }
        {
            let mut tasks = lock(&self.inner.tasks);
            if tasks.announcer.is_none() {
                let Ok(runtime) = tokio::runtime::Handle::try_current() else {
                    // No announcer can run here; a later call from a runtime
                    // must still find the bit clear and start one.
                    self.inner.pending_work.fetch_and(!queue.bit(), Ordering::AcqRel);
                    return;
                };
                tasks.announcer = Some(runtime.spawn(announce::announce_pending(
                    Arc::downgrade(&self.inner),
                    self.inner.wake_announcer.clone(),
                    pool.clone(),
                )));
            }
        }
        self.inner.wake_announcer.notify_one();
    }
}

impl Inner {
    /// Hands `change` to every live observer, forgetting the dead ones.
    fn tell(&self, change: &Change<'_>) {
        let observers: Vec<Arc<dyn ChangeObserver>> = {
            let mut observers = lock(&self.observers);
            observers.retain(|observer| observer.strong_count() > 0);
            observers.iter().filter_map(Weak::upgrade).collect()
        };
        for observer in observers {
            observer.changed(change);
        }
    }
}

/// Wakes a worker when work of its queue is announced, or may have been
/// missed. Kept by the worker: it observes for as long as it is kept.
pub(crate) struct WorkWake {
    queue: WorkQueue,
    wake: Arc<Notify>,
}

impl WorkWake {
    /// Wakes `wake` on `changes`' announcements of `queue`.
    pub(crate) fn observe(changes: &Changes, queue: WorkQueue, wake: Arc<Notify>) -> Arc<Self> {
        let observer = Arc::new(WorkWake { queue, wake });
        changes.observe(&observer);
        observer
    }
}

impl ChangeObserver for WorkWake {
    fn changed(&self, change: &Change<'_>) {
        if matches!(change, Change::Work(queue) if *queue == self.queue) || *change == Change::Unknown {
            self.wake.notify_one();
        }
    }
}

impl std::fmt::Debug for Changes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Changes")
            .field("postgres", &self.inner.pool.is_some())
            .field("listening", &self.is_listening())
            .finish_non_exhaustive()
    }
}

/// The change a notification announces; `None` for one not understood
/// (another version's, say), which is ignored.
fn parse<'a>(channel: &str, payload: &'a str) -> Option<Change<'a>> {
    match channel {
        INSTALLS => {
            let (tenant, module) = payload.split_once('/')?;
            let tenant = TenantId::new(tenant).ok()?;
            (!module.is_empty()).then_some(Change::Install { tenant, module })
        }
        WORK => WorkQueue::ALL.into_iter().find(|queue| queue.payload() == payload).map(Change::Work),
        _ => None,
    }
}
