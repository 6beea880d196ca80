//! What running the hooks of one entity × moment produced: the decision
//! for a before-moment, and for every moment a report of each module's run.

use serde_json::Value;

/// Why a hook's change was not applied (the rest of its outcome was).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DroppedChange {
    /// The record's position in the call.
    pub index: usize,
    /// The field named.
    pub field: String,
    /// Why, e.g. `the field is read-only for hooks` or `a committed write
    /// cannot be adjusted`.
    pub reason: String,
}

/// How one module's hook went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunResult {
    /// It allowed the write, or finished an after-hook.
    Allowed,
    /// It changed these fields (of any record of the call).
    Adjusted(Vec<String>),
    /// It refused, with its messages.
    Rejected(Vec<String>),
    /// It failed; `code` is the stable error code (`timeout`,
    /// `budget-exhausted`, `handler-error` for a trap, `invalid` for an
    /// outcome the moment does not allow, `busy`…). `counted`: whether it counts towards the hook's
    /// breaker (a busy host is not the module's fault).
    Failed {
        /// Stable error code.
        code: &'static str,
        /// What happened, for the operator.
        message: String,
        /// Whether the failure counts towards the breaker.
        counted: bool,
    },
    /// Not called: its breaker is open after repeated failures.
    BreakerOpen,
}

/// One module's hook in one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookRun {
    /// The module.
    pub module: String,
    /// How it went.
    pub result: RunResult,
    /// Changes it asked for that were dropped (and logged).
    pub dropped: Vec<DroppedChange>,
}

/// Every module's hook in the order they ran (module-name order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HookReport {
    /// One entry per hook called or skipped for its breaker; unapproved
    /// hooks are not listed (they do not exist for the caller).
    pub runs: Vec<HookRun>,
}

impl HookReport {
    /// The failures, for logs and tests.
    pub fn failures(&self) -> impl Iterator<Item = &HookRun> {
        self.runs.iter().filter(|run| matches!(run.result, RunResult::Failed { .. }))
    }
}

/// Why a before-moment refused the write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The module whose hook refused (or failed).
    pub module: String,
    /// Messages for the person who asked (plain text: escape them where
    /// they are shown).
    pub messages: Vec<String>,
    /// Whether the hook decided so or failed under the fail-closed policy.
    pub failed: bool,
}

impl Rejection {
    /// Stable code: `rejected` (the hook refused) or `hook-failed` (it
    /// could not decide and the policy is to refuse).
    pub fn code(&self) -> &'static str {
        if self.failed { "hook-failed" } else { "rejected" }
    }
}

/// The outcome of a before-moment (`before-create`, `before-update`,
/// `before-delete`, `on-action`).
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Go ahead and write `record` (the integrator's record with the hooks'
    /// adjustments applied).
    Proceed {
        /// The record to write.
        record: Value,
        /// What each hook did.
        report: HookReport,
    },
    /// Do not write.
    Reject {
        /// Who refused and why.
        rejection: Rejection,
        /// What each hook did, up to the refusal.
        report: HookReport,
    },
}

impl Decision {
    /// The record to write, or the rejection.
    pub fn into_result(self) -> Result<Value, Rejection> {
        match self {
            Decision::Proceed { record, .. } => Ok(record),
            Decision::Reject { rejection, .. } => Err(rejection),
        }
    }

    /// What each hook did.
    pub fn report(&self) -> &HookReport {
        match self {
            Decision::Proceed { report, .. } | Decision::Reject { report, .. } => report,
        }
    }
}

/// The outcome of `after-read`: the rows with the hooks' adjustments.
#[derive(Debug, Clone, PartialEq)]
pub struct AfterRead {
    /// The rows, in the order given.
    pub rows: Vec<Value>,
    /// What each hook did (one entry per module and batch).
    pub report: HookReport,
}
