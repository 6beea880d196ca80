//! Sending the announcements: install changes inside their transaction,
//! work wake-ups after their commit, coalesced.

use std::sync::{Arc, Weak};
use std::sync::atomic::Ordering;
use std::time::Duration;

use sea_orm::sqlx::PgPool;
use sea_orm::{ConnectionTrait, DbBackend, DbErr};
use tokio::sync::Notify;

use super::{INSTALLS, Inner, WORK, WorkQueue};
use crate::storage::statement;
use crate::tenant::TenantId;

/// Shortest time between two wake-ups of one queue sent by this process.
/// Other processes' workers poll every 200 ms (events) or 500 ms (mail)
/// anyway; this brings that down to a few milliseconds without one
/// `NOTIFY` per committed event.
pub(super) const COALESCE: Duration = Duration::from_millis(20);

/// Announces, on `conn`, that the install of `module` for `tenant` changed.
/// On a transaction the announcement is delivered at its commit, and not at
/// all if it rolls back. Nothing on SQLite.
pub(crate) async fn announce_install(conn: &impl ConnectionTrait, tenant: &TenantId, module: &str) -> Result<(), DbErr> {
    notify(conn, INSTALLS, &format!("{tenant}/{module}")).await
}

/// Announces, on `conn`, that work of `queue` is due (for changes made
/// outside a process that runs workers: the CLI's redrives). Nothing on
/// SQLite.
pub(crate) async fn announce_work(conn: &impl ConnectionTrait, queue: WorkQueue) -> Result<(), DbErr> {
    notify(conn, WORK, queue.payload()).await
}

async fn notify(conn: &impl ConnectionTrait, channel: &str, payload: &str) -> Result<(), DbErr> {
    let backend = conn.get_database_backend();
    if backend != DbBackend::Postgres {
        return Ok(());
    }
    conn.execute_raw(statement(backend, "SELECT pg_notify(?, ?)", [channel.into(), payload.into()])).await?;
    Ok(())
}

/// Sends the pending wake-ups, each queue at most once per [`COALESCE`],
/// until every [`super::Changes`] of this storage is dropped.
pub(super) async fn announce_pending(inner: Weak<Inner>, wake: Arc<Notify>, pool: PgPool) {
    loop {
        let pending = {
            let Some(inner) = inner.upgrade() else { return };
            inner.pending_work.swap(0, Ordering::AcqRel)
        };
        if pending == 0 {
            wake.notified().await;
            continue;
        }
        for queue in WorkQueue::ALL.into_iter().filter(|queue| pending & queue.bit() != 0) {
            let sent = sea_orm::sqlx::query("SELECT pg_notify($1, $2)")
                .bind(WORK)
                .bind(queue.payload())
                .execute(&pool)
                .await;
            if let Err(e) = sent {
                // The others find the work at their next poll.
                tracing::debug!("could not wake other processes' {} workers: {e}", queue.payload());
            }
        }
        tokio::time::sleep(COALESCE).await;
    }
}
