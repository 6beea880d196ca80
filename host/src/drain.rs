//! Waiting for a stopping worker's work in flight to end, within a grace.

use std::time::Duration;

use tokio::time::Instant;

/// How often a stopping worker looks whether its work is done.
const POLL: Duration = Duration::from_millis(10);

/// Waits until `done` holds, looking every 10 ms, but not past `until`:
/// whether it held in time.
pub(crate) async fn done_by(until: Instant, done: impl Fn() -> bool) -> bool {
    while !done() {
        if Instant::now() >= until {
            return false;
        }
        tokio::time::sleep(POLL).await;
    }
    true
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;

    #[tokio::test]
    async fn what_is_done_in_time_is_seen_and_what_is_not_gives_up_at_the_deadline() {
        assert!(done_by(Instant::now(), || true).await, "already done");
        let flag = Arc::new(AtomicBool::new(false));
        let setter = flag.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(30)).await;
            setter.store(true, Ordering::Release);
        });
        assert!(done_by(Instant::now() + Duration::from_secs(30), || flag.load(Ordering::Acquire)).await);
        let started = Instant::now();
        assert!(!done_by(started + Duration::from_millis(50), || false).await);
        assert!(started.elapsed() >= Duration::from_millis(50));
    }
}
