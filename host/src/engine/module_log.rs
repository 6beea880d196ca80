//! The bounded log of one module: lines from the `log` capability and the
//! captured stdout/stderr of WASI guests.
//!
//! Bounded three ways: each line is truncated to a maximum size, each
//! invocation may write a maximum number of lines, and each module has a
//! token-bucket rate. Only the newest lines are retained. Dropped lines are
//! counted, never silently lost.

use std::collections::VecDeque;
use std::num::NonZeroU32;
use std::sync::Mutex;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

/// Limits of module logs. Every knob has a default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogLimits {
    /// A longer line is cut (on a character boundary) and marked. Default 2048 bytes.
    pub max_line_bytes: usize,
    /// Lines one invocation may write; more are dropped. Default 100.
    pub max_lines_per_invocation: u32,
    /// Sustained lines per second per module. Default 50.
    pub lines_per_second: u32,
    /// Burst above the sustained rate. Default 200.
    pub burst: u32,
    /// Lines kept per module (oldest evicted first). Default 1000.
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
    rate: DefaultDirectRateLimiter,
    state: Mutex<Retained>,
}

#[derive(Default)]
struct Retained {
    lines: VecDeque<LogLine>,
    dropped: u64,
}

impl ModuleLog {
    /// An empty log with the given limits.
    pub fn new(limits: LogLimits) -> Self {
        let per_second = NonZeroU32::new(limits.lines_per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(limits.burst.max(1)).unwrap_or(NonZeroU32::MIN);
        ModuleLog {
            limits,
            rate: RateLimiter::direct(Quota::per_second(per_second).allow_burst(burst)),
            state: Mutex::new(Retained::default()),
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> LogLimits {
        self.limits
    }

    /// Appends a line unless the module's rate is exceeded; truncates long
    /// lines. Returns whether it was kept.
    pub fn append(&self, tenant: &str, level: LogLevel, message: &str) -> bool {
        if self.rate.check().is_err() {
            self.count_dropped(1);
            return false;
        }
        let message = truncate(message, self.limits.max_line_bytes);
        tracing::debug!(target: "modgate::module_log", tenant, ?level, %message);
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.lines.len() >= self.limits.retained_lines.max(1) {
            state.lines.pop_front();
        }
        state.lines.push_back(LogLine {
            tenant: tenant.to_owned(),
            level,
            message,
        });
        true
    }

    /// Records lines dropped before reaching the log (e.g. per-invocation cap).
    pub fn count_dropped(&self, lines: u64) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.dropped = state.dropped.saturating_add(lines);
    }

    /// The retained lines, oldest first.
    pub fn lines(&self) -> Vec<LogLine> {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.lines.iter().cloned().collect()
    }

    /// How many lines were dropped (rate, per-invocation cap) so far.
    pub fn dropped(&self) -> u64 {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).dropped
    }
}

impl std::fmt::Debug for ModuleLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModuleLog").field("limits", &self.limits).finish()
    }
}

/// Cuts `text` to at most `max` bytes on a character boundary, marking the cut.
fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    const MARK: &str = "…[truncated]";
    let mut end = max.saturating_sub(MARK.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{MARK}", &text[..end])
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
}
