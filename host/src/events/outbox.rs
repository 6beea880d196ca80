//! The outbox: an event is one row of `modgate_events` plus one delivery
//! per subscribing install, written in the caller's transaction. A core
//! event raised with the integrator's own write commits or rolls back with
//! it; once committed, it survives any crash and a worker delivers it.

use std::sync::Arc;

use sea_orm::{ConnectionTrait, Value};
use tokio::sync::Notify;

use crate::events::core_event::CoreEvent;
use crate::events::error::EventError;
use crate::storage::changes::WorkQueue;
use crate::storage::{Storage, StorageError, new_id, now_millis, now_rfc3339, statement};
use crate::tenant::TenantId;

/// Where an event came from (`modgate_events.source`).
pub(crate) const CORE_SOURCE: &str = "core";

/// An event as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedEvent {
    /// Its id (ULID), the same on every delivery.
    pub id: String,
    /// Its full name.
    pub name: String,
    /// When it happened (RFC 3339 UTC).
    pub occurred_at: String,
    /// How many installs it was fanned out to.
    pub deliveries: u64,
}

/// Records events for delivery. Cheap to clone; clones share the wake-up
/// signal of this process's workers.
#[derive(Clone)]
pub struct Outbox {
    storage: Storage,
    wake: Arc<Notify>,
}

impl Outbox {
    /// An outbox over `storage`.
    pub fn new(storage: Storage) -> Self {
        Outbox {
            storage,
            wake: Arc::new(Notify::new()),
        }
    }

    /// The database.
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// Records core `event` for `tenant` on `db` — the integrator's open
    /// transaction, so the event exists exactly when the write that caused
    /// it commits. Call [`Outbox::committed`] after the commit for prompt
    /// delivery (workers also poll).
    pub async fn raise(
        &self,
        db: &impl ConnectionTrait,
        tenant: &TenantId,
        event: &CoreEvent,
    ) -> Result<RecordedEvent, EventError> {
        event.validate()?;
        let payload = serde_json::to_string(event).map_err(|e| EventError::invalid(e.to_string()))?;
        record(db, tenant, CORE_SOURCE, event.name(), &payload).await
    }

    /// Records a module's event `mod.<module>.<name>` (already checked by
    /// the events capability) on `db`.
    pub(crate) async fn emit(
        &self,
        db: &impl ConnectionTrait,
        tenant: &TenantId,
        module: &str,
        full_name: &str,
        payload: &str,
    ) -> Result<RecordedEvent, EventError> {
        record(db, tenant, module, full_name, payload).await
    }

    /// Tells this process's workers that events were committed, and
    /// (on PostgreSQL, coalesced) other processes' workers too.
    pub fn committed(&self) {
        // Every worker waiting now, and a permit for one that is between
        // two waits (so the signal is not lost).
        self.wake.notify_waiters();
        self.wake.notify_one();
        self.storage.changes().work_committed(WorkQueue::Events);
    }

    pub(crate) fn wake_signal(&self) -> &Arc<Notify> {
        &self.wake
    }
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox").field("storage", &self.storage).finish()
    }
}

async fn record(
    db: &impl ConnectionTrait,
    tenant: &TenantId,
    source: &str,
    name: &str,
    payload: &str,
) -> Result<RecordedEvent, EventError> {
    let id = new_id();
    let occurred_at = now_rfc3339();
    let now = now_millis();
    let backend = db.get_database_backend();
    let values: [Value; 7] = [
        id.as_str().into(),
        tenant.as_str().into(),
        name.into(),
        source.into(),
        occurred_at.as_str().into(),
        payload.into(),
        now.into(),
    ];
    db.execute_raw(statement(
        backend,
        "INSERT INTO modgate_events (id, tenant, name, source, occurred_at, payload, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
        values,
    ))
    .await
    .map_err(StorageError::db(format!("recording event {name}")))?;
    let fanned = db
        .execute_raw(statement(
            backend,
            "INSERT INTO modgate_deliveries (event_id, tenant, module, state, attempts, next_at, updated_at) \
             SELECT ?, tenant, module, 'pending', 0, ?, ? FROM modgate_subscriptions WHERE tenant = ? AND event = ?",
            [
                id.as_str().into(),
                now.into(),
                occurred_at.as_str().into(),
                tenant.as_str().into(),
                name.into(),
            ],
        ))
        .await
        .map_err(StorageError::db(format!("fanning out event {name}")))?;
    Ok(RecordedEvent {
        id,
        name: name.to_owned(),
        occurred_at,
        deliveries: fanned.rows_affected(),
    })
}
