//! What each call of `modgate run` cost against the limits of its context
//! — fuel, capability operations, wall time, peak memory — and which
//! permissions the run used of those declared. Over `--repeat N` runs each
//! figure is the median (and the most any run took). How it reads on a
//! terminal: [`render`].

mod render;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::engine::{EngineConfig, InvocationContext, InvocationRecord};
use crate::usage::LeastPrivilegeReport;

/// Failure kinds that mean the invocation hit one of its limits.
const OVER_BUDGET_KINDS: [&str; 5] = [
    "fuel-exhausted",
    "deadline-exceeded",
    "out-of-memory",
    "resource-limit",
    "stack-overflow",
];

/// What one invocation spent.
#[derive(Debug, Clone, Serialize)]
pub struct Spent {
    /// Why the module was invoked (`http`, `slot`, `event`, `hook-before`, …).
    #[serde(serialize_with = "context_name")]
    pub context: InvocationContext,
    /// How it failed, if it did (the module's typed answers are not failures).
    pub failure: Option<Failure>,
    /// Wall time from admission to the end, in microseconds.
    pub elapsed_us: u64,
    /// Wasm instructions executed.
    pub fuel: u64,
    /// Capability operations taken.
    pub ops: u32,
    /// The most memory it held at once.
    pub memory_peak_bytes: usize,
    /// Calls per capability operation, refused ones included.
    pub op_calls: BTreeMap<String, u32>,
}

/// A context as configuration and metrics name it (`hook-before`).
fn context_name<S: serde::Serializer>(
    context: &InvocationContext,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(context.as_str())
}

/// How an invocation failed.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// The stable error code (`budget-exhausted`, `timeout`, `handler-error`, …).
    pub code: &'static str,
    /// The kind (`fuel-exhausted`, `trap`, `guest-error`, …).
    pub kind: &'static str,
    /// What happened.
    pub message: String,
}

impl Spent {
    /// The figures of a finished invocation.
    pub fn of(record: &InvocationRecord<'_>) -> Spent {
        Spent {
            context: record.context,
            failure: record.error.map(|error| Failure {
                code: crate::engine::error_code_name(error.code()),
                kind: error.kind(),
                message: error.to_string(),
            }),
            elapsed_us: u64::try_from(record.elapsed.as_micros()).unwrap_or(u64::MAX),
            fuel: record.fuel_used,
            ops: record.ops_used,
            memory_peak_bytes: record.memory_peak_bytes,
            op_calls: record
                .op_calls
                .iter()
                .map(|(name, calls)| ((*name).to_owned(), *calls))
                .collect(),
        }
    }

    /// Whether it hit a limit: fuel, deadline, memory, a resource cap, the
    /// stack — or an operation refused because the ops budget was spent.
    pub fn over_budget(&self) -> bool {
        let refused_ops = self
            .op_calls
            .values()
            .map(|calls| u64::from(*calls))
            .sum::<u64>()
            > u64::from(self.ops);
        refused_ops
            || self
                .failure
                .as_ref()
                .is_some_and(|f| OVER_BUDGET_KINDS.contains(&f.kind))
    }
}

/// The limits of one context on this host.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ContextLimits {
    /// Wasm instructions (0 when fuel is not metered).
    pub fuel: u64,
    /// Capability operations.
    pub ops: u32,
    /// Wall-clock deadline, in milliseconds.
    pub wall_clock_ms: u64,
    /// Memory one invocation may hold.
    pub memory_bytes: usize,
}

impl ContextLimits {
    /// The limits `config` gives `context`.
    pub fn of(config: &EngineConfig, context: InvocationContext) -> ContextLimits {
        let budget = config.budgets.for_context(context);
        ContextLimits {
            fuel: if config.fuel { budget.fuel } else { 0 },
            ops: budget.ops,
            wall_clock_ms: u64::try_from(budget.wall_clock.as_millis()).unwrap_or(u64::MAX),
            memory_bytes: config.memory_limit_bytes,
        }
    }
}

/// One call, made one or more times.
#[derive(Debug, Clone, Serialize)]
pub struct CallReport {
    /// The call (`route GET /hello`, `install: activate`, …).
    pub call: String,
    /// The limits of its context; `None` when the module was not invoked.
    pub limits: Option<ContextLimits>,
    /// Each run's invocations.
    pub runs: Vec<Spent>,
}

/// A figure over the runs: the median, and the most one run took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Figure {
    /// The median.
    pub median: u64,
    /// The largest.
    pub max: u64,
}

impl Figure {
    fn of(mut values: Vec<u64>) -> Option<Figure> {
        values.sort_unstable();
        let max = *values.last()?;
        Some(Figure {
            median: values[values.len() / 2],
            max,
        })
    }
}

impl CallReport {
    /// `runs` of `call`, held against the limits `config` gives their
    /// context (none when the module was not invoked).
    pub fn new(call: String, runs: Vec<Spent>, config: &EngineConfig) -> CallReport {
        let limits = runs
            .first()
            .map(|run| ContextLimits::of(config, run.context));
        CallReport { call, limits, runs }
    }

    /// The context of its invocations (`None`: the module was not invoked).
    pub fn context(&self) -> Option<InvocationContext> {
        self.runs.first().map(|run| run.context)
    }

    /// Median and most of a figure over the runs.
    pub fn figure(&self, of: impl Fn(&Spent) -> u64) -> Option<Figure> {
        Figure::of(self.runs.iter().map(of).collect())
    }

    /// Whether every run stayed within the context's limits.
    pub fn within_budget(&self) -> bool {
        !self.runs.iter().any(Spent::over_budget)
    }

    /// The failures of the runs, each kind once.
    pub fn failures(&self) -> Vec<&Failure> {
        let mut seen = Vec::<&Failure>::new();
        for failure in self.runs.iter().filter_map(|run| run.failure.as_ref()) {
            if !seen
                .iter()
                .any(|f| f.kind == failure.kind && f.message == failure.message)
            {
                seen.push(failure);
            }
        }
        seen
    }
}

/// Everything `modgate run` measured.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetReport {
    /// How many times each call was made.
    pub repeat: u32,
    /// The calls, install first.
    pub calls: Vec<CallReport>,
    /// What the run used of the permissions declared.
    pub permissions: LeastPrivilegeReport,
}

impl BudgetReport {
    /// Whether every invocation stayed within its budget.
    pub fn within_budget(&self) -> bool {
        self.calls.iter().all(CallReport::within_budget)
    }

    /// Whether an invocation failed (within budget or not).
    pub fn any_failed(&self) -> bool {
        self.calls
            .iter()
            .any(|call| call.runs.iter().any(|run| run.failure.is_some()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spent(fuel: u64, ops: u32, op_calls: &[(&str, u32)], kind: Option<&'static str>) -> Spent {
        Spent {
            context: InvocationContext::Http,
            failure: kind.map(|kind| Failure {
                code: "budget-exhausted",
                kind,
                message: kind.to_owned(),
            }),
            elapsed_us: 1000,
            fuel,
            ops,
            memory_peak_bytes: 1 << 20,
            op_calls: op_calls
                .iter()
                .map(|(n, c)| ((*n).to_owned(), *c))
                .collect(),
        }
    }

    #[test]
    fn figures_are_the_median_and_the_most() {
        assert_eq!(
            Figure::of(vec![5, 1, 9, 3, 7]),
            Some(Figure { median: 5, max: 9 })
        );
        assert_eq!(Figure::of(vec![]), None);
    }

    #[test]
    fn a_refused_operation_or_a_limit_failure_is_over_budget_a_trap_is_not() {
        assert!(!spent(10, 2, &[("tables.exec", 2)], None).over_budget());
        assert!(
            spent(10, 2, &[("tables.exec", 3)], None).over_budget(),
            "one call refused for the budget"
        );
        assert!(spent(10, 0, &[], Some("fuel-exhausted")).over_budget());
        assert!(spent(10, 0, &[], Some("deadline-exceeded")).over_budget());
        assert!(!spent(10, 0, &[], Some("trap")).over_budget());
    }
}
