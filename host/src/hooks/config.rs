//! How the hook dispatcher behaves: the operator's policy for failing
//! before-hooks, the hook breakers, the batch size of `after-read` and the
//! bounds of what a hook may answer.

use std::time::Duration;

/// What a before-hook (or `on-action` hook) that fails — traps, runs out of
/// fuel or time, answers something invalid, or cannot start because the
/// module is busy — does to the integrator's write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailurePolicy {
    /// The write is refused (fail closed): a check that did not run is not
    /// a check that passed. The default.
    #[default]
    Reject,
    /// The hook is skipped and the write goes ahead (fail open).
    Skip,
}

impl std::str::FromStr for FailurePolicy {
    type Err = String;

    /// `reject` or `skip`, as operators write it in configuration.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "reject" => Ok(FailurePolicy::Reject),
            "skip" => Ok(FailurePolicy::Skip),
            other => Err(format!("{other:?} is not a hook failure policy: write reject (the default) or skip")),
        }
    }
}

/// Dispatcher settings. Every field has a default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookConfig {
    /// What a failing before-hook does to the write. Default: reject.
    pub failure_policy: FailurePolicy,
    /// Consecutive failures after which one hook (module × moment × entity)
    /// stops being called until a new version or `modgate breaker-reset
    /// --hooks`. Default 10 (SPEC §9).
    pub breaker_failures: u32,
    /// How old the list of installed hooks may get before it is read again:
    /// installs, approvals and resets made by other processes take effect
    /// within it. Default 1 s.
    pub refresh: Duration,
    /// Rows handed to one `after-read` invocation; more rows take several.
    /// Default 100.
    pub rows_per_call: usize,
    /// Most messages one rejection may carry. Default 10.
    pub max_messages: usize,
    /// Longest message, in characters. Default 500.
    pub max_message_chars: usize,
}

impl Default for HookConfig {
    fn default() -> Self {
        HookConfig {
            failure_policy: FailurePolicy::Reject,
            breaker_failures: 10,
            refresh: Duration::from_secs(1),
            rows_per_call: 100,
            max_messages: 10,
            max_message_chars: 500,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::FailurePolicy;

    #[test]
    fn policies_are_read_by_name() {
        assert_eq!("skip".parse(), Ok(FailurePolicy::Skip));
        assert_eq!("reject".parse(), Ok(FailurePolicy::Reject));
        assert!("open".parse::<FailurePolicy>().unwrap_err().contains("write reject (the default) or skip"));
    }
}
