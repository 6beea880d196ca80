//! Stopping the storefront without losing what it holds: a request to stop
//! that every server waits on, and the signals (`SIGTERM`, `SIGINT`) that
//! make one. What a stop does is [`Storefront::serve_until`](crate::Storefront::serve_until).

use std::time::Duration;

use tokio::sync::watch;

/// How long a stopping storefront lets requests in flight finish before it
/// stops anyway (a client that never finishes its request cannot hold a
/// deploy up).
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Makes the stop request: [`StopHandle::stop`].
#[derive(Debug)]
pub struct StopHandle(watch::Sender<bool>);

/// A stop request to wait for; each server holds its own clone.
#[derive(Debug, Clone)]
pub struct StopRequest(watch::Receiver<bool>);

/// A handle and the request it makes.
pub fn stop_channel() -> (StopHandle, StopRequest) {
    let (sender, receiver) = watch::channel(false);
    (StopHandle(sender), StopRequest(receiver))
}

impl StopHandle {
    /// Asks every server holding a [`StopRequest`] of this channel to stop.
    pub fn stop(&self) {
        self.0.send_replace(true);
    }
}

impl StopRequest {
    /// Resolves once a stop was asked for. A handle dropped without asking
    /// never stops anything: only [`StopHandle::stop`] does.
    pub async fn requested(mut self) {
        if self.0.wait_for(|stop| *stop).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Resolves on the first `SIGTERM` (what a service manager or an orchestrator
/// sends) or `SIGINT` (Ctrl-C), naming it. If the handlers cannot be
/// installed it never resolves, and the process stops as it did before: at
/// once.
pub async fn signalled() -> &'static str {
    use tokio::signal::unix::{SignalKind, signal};
    match (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) {
        (Ok(mut terminate), Ok(mut interrupt)) => tokio::select! {
            _ = terminate.recv() => "SIGTERM",
            _ = interrupt.recv() => "SIGINT",
        },
        (Err(e), _) | (_, Err(e)) => {
            tracing::warn!("storefront: no signal handlers ({e}): SIGTERM stops the process at once");
            std::future::pending().await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_clone_of_the_request_hears_one_stop() {
        let (handle, request) = stop_channel();
        let waiting = [tokio::spawn(request.clone().requested()), tokio::spawn(request.requested())];
        handle.stop();
        for waiter in waiting {
            tokio::time::timeout(Duration::from_secs(10), waiter).await.expect("heard").unwrap();
        }
    }

    #[tokio::test]
    async fn a_request_made_after_the_stop_resolves_at_once() {
        let (handle, request) = stop_channel();
        handle.stop();
        tokio::time::timeout(Duration::from_secs(10), request.requested()).await.expect("already stopped");
    }

    #[tokio::test]
    async fn a_dropped_handle_does_not_stop_the_server() {
        let (handle, request) = stop_channel();
        drop(handle);
        let waited = tokio::time::timeout(Duration::from_millis(50), request.requested()).await;
        assert!(waited.is_err(), "only StopHandle::stop stops");
    }
}
