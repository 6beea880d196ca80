//! The listening task: one pooled connection `LISTEN`ing on both channels,
//! re-established with backoff whenever it fails.

use std::sync::atomic::Ordering;
use std::sync::Weak;
use std::time::Duration;

use sea_orm::sqlx::PgPool;
use sea_orm::sqlx::postgres::PgListener;

use super::{Change, INSTALLS, Inner, WORK, parse};

/// First wait before connecting again after a failure.
const FIRST_RETRY: Duration = Duration::from_millis(100);
/// Longest wait between attempts: what a change may wait on top of the
/// refresh interval's polling, which goes on meanwhile.
const LAST_RETRY: Duration = Duration::from_secs(5);

/// Listens until every [`super::Changes`] of this storage is dropped.
pub(super) async fn listen(inner: Weak<Inner>, pool: PgPool) {
    let mut retry = FIRST_RETRY;
    loop {
        match connect(&pool).await {
            Ok(mut listener) => {
                retry = FIRST_RETRY;
                {
                    let Some(inner) = inner.upgrade() else { return };
                    inner.listening.store(true, Ordering::Relaxed);
                    // Whatever was announced while nobody listened is lost:
                    // the observers forget everything instead.
                    inner.tell(&Change::Unknown);
                }
                let lost = receive(&inner, &mut listener).await;
                let Some(inner) = inner.upgrade() else { return };
                inner.listening.store(false, Ordering::Relaxed);
                tracing::warn!("stopped hearing other processes' changes ({lost}); listening again");
            }
            Err(e) => {
                if inner.strong_count() == 0 {
                    return;
                }
                tracing::warn!("cannot listen to other processes' changes ({e}); trying again in {retry:?}");
            }
        }
        tokio::time::sleep(retry).await;
        retry = (retry * 2).min(LAST_RETRY);
    }
}

async fn connect(pool: &PgPool) -> Result<PgListener, sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen_all([INSTALLS, WORK]).await?;
    Ok(listener)
}

/// Hands notifications to the observers until the connection fails;
/// returns why.
async fn receive(inner: &Weak<Inner>, listener: &mut PgListener) -> String {
    loop {
        let notification = match listener.try_recv().await {
            Ok(Some(notification)) => notification,
            Ok(None) => return "the connection was lost".to_owned(),
            Err(e) => return e.to_string(),
        };
        let Some(inner) = inner.upgrade() else { return "shutting down".to_owned() };
        match parse(notification.channel(), notification.payload()) {
            Some(change) => inner.tell(&change),
            None => tracing::debug!(
                channel = notification.channel(),
                payload = notification.payload(),
                "ignored a notification this version does not know"
            ),
        }
    }
}
