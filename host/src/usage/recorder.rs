//! The usage recorder: an [`InvocationObserver`] that counts in memory on
//! the invocation's task (a map update under a mutex held for
//! microseconds, no I/O) and writes what it counted to the database on
//! [`UsageRecorder::flush`], usually from [`UsageRecorder::spawn_flusher`].

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::keys;
use super::pending::Pending;
use super::store;
use crate::engine::{InvocationObserver, InvocationRecord};
use crate::storage::{Storage, StorageError};

/// How often [`UsageRecorder::spawn_flusher`] is usually asked to flush:
/// the report and the series then lag the invocations by at most this, and
/// each host node writes four small transactions a minute.
pub const DEFAULT_FLUSH_INTERVAL: Duration = Duration::from_secs(15);

/// Counts capability operations and invocation costs per install, and
/// adds them to the usage tables when flushed. Register it with
/// `EngineConfig::observers`; share it (`Arc`) with the task that flushes.
#[derive(Debug, Default)]
pub struct UsageRecorder {
    pending: Mutex<Pending>,
}

impl UsageRecorder {
    /// An empty recorder.
    pub fn new() -> Arc<Self> {
        Arc::new(UsageRecorder::default())
    }

    /// Counts `record` as ended at `at` ([`InvocationObserver::finished`]
    /// uses now; tests and replays give the time).
    pub fn record_at(&self, record: &InvocationRecord<'_>, at: DateTime<Utc>) {
        self.pending().record(record, at);
    }

    /// Adds everything counted so far to the database and drops expired
    /// rows, in one transaction. On failure — or if this future is dropped
    /// before the commit — the counts go back into the recorder, to be
    /// written by the next flush. (A commit that succeeds but reports an
    /// error would count twice; the database gives no way to tell.)
    pub async fn flush(&self, storage: &Storage) -> Result<(), StorageError> {
        self.flush_at(storage, keys::now()).await
    }

    /// [`UsageRecorder::flush`] with retention measured from `now`.
    pub async fn flush_at(
        &self,
        storage: &Storage,
        now: DateTime<Utc>,
    ) -> Result<(), StorageError> {
        let mut taken = Taken {
            recorder: self,
            pending: std::mem::take(&mut *self.pending()),
            written: false,
        };
        store::write(storage, &taken.pending, now).await?;
        taken.written = true;
        Ok(())
    }

    /// Flushes every `every` (at least a millisecond) until the handle is
    /// aborted; a failed flush is logged and its counts kept for the next.
    /// Aborting does not flush: call [`UsageRecorder::flush`] once more at
    /// shutdown.
    pub fn spawn_flusher(
        self: &Arc<Self>,
        storage: Storage,
        every: Duration,
    ) -> tokio::task::JoinHandle<()> {
        let recorder = Arc::clone(self);
        // tokio's interval refuses a zero period.
        let every = every.max(Duration::from_millis(1));
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                if let Err(e) = recorder.flush(&storage).await {
                    tracing::warn!(error = %e, "flushing the usage audit failed; its counts are kept for the next flush");
                }
            }
        })
    }

    fn pending(&self) -> MutexGuard<'_, Pending> {
        // A panic while counting leaves at worst one invocation half
        // counted; the audit is still worth keeping.
        self.pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl InvocationObserver for UsageRecorder {
    fn finished(&self, record: &InvocationRecord<'_>) {
        self.record_at(record, keys::now());
    }
}

/// Counts taken out of the recorder for a flush: put back when dropped
/// before they are `written`, so neither an error nor a cancelled flush
/// loses them.
struct Taken<'r> {
    recorder: &'r UsageRecorder,
    pending: Pending,
    written: bool,
}

impl Drop for Taken<'_> {
    fn drop(&mut self) {
        if !self.written && !self.pending.is_empty() {
            self.recorder
                .pending()
                .absorb(std::mem::take(&mut self.pending));
        }
    }
}
