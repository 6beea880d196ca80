//! The email rate limit, kept in the database so that every host on it
//! draws from the same bucket per (module, tenant): the limit protects a
//! third party (the relay, the recipients), and N hosts must not mean N
//! times the rate.
//!
//! The bucket is GCRA (what `governor` does in memory): a row holds the
//! theoretical arrival time of the next message; a message is allowed when
//! that time, pushed one interval on, is at most `burst` intervals ahead of
//! now. The check and the update are one atomic upsert, so hosts taking
//! from one bucket at once are serialized by its row lock and never both
//! take its last message. Times are the taking host's clock, in
//! microseconds: hosts whose clocks differ by `d` can together exceed the
//! rate by at most `d` worth of messages.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sea_orm::{ConnectionTrait, DbBackend};

use crate::storage::{StorageError, statement};

/// A bucket's rate: one message per `interval`, up to `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SendRate {
    /// Time one message's share of the rate takes to come back.
    pub interval: Duration,
    /// Messages that may be sent at once after a quiet spell.
    pub burst: u32,
}

/// Takes one message from the bucket of `module` for `tenant` at `now`
/// (microseconds since the epoch, [`now_micros`]); `false` when the bucket
/// is empty (nothing changes then).
pub(crate) async fn take(
    conn: &impl ConnectionTrait,
    module: &str,
    tenant: &str,
    rate: SendRate,
    now: i64,
) -> Result<bool, StorageError> {
    let backend = conn.get_database_backend();
    let interval = i64::try_from(rate.interval.as_micros()).unwrap_or(i64::MAX).max(1);
    let latest_allowed = now.saturating_add(interval.saturating_mul(i64::from(rate.burst)));
    // SQLite's two-argument MAX is PostgreSQL's GREATEST.
    let greatest = if backend == DbBackend::Postgres { "GREATEST" } else { "MAX" };
    let sql = format!(
        "INSERT INTO modgate_mail_rate (module, tenant, arrival_micros) VALUES (?, ?, ?) \
         ON CONFLICT (module, tenant) DO UPDATE \
         SET arrival_micros = {greatest}(modgate_mail_rate.arrival_micros, ?) + ? \
         WHERE {greatest}(modgate_mail_rate.arrival_micros, ?) + ? <= ? \
         RETURNING arrival_micros"
    );
    let values = [
        module.into(),
        tenant.into(),
        now.saturating_add(interval).into(),
        now.into(),
        interval.into(),
        now.into(),
        interval.into(),
        latest_allowed.into(),
    ];
    let taken = conn
        .query_one_raw(statement(backend, &sql, values))
        .await
        .map_err(StorageError::db(format!("taking from the email rate of {module} for {tenant}")))?;
    Ok(taken.is_some())
}

/// Now, in microseconds since the epoch.
pub(crate) fn now_micros() -> i64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since.as_micros()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Storage;

    const MINUTE: i64 = 60_000_000;

    async fn storage() -> (tempfile::TempDir, Storage) {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::open_data_dir(dir.path()).await.unwrap();
        (dir, storage)
    }

    fn per_minute(messages: u32, burst: u32) -> SendRate {
        SendRate { interval: Duration::from_micros((MINUTE / i64::from(messages)) as u64), burst }
    }

    #[tokio::test]
    async fn a_burst_is_allowed_then_one_message_per_interval() {
        let (_dir, storage) = storage().await;
        let db = storage.connection();
        let rate = per_minute(60, 3);
        let t0 = 1_000 * MINUTE;
        for _ in 0..3 {
            assert!(take(db, "m", "acme", rate, t0).await.unwrap());
        }
        assert!(!take(db, "m", "acme", rate, t0).await.unwrap(), "the burst is spent");
        assert!(!take(db, "m", "acme", rate, t0 + 999_999).await.unwrap(), "not yet an interval later");
        assert!(take(db, "m", "acme", rate, t0 + 1_000_000).await.unwrap(), "one interval brings one back");
        assert!(!take(db, "m", "acme", rate, t0 + 1_000_000).await.unwrap());
        let quiet = t0 + MINUTE;
        for _ in 0..3 {
            assert!(take(db, "m", "acme", rate, quiet).await.unwrap(), "a quiet spell refills the burst, no more");
        }
        assert!(!take(db, "m", "acme", rate, quiet).await.unwrap());
    }

    #[tokio::test]
    async fn each_module_and_tenant_has_its_own_bucket() {
        let (_dir, storage) = storage().await;
        let db = storage.connection();
        let rate = per_minute(1, 1);
        let now = 1_000 * MINUTE;
        assert!(take(db, "m", "acme", rate, now).await.unwrap());
        assert!(!take(db, "m", "acme", rate, now).await.unwrap());
        assert!(take(db, "m", "globex", rate, now).await.unwrap());
        assert!(take(db, "other", "acme", rate, now).await.unwrap());
    }
}
