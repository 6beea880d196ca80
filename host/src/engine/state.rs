//! The data of one invocation's store: who is calling, for which tenant,
//! what is left of the budget, and the inert WASI context.
//!
//! Capabilities implement their generated `Host` traits on
//! [`InvocationState`]; the first line of every host function is
//! [`InvocationState::take_op`] so the op budget is checked before any work.

use std::sync::Arc;

use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks};

use crate::bindings::{WitError, WitErrorCode};
use crate::capabilities::http_types::accounted::AccountedHttpView;
use crate::engine::budget::{InvocationContext, OpsCounter};
use crate::engine::config::EngineConfig;
use crate::engine::memory::{MemoryLimitReached, MemoryLimiter};
use crate::engine::module_log::{LogLevel, ModuleLog};
use crate::engine::tenant::TenantId;
use crate::services::HostServices;
use crate::storage::DataSession;
use crate::storage::module_sql::TableCaller;
use modgate_manifest::TableDecl;

/// Captured stdout/stderr per invocation, in bytes; more is refused to the guest.
pub(crate) const CAPTURED_OUTPUT_BYTES: usize = 16 * 1024;

/// What bounds the host-side objects of one invocation (from [`EngineConfig`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct HostStateLimits {
    pub max_handles: usize,
    pub max_fields_bytes: usize,
    pub http_body_chunk_bytes: usize,
    pub max_random_bytes: u64,
}

impl HostStateLimits {
    pub fn from_config(config: &EngineConfig) -> Self {
        HostStateLimits {
            max_handles: config.max_handles,
            max_fields_bytes: config.max_fields_bytes,
            http_body_chunk_bytes: config.http_body_chunk_bytes,
            max_random_bytes: config.max_host_call_bytes as u64,
        }
    }
}

/// Store data of one invocation.
pub struct InvocationState {
    module: Arc<str>,
    tenant: TenantId,
    context: InvocationContext,
    ops: OpsCounter,
    log: Arc<ModuleLog>,
    log_lines_written: u32,
    services: Arc<HostServices>,
    tables: Arc<[TableDecl]>,
    session: Option<DataSession>,
    pub(crate) limiter: MemoryLimiter,
    table: ResourceTable,
    /// Built on first use: most guests never touch WASI.
    wasi: Option<InertWasi>,
    http: WasiHttpCtx,
    http_hooks: NoOutbound,
    max_random_bytes: u64,
}

/// `wasi:http` hooks for the inert `types` interface: sending a request is
/// the `http:outbound` capability, never reachable through these.
struct NoOutbound {
    body_chunk_bytes: usize,
}

impl WasiHttpHooks for NoOutbound {
    // One buffered chunk per body, of a bounded size: what a body can hold
    // on the host side is known (and charged) when the body is created.
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
        Box::new(async {
            Err(wasmtime_wasi_http::p2::bindings::http::types::ErrorCode::HttpRequestDenied.into())
        })
    }
}

struct InertWasi {
    ctx: WasiCtx,
    stdout: MemoryOutputPipe,
    stderr: MemoryOutputPipe,
}

/// Everything needed to start an invocation's store.
pub(crate) struct InvocationSetup {
    pub module: Arc<str>,
    pub tenant: TenantId,
    pub context: InvocationContext,
    pub ops_limit: u32,
    pub log: Arc<ModuleLog>,
    pub services: Arc<HostServices>,
    pub tables: Arc<[TableDecl]>,
    pub session: Option<DataSession>,
    pub limiter: MemoryLimiter,
    pub host_limits: HostStateLimits,
}

impl InvocationState {
    pub(crate) fn new(setup: InvocationSetup) -> Self {
        let limits = setup.host_limits;
        let mut table = ResourceTable::new();
        table.set_max_capacity(limits.max_handles);
        let mut http = WasiHttpCtx::new();
        http.set_field_size_limit(limits.max_fields_bytes);
        InvocationState {
            module: setup.module,
            tenant: setup.tenant,
            context: setup.context,
            ops: OpsCounter::new(setup.ops_limit),
            log: setup.log,
            log_lines_written: 0,
            services: setup.services,
            tables: setup.tables,
            session: setup.session,
            limiter: setup.limiter,
            table,
            wasi: None,
            http,
            http_hooks: NoOutbound {
                body_chunk_bytes: limits.http_body_chunk_bytes,
            },
            max_random_bytes: limits.max_random_bytes,
        }
    }

    /// Charges host-side state the guest causes (`what`, `bytes`) to the
    /// invocation's memory budget; a refusal ends the invocation as
    /// out-of-memory when returned as a host function's error.
    pub fn charge_host(&self, what: &'static str, bytes: usize) -> Result<(), MemoryLimitReached> {
        self.limiter.memory().charge_host(what, bytes)
    }

    /// Takes one capability operation from the budget, or answers
    /// `budget-exhausted` naming the operation.
    pub fn take_op(&mut self, operation: &str) -> Result<(), WitError> {
        if self.ops.try_take() {
            Ok(())
        } else {
            Err(WitError::new(
                WitErrorCode::BudgetExhausted,
                format!(
                    "{operation}: the {} invocation's budget of {} capability operations is used up",
                    self.context,
                    self.ops.limit()
                ),
            ))
        }
    }

    /// The module being invoked.
    pub fn module(&self) -> &str {
        &self.module
    }

    /// The tenant the invocation runs for; every capability scopes to it.
    pub fn tenant(&self) -> &TenantId {
        &self.tenant
    }

    /// Why the module is being called.
    pub fn context(&self) -> InvocationContext {
        self.context
    }

    /// Capability operations used so far.
    pub fn ops_used(&self) -> u32 {
        self.ops.used()
    }

    /// The host integrator's provider for `P`, or `not-available` naming the
    /// capability when the integrator did not provide one.
    pub fn provider<P: ?Sized + Send + Sync + 'static>(
        &self,
        capability: &str,
    ) -> Result<Arc<P>, WitError> {
        self.services.get::<P>().ok_or_else(|| {
            WitError::new(
                WitErrorCode::NotAvailable,
                format!("{capability}: this host has no provider for it"),
            )
        })
    }

    /// Who the module's SQL runs as: module, tenant, declared tables, and
    /// the install transaction when there is one.
    pub fn table_caller(&self) -> TableCaller<'_> {
        TableCaller {
            module: &self.module,
            tenant: &self.tenant,
            tables: &self.tables,
            session: self.session.as_ref().map(|s| s.transaction()),
        }
    }

    /// Writes a line to the module log, within the per-invocation line cap.
    pub fn write_log(&mut self, level: LogLevel, message: &str) {
        let cap = self.log.limits().max_lines_per_invocation;
        if self.log_lines_written >= cap {
            self.log.count_dropped(self.tenant.as_str(), 1);
            return;
        }
        self.log_lines_written += 1;
        self.log.append(self.tenant.as_str(), level, message);
    }

    /// Moves captured stdout/stderr into the module log.
    pub(crate) fn flush_captured_output(&mut self) {
        let Some(wasi) = self.wasi.take() else { return };
        for (level, pipe) in [(LogLevel::Stdout, wasi.stdout), (LogLevel::Stderr, wasi.stderr)] {
            let bytes = pipe.contents();
            for line in String::from_utf8_lossy(&bytes).lines().filter(|l| !l.is_empty()) {
                self.write_log(level, line);
            }
        }
    }
}

impl InvocationState {
    /// The `wasi:http` view: request and response resources live in the
    /// store's resource table next to WASI's.
    pub(crate) fn http_view(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.http_hooks,
        }
    }
}

impl InvocationState {
    /// The `wasi:http/types` view the guest calls through: the same objects,
    /// each charged to the invocation's memory as it is created.
    pub(crate) fn accounted_http_view(&mut self) -> AccountedHttpView<'_> {
        let body_buffer_bytes = self.http_hooks.body_chunk_bytes.saturating_mul(2);
        AccountedHttpView {
            inner: WasiHttpCtxView {
                ctx: &mut self.http,
                table: &mut self.table,
                hooks: &mut self.http_hooks,
            },
            memory: self.limiter.memory(),
            body_buffer_bytes,
        }
    }
}

impl WasiView for InvocationState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        let wasi = self.wasi.get_or_insert_with(|| {
            let stdout = MemoryOutputPipe::new(CAPTURED_OUTPUT_BYTES);
            let stderr = MemoryOutputPipe::new(CAPTURED_OUTPUT_BYTES);
            // Grants nothing: no env, args or preopens (the defaults), stdin
            // closed (the default), no sockets or name lookups.
            let ctx = WasiCtx::builder()
                .stdout(stdout.clone())
                .stderr(stderr.clone())
                .allow_tcp(false)
                .allow_udp(false)
                .allow_ip_name_lookup(false)
                .max_random_size(self.max_random_bytes)
                .build();
            InertWasi {
                ctx,
                stdout,
                stderr,
            }
        });
        WasiCtxView {
            ctx: &mut wasi.ctx,
            table: &mut self.table,
        }
    }
}
