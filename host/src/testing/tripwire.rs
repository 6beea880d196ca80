//! A listener that proves a connection was never made: it accepts and
//! counts every connection on a loopback port (IPv4, and IPv6 on the same
//! port where the machine has it) and answers nothing. The outbound guard's
//! tests point refused requests at it and assert it saw none.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::net::TcpListener;

/// See the module documentation.
pub struct Tripwire {
    /// Its port on 127.0.0.1 (and `[::1]`).
    pub port: u16,
    hits: Arc<AtomicUsize>,
}

impl Tripwire {
    /// Listens on a fresh port.
    pub async fn start() -> std::io::Result<Tripwire> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let hits = Arc::new(AtomicUsize::new(0));
        let mut listeners = vec![listener];
        if let Ok(v6) = TcpListener::bind(("::1", port)).await {
            listeners.push(v6);
        }
        for listener in listeners {
            let hits = hits.clone();
            tokio::spawn(async move {
                while let Ok(_connection) = listener.accept().await {
                    hits.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
        Ok(Tripwire { port, hits })
    }

    /// Connections received so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}
