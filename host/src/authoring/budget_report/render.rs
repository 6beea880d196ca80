//! The budget report for a terminal: each call's figures against its
//! context's limits, then the permissions, then the verdict.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use super::{BudgetReport, CallReport, Figure, Spent};
use crate::usage::LeastPrivilegeReport;

impl BudgetReport {
    /// The report for a terminal.
    pub fn render(&self) -> String {
        let mut out = BudgetReport::render_calls(&self.calls, self.repeat);
        render_permissions(&mut out, &self.permissions);
        let verdict = if self.within_budget() {
            "every invocation stayed within its budget"
        } else {
            "an invocation went over its budget (see above)"
        };
        let _ = writeln!(out, "verdict: {verdict}");
        out
    }

    /// The figures of `calls` made `repeat` times each, without the
    /// permissions (what an install that failed at `activate` can show).
    pub fn render_calls(calls: &[CallReport], repeat: u32) -> String {
        let mut out = String::new();
        let runs = if repeat > 1 {
            format!("median of {repeat} runs (most)")
        } else {
            "one run each".to_owned()
        };
        let _ = writeln!(
            out,
            "budget report — {runs}; limits of each context on this host (docs/limits.md)"
        );
        for call in calls {
            render_call(&mut out, call);
        }
        out
    }
}

fn render_call(out: &mut String, call: &CallReport) {
    let (Some(context), Some(limits)) = (call.context(), call.limits) else {
        let _ = writeln!(out, "  {}: the module was not invoked", call.call);
        return;
    };
    let outcome = match (call.within_budget(), call.failures().is_empty()) {
        (false, _) => "OVER BUDGET",
        (true, true) => "ok",
        (true, false) => "failed",
    };
    let _ = writeln!(out, "  {}  [{context}] {outcome}", call.call);
    for failure in call.failures() {
        let _ = writeln!(out, "      failure  [{}] {}", failure.code, failure.message);
    }
    let figure = |of: fn(&Spent) -> u64| call.figure(of).unwrap_or(Figure { median: 0, max: 0 });
    let fuel = figure(|s| s.fuel);
    if limits.fuel == 0 {
        let _ = writeln!(out, "      fuel     not metered on this host");
    } else {
        let _ = writeln!(
            out,
            "      fuel     {} of {}{}",
            count(fuel),
            grouped(limits.fuel),
            share(fuel.max, limits.fuel)
        );
    }
    let ops = figure(|s| u64::from(s.ops));
    let _ = writeln!(
        out,
        "      ops      {} of {}{}",
        count(ops),
        limits.ops,
        ops_detail(call)
    );
    let time = figure(|s| s.elapsed_us);
    let _ = writeln!(
        out,
        "      time     {} ms of {} ms{}",
        millis(time),
        grouped(limits.wall_clock_ms),
        share(time.max, limits.wall_clock_ms.saturating_mul(1000))
    );
    let memory = figure(|s| s.memory_peak_bytes as u64);
    let _ = writeln!(
        out,
        "      memory   {} of {}{}",
        mebibytes(memory),
        mib(limits.memory_bytes as u64),
        share(memory.max, limits.memory_bytes as u64)
    );
}

fn render_permissions(out: &mut String, report: &LeastPrivilegeReport) {
    let names = |list: &mut dyn Iterator<Item = &str>| {
        let list: Vec<&str> = list.collect();
        if list.is_empty() {
            "none".to_owned()
        } else {
            list.join(", ")
        }
    };
    let _ = writeln!(out, "permissions (what this run used)");
    let _ = writeln!(
        out,
        "  declared  {}",
        names(&mut report.declared.iter().map(|p| p.as_str()))
    );
    if report.used.is_empty() {
        let _ = writeln!(out, "  used      none");
    }
    for used in &report.used {
        let operations: Vec<String> = used
            .operations
            .iter()
            .map(|o| format!("{} {}", o.operation, o.calls))
            .collect();
        let _ = writeln!(
            out,
            "  used      {} ({})",
            used.permission,
            operations.join(", ")
        );
    }
    if !report.unused.is_empty() {
        let _ = writeln!(
            out,
            "  unused    {} — no call of this run needed it; run the calls that do before removing it",
            names(&mut report.unused.iter().map(|p| p.as_str()))
        );
        let _ = writeln!(out, "  minimal   {}", report.minimal_manifest_line);
    }
}

fn ops_detail(call: &CallReport) -> String {
    let mut calls: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for run in &call.runs {
        for (name, n) in &run.op_calls {
            calls.entry(name).or_default().push(u64::from(*n));
        }
    }
    if calls.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = calls
        .into_iter()
        .map(|(name, values)| format!("{name} {}", Figure::of(values).map_or(0, |f| f.median)))
        .collect();
    format!("   ({})", parts.join(", "))
}

fn count(figure: Figure) -> String {
    if figure.max == figure.median {
        grouped(figure.median)
    } else {
        format!("{} ({})", grouped(figure.median), grouped(figure.max))
    }
}

fn millis(figure: Figure) -> String {
    let ms = |us: u64| format!("{:.2}", Duration::from_micros(us).as_secs_f64() * 1000.0);
    if figure.max == figure.median {
        ms(figure.median)
    } else {
        format!("{} ({})", ms(figure.median), ms(figure.max))
    }
}

fn mebibytes(figure: Figure) -> String {
    if figure.max == figure.median {
        mib(figure.median)
    } else {
        format!("{} ({})", mib(figure.median), mib(figure.max))
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / f64::from(1u32 << 20))
}

/// `1 234 567`: digits in groups of three.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// `   (12.3 %)` of the most against the limit.
fn share(used: u64, limit: u64) -> String {
    if limit == 0 {
        return String::new();
    }
    format!("   ({:.1} %)", used as f64 * 100.0 / limit as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(1234), "1 234");
        assert_eq!(grouped(100_000_000), "100 000 000");
    }

    fn call(fuel_limit: u64, ops: u32, calls: u32) -> CallReport {
        let spent = Spent {
            context: crate::engine::InvocationContext::Slot,
            failure: None,
            elapsed_us: 1500,
            fuel: 1234,
            ops,
            memory_peak_bytes: 1 << 20,
            op_calls: BTreeMap::from([("products.get".to_owned(), calls)]),
        };
        let limits = super::super::ContextLimits {
            fuel: fuel_limit,
            ops: 10,
            wall_clock_ms: 200,
            memory_bytes: 64 << 20,
        };
        CallReport {
            call: "slot product-card.badges".to_owned(),
            limits: Some(limits),
            runs: vec![spent],
        }
    }

    #[test]
    fn each_figure_reads_against_its_limit() {
        let text = BudgetReport::render_calls(&[call(5_000_000, 2, 2)], 1);
        assert!(
            text.contains("slot product-card.badges  [slot] ok"),
            "{text}"
        );
        assert!(
            text.contains("fuel     1 234 of 5 000 000   (0.0 %)"),
            "{text}"
        );
        assert!(
            text.contains("ops      2 of 10   (products.get 2)"),
            "{text}"
        );
        assert!(
            text.contains("time     1.50 ms of 200 ms   (0.8 %)"),
            "{text}"
        );
        assert!(
            text.contains("memory   1.0 MiB of 64.0 MiB   (1.6 %)"),
            "{text}"
        );
    }

    #[test]
    fn a_refused_operation_reads_over_budget_and_unmetered_fuel_says_so() {
        let text = BudgetReport::render_calls(&[call(0, 10, 11)], 1);
        assert!(text.contains("[slot] OVER BUDGET"), "{text}");
        assert!(text.contains("fuel     not metered on this host"), "{text}");
    }

    #[test]
    fn a_call_that_never_reached_the_module_says_so() {
        let never = CallReport {
            call: "route GET /nope".to_owned(),
            limits: None,
            runs: Vec::new(),
        };
        let text = BudgetReport::render_calls(&[never], 3);
        assert!(
            text.starts_with("budget report — median of 3 runs (most)"),
            "{text}"
        );
        assert!(
            text.contains("route GET /nope: the module was not invoked"),
            "{text}"
        );
    }
}
