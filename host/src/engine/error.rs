//! Typed outcomes of a failed invocation.
//!
//! Every way an invocation can end badly maps to one variant and one stable
//! [`ErrorCode`]; none of them affects the host or other invocations.

use crate::bindings::WitErrorCode;
use crate::engine::memory::MemoryUse;

/// The stable error codes of the contract (`modgate:host/types.error-code`).
pub type ErrorCode = WitErrorCode;

/// Stable kebab-case name of an [`ErrorCode`], as in the WIT.
pub fn error_code_name(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::Forbidden => "forbidden",
        ErrorCode::RateLimited => "rate-limited",
        ErrorCode::Busy => "busy",
        ErrorCode::Timeout => "timeout",
        ErrorCode::HandlerError => "handler-error",
        ErrorCode::Protocol => "protocol",
        ErrorCode::NotAvailable => "not-available",
        ErrorCode::BudgetExhausted => "budget-exhausted",
        ErrorCode::NotFound => "not-found",
        ErrorCode::Invalid => "invalid",
    }
}

/// Why an invocation failed.
#[derive(Debug, thiserror::Error)]
pub enum InvocationError {
    /// The guest used all its fuel (wasm instructions).
    #[error("module {module}: fuel budget of {fuel} instructions exhausted ({context} invocation)")]
    FuelExhausted {
        /// The module.
        module: String,
        /// The context.
        context: &'static str,
        /// The fuel it had.
        fuel: u64,
    },
    /// The wall-clock deadline passed.
    #[error("module {module}: deadline of {millis} ms exceeded ({context} invocation)")]
    DeadlineExceeded {
        /// The module.
        module: String,
        /// The context.
        context: &'static str,
        /// The deadline in milliseconds.
        millis: u128,
    },
    /// The invocation asked for more memory than its limit: linear
    /// memories, tables and the host-side state it caused, together.
    #[error("module {module}: memory limit of {limit} bytes exceeded ({by} asked for {asked} bytes in total)")]
    OutOfMemory {
        /// The module.
        module: String,
        /// The limit in bytes.
        limit: usize,
        /// The total the invocation would have held.
        asked: usize,
        /// What asked for it.
        by: MemoryUse,
    },
    /// The guest hit one of the host's per-invocation resource limits
    /// (handles, bytes per host call, random bytes, instance counts).
    #[error("module {module}: resource limit {limit} reached: {detail}")]
    ResourceLimit {
        /// The module.
        module: String,
        /// Which limit (see [`GuestLimit`]).
        limit: GuestLimit,
        /// What happened, for the operator.
        detail: String,
    },
    /// The guest overflowed its stack.
    #[error("module {module}: stack overflow")]
    StackOverflow {
        /// The module.
        module: String,
    },
    /// The guest trapped (panic, unreachable, out-of-bounds access...).
    #[error("module {module}: trapped: {trap}")]
    Trap {
        /// The module.
        module: String,
        /// What wasmtime reported, with the guest backtrace when known.
        trap: String,
    },
    /// The invocation could not start: a share of the host's capacity is
    /// full. Never the module's fault, never counted against it.
    #[error("module {module}: busy ({limit} invocations already in flight for the {share})")]
    Busy {
        /// The module.
        module: String,
        /// The cap of the share that is full.
        limit: usize,
        /// Which share is full.
        share: BusyShare,
    },
    /// The guest's export returned a typed error.
    #[error("module {module}: {}: {message}", error_code_name(*code))]
    Guest {
        /// The module.
        module: String,
        /// The code it returned.
        code: ErrorCode,
        /// Its message.
        message: String,
    },
    /// The guest broke the HTTP protocol: it never set a response, its body
    /// failed mid-stream, or the body was larger than the limit.
    #[error("module {module}: {message}")]
    Protocol {
        /// The module.
        module: String,
        /// What went wrong.
        message: String,
    },
    /// Something failed on the host side (instantiation, a bug).
    #[error("module {module}: host error: {message}")]
    Host {
        /// The module.
        module: String,
        /// What failed.
        message: String,
    },
}

impl InvocationError {
    /// The stable error code this failure is reported with.
    pub fn code(&self) -> ErrorCode {
        match self {
            InvocationError::FuelExhausted { .. } => ErrorCode::BudgetExhausted,
            InvocationError::DeadlineExceeded { .. } => ErrorCode::Timeout,
            InvocationError::OutOfMemory { .. } | InvocationError::ResourceLimit { .. } => {
                ErrorCode::BudgetExhausted
            }
            InvocationError::StackOverflow { .. } | InvocationError::Trap { .. } => {
                ErrorCode::HandlerError
            }
            InvocationError::Busy { .. } => ErrorCode::Busy,
            InvocationError::Guest { code, .. } => *code,
            InvocationError::Protocol { .. } => ErrorCode::Protocol,
            InvocationError::Host { .. } => ErrorCode::NotAvailable,
        }
    }

    /// A short stable name of the failure kind (for metrics and logs).
    pub fn kind(&self) -> &'static str {
        match self {
            InvocationError::FuelExhausted { .. } => "fuel-exhausted",
            InvocationError::DeadlineExceeded { .. } => "deadline-exceeded",
            InvocationError::OutOfMemory { .. } => "out-of-memory",
            InvocationError::ResourceLimit { .. } => "resource-limit",
            InvocationError::StackOverflow { .. } => "stack-overflow",
            InvocationError::Trap { .. } => "trap",
            InvocationError::Busy { .. } => "busy",
            InvocationError::Guest { .. } => "guest-error",
            InvocationError::Protocol { .. } => "protocol",
            InvocationError::Host { .. } => "host-error",
        }
    }
}

impl InvocationError {
    /// Whether the failure is the module's own doing (what circuit breakers
    /// count). `busy` is the host's capacity, never the module's fault.
    pub fn is_module_fault(&self) -> bool {
        !matches!(self, InvocationError::Busy { .. })
    }
}

/// Which share of the host's capacity was full (see `engine::admission`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BusyShare {
    /// The module's share for one tenant.
    Install,
    /// The module's share across its tenants.
    Module,
    /// The host's instance pool.
    Host,
}

impl std::fmt::Display for BusyShare {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BusyShare::Install => "module and tenant",
            BusyShare::Module => "module",
            BusyShare::Host => "host",
        })
    }
}

/// The per-invocation resource limits a guest can run into, besides fuel,
/// memory and the deadline (documented in `docs/limits.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuestLimit {
    /// Live resource handles (`max_handles`).
    Handles,
    /// Bytes handed to the host in one call (`max_host_call_bytes`).
    HostCallBytes,
    /// Bytes of one `wasi:random` request.
    RandomBytes,
    /// Core instances, memories or tables of the component.
    ComponentCounts,
}

impl GuestLimit {
    /// Stable name, as in logs and `docs/limits.md`.
    pub fn as_str(self) -> &'static str {
        match self {
            GuestLimit::Handles => "handles",
            GuestLimit::HostCallBytes => "host-call-bytes",
            GuestLimit::RandomBytes => "random-bytes",
            GuestLimit::ComponentCounts => "component-counts",
        }
    }
}

impl std::fmt::Display for GuestLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Raised from the epoch callback when the wall-clock deadline has passed.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("invocation deadline exceeded")]
pub(crate) struct DeadlineReached;
