//! Typed errors shared with the host.

/// The stable error code of every failed capability call.
pub use crate::bindings::modgate::host::types::ErrorCode;

/// A typed error: match on `code`; `message` is for humans.
pub use crate::bindings::modgate::host::types::Error;

impl ErrorCode {
    /// The code as the contract writes it, e.g. `budget-exhausted`: stable,
    /// for logs, responses and tests that report which code came back.
    pub fn name(self) -> &'static str {
        match self {
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
}

impl Error {
    /// An error with the given code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
        }
    }

    /// `invalid`: an argument or setting was malformed.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Invalid, message)
    }

    /// `handler-error`: the module itself failed.
    pub fn handler(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::HandlerError, message)
    }

    /// `not-found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    /// Whether the invocation's budget of host operations is used up; the
    /// module may stop early and still answer.
    pub fn is_budget_exhausted(&self) -> bool {
        self.code == ErrorCode::BudgetExhausted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_named_as_the_contract_writes_them() {
        let named = [
            (ErrorCode::Forbidden, "forbidden"),
            (ErrorCode::RateLimited, "rate-limited"),
            (ErrorCode::Busy, "busy"),
            (ErrorCode::Timeout, "timeout"),
            (ErrorCode::HandlerError, "handler-error"),
            (ErrorCode::Protocol, "protocol"),
            (ErrorCode::NotAvailable, "not-available"),
            (ErrorCode::BudgetExhausted, "budget-exhausted"),
            (ErrorCode::NotFound, "not-found"),
            (ErrorCode::Invalid, "invalid"),
        ];
        for (code, name) in named {
            assert_eq!(code.name(), name);
        }
    }
}
