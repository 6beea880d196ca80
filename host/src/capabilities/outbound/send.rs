//! The guarded sender: what wasmtime-wasi-http calls to send a module's
//! request. Steps 1–4 of the guard run synchronously when the request is
//! handed over; the lookup, the address check and the exchange run in the
//! request's future.

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use http::uri::Scheme;
use tokio::sync::Semaphore;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

use super::allowlist::Allowlist;
use super::exchange::{Admitted, Exchange, Sent};
use super::target::target_of;
use super::{OutboundOfModule, Shared};
use crate::engine::{InvocationCore, LogWriter, OpsBudget};
use crate::engine::module_log::LogLevel;

/// One invocation's sender.
pub(super) struct GuardedSender {
    shared: Arc<Shared>,
    in_flight: Arc<Semaphore>,
    allowlist: Arc<Allowlist>,
    ops: OpsBudget,
    log: LogWriter,
    deadline: Instant,
}

/// A refusal: what the guest gets, and the module log's line.
pub(super) struct Refusal {
    pub error: Error,
    pub line: String,
}

impl GuardedSender {
    /// The sender of one invocation, under `allowlist`, ending its work by
    /// `deadline` (or the total timeout from now).
    pub fn new(module: &OutboundOfModule, allowlist: Arc<Allowlist>, deadline: Option<Instant>, core: &InvocationCore) -> Self {
        GuardedSender {
            shared: module.shared.clone(),
            in_flight: module.in_flight.clone(),
            allowlist,
            ops: core.ops_budget(),
            log: core.log_writer(),
            deadline: deadline.unwrap_or_else(|| Instant::now() + module.shared.limits.total_timeout),
        }
    }

    /// The op, then steps 1–4: destination, allowlist, in-flight cap,
    /// credential.
    fn admit(&self, request: &http::Request<WasiBody>) -> Result<Admitted, Refusal> {
        let method = request.method();
        self.ops.take("http.outbound").map_err(|exhausted| Refusal {
            error: Error::InternalError(Some(format!("budget-exhausted: {}", exhausted.message))),
            line: format!("outbound {method} refused (budget-exhausted): {}", exhausted.message),
        })?;
        let denied = |rule: &str, why: String| Refusal {
            error: Error::HttpRequestDenied,
            line: format!("outbound {method} refused ({rule}): {why}"),
        };
        let target = target_of(request.uri()).map_err(|e| denied(e.rule(), e.to_string()))?;
        let origin = target.origin();
        let entry = self.allowlist.entry_for(&target.host, target.port).map_err(|not| {
            let why = if self.allowlist.is_empty() {
                format!("{origin}: the operator's allowlist for this module is empty")
            } else {
                format!("{origin} is not on the operator's allowlist for this module")
            };
            denied(not.rule(), why)
        })?;
        let permit = self.in_flight.clone().try_acquire_owned().map_err(|_| Refusal {
            error: Error::ConnectionLimitReached,
            line: format!(
                "outbound {method} refused (in-flight): {origin}: this module already has {} requests in flight",
                self.shared.limits.max_in_flight_per_module
            ),
        })?;
        let credential = match &entry.credential {
            None => None,
            Some(credential) => {
                let unavailable = || {
                    denied("credential-unavailable", format!("{origin}: the operator's credential for this host is not available"))
                };
                let value = self.shared.secrets.get(credential.secret()).ok_or_else(|| {
                    tracing::warn!(
                        secret = %credential.secret(),
                        entry = %entry.key(),
                        "an allowlist entry's secret is not in the host's secret store; its requests are refused"
                    );
                    unavailable()
                })?;
                // Checked by `Credential::new`, the only way to make one.
                let header = http::HeaderName::from_bytes(credential.header().as_bytes()).map_err(|_| unavailable())?;
                Some((header, value))
            }
        };
        Ok(Admitted { target, entry: entry.clone(), credential, permit })
    }
}

impl WasiHttpHooks for GuardedSender {
    fn is_supported_scheme(&mut self, scheme: &Scheme) -> bool {
        *scheme == Scheme::HTTP || *scheme == Scheme::HTTPS
    }

    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        _fut: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> Box<dyn Future<Output = Sent> + Send> {
        match self.admit(&request) {
            Err(refusal) => {
                self.log.write(LogLevel::Warn, &refusal.line);
                Box::new(std::future::ready(Err(refusal.error)))
            }
            Ok(admitted) => {
                let exchange = Exchange {
                    shared: self.shared.clone(),
                    log: self.log.clone(),
                    deadline: self.deadline,
                    admitted,
                };
                Box::new(exchange.run(request, options))
            }
        }
    }
}
