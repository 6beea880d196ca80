//! Host side of `modgate:host/log`.

use crate::bindings::modgate::host::log::{Host, Level};
use crate::engine::CapabilityView;
use crate::engine::module_log::LogLevel;

use super::Log;

impl Host for CapabilityView<'_, Log> {
    async fn log(&mut self, level: Level, message: String) {
        // Logging is not a data operation: it is bounded by the log's own
        // size, count and rate limits rather than the op budget.
        let level = match level {
            Level::Trace => LogLevel::Trace,
            Level::Debug => LogLevel::Debug,
            Level::Info => LogLevel::Info,
            Level::Warn => LogLevel::Warn,
            Level::Error => LogLevel::Error,
        };
        self.core.write_log(level, &message);
    }
}
