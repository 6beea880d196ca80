//! Typed outcomes of a failed invocation.
//!
//! Every way an invocation can end badly maps to one variant and one stable
//! [`ErrorCode`]; none of them affects the host or other invocations.

use crate::bindings::WitErrorCode;

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
    /// The guest asked for more memory than its limit.
    #[error("module {module}: memory limit of {limit} bytes exceeded (asked for {asked} bytes)")]
    OutOfMemory {
        /// The module.
        module: String,
        /// The limit in bytes.
        limit: usize,
        /// The size the guest tried to grow to.
        asked: usize,
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
    /// Too many invocations of this module are already running.
    #[error("module {module}: busy ({limit} invocations already in flight)")]
    Busy {
        /// The module.
        module: String,
        /// The in-flight cap.
        limit: usize,
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
            InvocationError::OutOfMemory { .. } => ErrorCode::BudgetExhausted,
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
            InvocationError::StackOverflow { .. } => "stack-overflow",
            InvocationError::Trap { .. } => "trap",
            InvocationError::Busy { .. } => "busy",
            InvocationError::Guest { .. } => "guest-error",
            InvocationError::Protocol { .. } => "protocol",
            InvocationError::Host { .. } => "host-error",
        }
    }
}

/// Raised from the epoch callback when the wall-clock deadline has passed.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("invocation deadline exceeded")]
pub(crate) struct DeadlineReached;
