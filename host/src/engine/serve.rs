//! Serving one HTTP request: a fresh instance's
//! `wasi:http/incoming-handler.handle` under the `http` budget.
//!
//! The guest call owns the store, so that when it returns (or is stopped)
//! the store is dropped and the response channel and body close. Alongside
//! it, in the same task, the host reads the response and buffers its body up
//! to a limit: the host then knows the exact length (it sets
//! `content-length` itself) and a module that streams forever is cut at the
//! deadline.

use std::convert::Infallible;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Full};
use wasmtime_wasi_http::p2::bindings::http::types::{ErrorCode as HttpErrorCode, Scheme};
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;

use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks};

use crate::engine::budget::InvocationContext;
use crate::engine::error::InvocationError;
use crate::engine::extensions::Extensions;
use crate::engine::guest_text::bounded_message;
use crate::engine::invocation::{Invocation, Invoked};
use crate::engine::memory::{InvocationMemory, MemoryLimitReached};
use crate::engine::module::LoadedModule;
use crate::tenant::TenantId;

/// A request as handed to a module: already routed, authenticated and
/// sanitized by the HTTP bridge, with its body read.
pub type ModuleRequest = http::Request<Bytes>;

/// A module's response with its whole body.
pub type ModuleResponse = http::Response<Bytes>;

type GuestResponse = Result<http::Response<HyperOutgoingBody>, HttpErrorCode>;

/// `wasi:http` hooks for a host that never sends requests for a module
/// through `wasi:http/types` (outbound HTTP is its own capability), with a
/// bounded write buffer per body: one chunk of `body_chunk_bytes` queued,
/// so what a body holds on the host side is known when it is created.
#[derive(Debug, Clone, Copy)]
pub struct NoOutboundHooks {
    /// Largest single write to a body stream.
    pub body_chunk_bytes: usize,
}

impl Default for NoOutboundHooks {
    fn default() -> Self {
        NoOutboundHooks { body_chunk_bytes: 64 << 10 }
    }
}

impl WasiHttpHooks for NoOutboundHooks {
    fn p2_outgoing_body_buffer_chunks(&mut self) -> usize {
        1
    }

    fn p2_outgoing_body_chunk_size(&mut self) -> usize {
        self.body_chunk_bytes
    }

    fn send_request(
        &mut self,
        _request: http::Request<wasmtime_wasi_http::WasiBody>,
        _options: Option<wasmtime_wasi_http::RequestOptions>,
        _fut: Box<dyn std::future::Future<Output = Result<(), wasmtime_wasi_http::Error>> + Send>,
    ) -> Box<
        dyn std::future::Future<
                Output = wasmtime_wasi_http::Result<(
                    http::Response<wasmtime_wasi_http::WasiBody>,
                    Box<dyn std::future::Future<Output = Result<(), wasmtime_wasi_http::Error>> + Send>,
                )>,
            > + Send,
    > {
        Box::new(async { Err(HttpErrorCode::HttpRequestDenied.into()) })
    }
}

impl LoadedModule {
    /// Whether the component exports `wasi:http/incoming-handler`.
    pub fn serves_http(&self) -> bool {
        self.inner.incoming.is_some()
    }

    /// Runs `request` through the module's `incoming-handler` for `tenant`
    /// and returns its response with a body of at most `max_body_bytes`.
    pub async fn handle_http(
        &self,
        tenant: &TenantId,
        request: ModuleRequest,
        max_body_bytes: usize,
        extensions: &Extensions,
    ) -> Result<Invoked<ModuleResponse>, InvocationError> {
        let inner = &*self.inner;
        let module = inner.name.to_string();
        let Some(indices) = inner.incoming.clone() else {
            return Err(InvocationError::Protocol {
                module,
                message: "the component does not export wasi:http/incoming-handler".to_owned(),
            });
        };
        let started = Instant::now();
        let mut invocation = Invocation::begin(inner, tenant, InvocationContext::Http, extensions)?;
        let wall_clock = invocation.budget.wall_clock;
        let grace = inner.shared.config.epoch_tick * 2;
        let (sender, receiver) = tokio::sync::oneshot::channel::<GuestResponse>();
        let (parts, body) = request.into_parts();
        let memory = invocation.memory().clone();
        // The request body is held on the host side for the guest.
        if let Err(reached) = memory.charge_host("request body", body.len()) {
            return Err(out_of_memory(&module, reached));
        }
        let body = Full::new(body).map_err(|never: Infallible| -> wasmtime_wasi_http::Error { match never {} });
        let prepared = {
            // The request and the response slot are host objects in the
            // store's table, made before the guest runs.
            let mut view = WasiHttpCtxView {
                ctx: &mut WasiHttpCtx::new(),
                table: &mut invocation.store.data_mut().core().table,
                hooks: &mut NoOutboundHooks::default(),
            };
            view.new_incoming_request(Scheme::Http, http::Request::from_parts(parts, body))
                .and_then(|req| Ok((req, view.new_response_outparam(sender)?)))
        };
        let (incoming, outparam) = prepared.map_err(|e| InvocationError::Host {
            module: module.clone(),
            message: format!("preparing the request: {e:#}"),
        })?;

        // `run` owns the store: when the call returns (or is stopped) the
        // store drops, which closes the response channel and body, so the
        // collector always finishes. Both run in this task (no hop to
        // another worker); if the client goes away, dropping this future
        // stops the guest and frees its admission.
        let guest = invocation.run(async |store, instance| {
            let handler = indices.load(&mut *store, instance)?;
            handler.call_handle(&mut *store, incoming, outparam).await
        });
        let deadline = started + wall_clock + grace;
        let (outcome, collected) = tokio::join!(guest, collect_response(receiver, deadline, max_body_bytes, &memory));
        let invoked = outcome?;
        let response = collected.map_err(|problem| problem.into_error(&module, wall_clock))?;
        Ok(Invoked {
            value: response,
            fuel_used: invoked.fuel_used,
            ops_used: invoked.ops_used,
            elapsed: started.elapsed(),
        })
    }
}

/// Why no complete response came back.
enum ResponseProblem {
    NeverSet,
    Refused(HttpErrorCode),
    BodyFailed(String),
    TooLarge(usize),
    Deadline,
    OverMemory(MemoryLimitReached),
}

fn out_of_memory(module: &str, reached: MemoryLimitReached) -> InvocationError {
    InvocationError::OutOfMemory {
        module: module.to_owned(),
        limit: reached.limit,
        asked: reached.total_asked,
        by: reached.by,
    }
}

impl ResponseProblem {
    fn into_error(self, module: &str, wall_clock: Duration) -> InvocationError {
        let module = module.to_owned();
        let message = match self {
            ResponseProblem::Deadline => {
                return InvocationError::DeadlineExceeded {
                    module,
                    context: InvocationContext::Http.as_str(),
                    millis: wall_clock.as_millis(),
                };
            }
            ResponseProblem::OverMemory(reached) => return out_of_memory(&module, reached),
            ResponseProblem::NeverSet => "the handler returned without setting a response".to_owned(),
            ResponseProblem::Refused(code) => {
                bounded_message(&format!("the handler answered with an error: {code:?}"))
            }
            ResponseProblem::BodyFailed(error) => bounded_message(&format!("the response body failed: {error}")),
            ResponseProblem::TooLarge(limit) => {
                format!("the response body is larger than the limit of {limit} bytes")
            }
        };
        InvocationError::Protocol { module, message }
    }
}

/// Waits for the response and reads its body, within the deadline, the
/// size limit and the invocation's memory (the buffered body is host memory
/// the guest caused).
async fn collect_response(
    receiver: tokio::sync::oneshot::Receiver<GuestResponse>,
    deadline: Instant,
    max_body_bytes: usize,
    memory: &InvocationMemory,
) -> Result<ModuleResponse, ResponseProblem> {
    let read = async {
        let response = match receiver.await {
            Ok(Ok(response)) => response,
            Ok(Err(code)) => return Err(ResponseProblem::Refused(code)),
            Err(_) => return Err(ResponseProblem::NeverSet),
        };
        let (parts, mut body) = response.into_parts();
        let mut bytes = BytesMut::new();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| ResponseProblem::BodyFailed(format!("{e:?}")))?;
            if let Ok(data) = frame.into_data() {
                if bytes.len() + data.len() > max_body_bytes {
                    return Err(ResponseProblem::TooLarge(max_body_bytes));
                }
                memory
                    .charge_host("response body", data.len())
                    .map_err(ResponseProblem::OverMemory)?;
                bytes.extend_from_slice(&data);
            }
        }
        Ok(http::Response::from_parts(parts, bytes.freeze()))
    };
    match tokio::time::timeout_at(deadline.into(), read).await {
        Ok(result) => result,
        Err(_) => Err(ResponseProblem::Deadline),
    }
}
