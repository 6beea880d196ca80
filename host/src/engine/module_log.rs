//! The bounded log of one module: lines from the `log` capability and the
//! captured stdout/stderr of WASI guests.
//!
//! Bounded three ways: each line is truncated to a maximum size, each
//! invocation may write a maximum number of lines, and each tenant of the
//! module has a token-bucket rate. Only the newest lines are retained, per
//! tenant. Rates and retention are per tenant so that one tenant's traffic
//! can never crowd another tenant's lines out of the module's log. Dropped
//! lines are counted, never silently lost.

use std::collections::{HashMap, VecDeque};
use std::num::NonZeroU32;
use std::sync::Mutex;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use crate::engine::guest_text::bounded;
use crate::sync::lock;

/// Limits of module logs. Every knob has a default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogLimits {
    /// A longer line is cut (on a character boundary) and marked. Default 2048 bytes.
    pub max_line_bytes: usize,
    /// Lines one invocation may write; more are dropped. Default 100.
    pub max_lines_per_invocation: u32,
    /// Sustained lines per second per module and tenant. Default 50.
    pub lines_per_second: u32,
    /// Burst above the sustained rate. Default 200.
    pub burst: u32,
    /// Lines kept per module and tenant (oldest evicted first). Default 1000.
    pub retained_lines: usize,
}

impl Default for LogLimits {
    fn default() -> Self {
        LogLimits {
            max_line_bytes: 2048,
            max_lines_per_invocation: 100,
            lines_per_second: 50,
            burst: 200,
            retained_lines: 1000,
        }
    }
}

/// Severity of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// Very detailed.
    Trace,
    /// Debugging.
    Debug,
    /// Normal.
    Info,
    /// Something looks wrong.
    Warn,
    /// Something failed.
    Error,
    /// Captured from the guest's stdout.
    Stdout,
    /// Captured from the guest's stderr.
    Stderr,
}

/// One retained line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// The tenant of the invocation that wrote it.
    pub tenant: String,
    /// Severity or stream.
    pub level: LogLevel,
    /// The (possibly truncated) text.
    pub message: String,
}

/// The shared log of one module.
pub struct ModuleLog {
    limits: LogLimits,
    state: Mutex<Tenants>,
}

#[derive(Default)]
struct Tenants {
    by_tenant: HashMap<String, TenantLog>,
    /// Orders lines across tenants.
    next_sequence: u64,
}

struct TenantLog {
    rate: DefaultDirectRateLimiter,
    lines: VecDeque<(u64, LogLine)>,
    dropped: u64,
}

impl ModuleLog {
    /// An empty log with the given limits.
    pub fn new(limits: LogLimits) -> Self {
        ModuleLog {
            limits,
            state: Mutex::new(Tenants::default()),
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> LogLimits {
        self.limits
    }

    /// Appends a line unless the tenant's rate is exceeded; truncates long
    /// lines. Returns whether it was kept.
    pub fn append(&self, tenant: &str, level: LogLevel, message: &str) -> bool {
        let mut state = self.tenants();
        let sequence = state.next_sequence;
        let log = state.tenant(tenant, &self.limits);
        if log.rate.check().is_err() {
            log.dropped = log.dropped.saturating_add(1);
            return false;
        }
        let message = bounded(message, self.limits.max_line_bytes);
        tracing::debug!(target: "modgate::module_log", tenant, ?level, %message);
        if log.lines.len() >= self.limits.retained_lines.max(1) {
            log.lines.pop_front();
        }
        log.lines.push_back((
            sequence,
            LogLine {
                tenant: tenant.to_owned(),
                level,
                message,
            },
        ));
        state.next_sequence += 1;
        true
    }

    /// Records lines of `tenant` dropped before reaching the log (e.g. the
    /// per-invocation cap).
    pub fn count_dropped(&self, tenant: &str, lines: u64) {
        let mut state = self.tenants();
        let log = state.tenant(tenant, &self.limits);
        log.dropped = log.dropped.saturating_add(lines);
    }

    /// The retained lines of every tenant, oldest first.
    pub fn lines(&self) -> Vec<LogLine> {
        let state = self.tenants();
        let mut lines: Vec<&(u64, LogLine)> = state.by_tenant.values().flat_map(|log| log.lines.iter()).collect();
        lines.sort_by_key(|(sequence, _)| *sequence);
        lines.into_iter().map(|(_, line)| line.clone()).collect()
    }

    /// The retained lines of one tenant, oldest first.
    pub fn lines_of(&self, tenant: &str) -> Vec<LogLine> {
        let state = self.tenants();
        state
            .by_tenant
            .get(tenant)
            .map(|log| log.lines.iter().map(|(_, line)| line.clone()).collect())
            .unwrap_or_default()
    }

    /// The retained lines of one tenant written at or after position `from`,
    /// oldest first, and the position of the next line: how a reader follows
    /// the log without missing lines when old ones are evicted.
    pub fn lines_of_from(&self, tenant: &str, from: u64) -> (Vec<LogLine>, u64) {
        let state = self.tenants();
        let lines = state
            .by_tenant
            .get(tenant)
            .map(|log| log.lines.iter().filter(|(sequence, _)| *sequence >= from).map(|(_, line)| line.clone()).collect())
            .unwrap_or_default();
        (lines, state.next_sequence)
    }

    /// How many lines were dropped (rate, per-invocation cap) so far, all
    /// tenants together.
    pub fn dropped(&self) -> u64 {
        self.tenants().by_tenant.values().map(|log| log.dropped).sum()
    }

    /// How many lines of one tenant were dropped.
    pub fn dropped_of(&self, tenant: &str) -> u64 {
        self.tenants().by_tenant.get(tenant).map_or(0, |log| log.dropped)
    }

    fn tenants(&self) -> std::sync::MutexGuard<'_, Tenants> {
        lock(&self.state)
    }
}

impl Tenants {
    fn tenant(&mut self, tenant: &str, limits: &LogLimits) -> &mut TenantLog {
        self.by_tenant.entry(tenant.to_owned()).or_insert_with(|| {
            let per_second = NonZeroU32::new(limits.lines_per_second.max(1)).unwrap_or(NonZeroU32::MIN);
            let burst = NonZeroU32::new(limits.burst.max(1)).unwrap_or(NonZeroU32::MIN);
            TenantLog {
                rate: RateLimiter::direct(Quota::per_second(per_second).allow_burst(burst)),
                lines: VecDeque::new(),
                dropped: 0,
            }
        })
    }
}

impl std::fmt::Debug for ModuleLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModuleLog").field("limits", &self.limits).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_truncated_on_a_char_boundary() {
        let log = ModuleLog::new(LogLimits {
            max_line_bytes: 20,
            ..LogLimits::default()
        });
        log.append("t", LogLevel::Info, &"é".repeat(50));
        let line = &log.lines()[0].message;
        assert!(line.len() <= 20, "{line}");
        assert!(line.ends_with("[truncated]"));
    }

    #[test]
    fn lines_past_the_burst_are_dropped_and_counted() {
        let log = ModuleLog::new(LogLimits {
            lines_per_second: 1,
            burst: 3,
            ..LogLimits::default()
        });
        let kept = (0..10).filter(|_| log.append("t", LogLevel::Info, "x")).count();
        assert_eq!(kept, 3);
        assert_eq!(log.dropped(), 7);
    }

    #[test]
    fn only_the_newest_lines_are_retained() {
        let log = ModuleLog::new(LogLimits {
            retained_lines: 2,
            ..LogLimits::default()
        });
        for i in 0..5 {
            log.append("t", LogLevel::Info, &i.to_string());
        }
        let kept: Vec<_> = log.lines().into_iter().map(|l| l.message).collect();
        assert_eq!(kept, ["3", "4"]);
    }

    #[test]
    fn one_tenants_flood_leaves_another_tenants_lines_and_rate_alone() {
        let log = ModuleLog::new(LogLimits {
            lines_per_second: 1,
            burst: 3,
            retained_lines: 2,
            ..LogLimits::default()
        });
        log.append("b", LogLevel::Info, "b-before");
        for i in 0..50 {
            log.append("a", LogLevel::Info, &i.to_string());
        }
        assert!(log.append("b", LogLevel::Info, "b-after"), "tenant b's rate is its own");
        let b: Vec<_> = log.lines_of("b").into_iter().map(|l| l.message).collect();
        assert_eq!(b, ["b-before", "b-after"]);
        assert_eq!(log.dropped_of("b"), 0);
        assert_eq!(log.dropped_of("a"), 47);
        let all: Vec<_> = log.lines().into_iter().map(|l| l.message).collect();
        assert_eq!(all, ["b-before", "1", "2", "b-after"]);
    }

    #[test]
    fn a_reader_following_the_log_misses_no_line_when_old_ones_are_evicted() {
        let log = ModuleLog::new(LogLimits {
            retained_lines: 2,
            ..LogLimits::default()
        });
        log.append("t", LogLevel::Info, "0");
        let (first, next) = log.lines_of_from("t", 0);
        assert_eq!(first.len(), 1);
        for i in 1..3 {
            log.append("t", LogLevel::Info, &i.to_string());
        }
        let (new, next) = log.lines_of_from("t", next);
        let new: Vec<_> = new.into_iter().map(|l| l.message).collect();
        assert_eq!(new, ["1", "2"], "the log is full, yet both new lines are read");
        assert!(log.lines_of_from("t", next).0.is_empty());
    }
}
