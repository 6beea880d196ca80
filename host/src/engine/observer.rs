//! Who hears how each invocation ended: the operator's metrics and the usage
//! audit subscribe here ([`EngineConfig::observers`]). The engine reports
//! facts only — who, what context, how it ended, what it spent, which
//! capability operations it called — and knows none of its listeners.
//!
//! [`EngineConfig::observers`]: crate::engine::EngineConfig::observers

use std::sync::Arc;
use std::time::Duration;

use crate::engine::budget::{InvocationContext, OpCalls};
use crate::engine::error::InvocationError;
use crate::tenant::TenantId;

/// One finished invocation (or one refused at admission as `busy`).
#[derive(Debug, Clone, Copy)]
pub struct InvocationRecord<'a> {
    /// The module.
    pub module: &'a str,
    /// The tenant it ran for.
    pub tenant: &'a TenantId,
    /// Why it was called.
    pub context: InvocationContext,
    /// `None` when the export returned — a typed refusal the module
    /// answered with included, since that is the module's answer — or why
    /// the invocation failed.
    pub error: Option<&'a InvocationError>,
    /// Wall-clock time from admission to the end.
    pub elapsed: Duration,
    /// Wasm instructions executed (0 with metering off).
    pub fuel_used: u64,
    /// Capability operations taken.
    pub ops_used: u32,
    /// The most the invocation held at once: linear memories, tables and
    /// the host-side state it caused.
    pub memory_peak_bytes: usize,
    /// Calls per capability operation (`products.get`, `tables.query`, …),
    /// refused ones included.
    pub op_calls: &'a [(&'static str, u32)],
    /// The same calls by the component of the module that made them: the
    /// module's name for the main component, `wishlist>fetcher` for a
    /// dependency component it called.
    pub path_calls: &'a [OpCalls],
}

/// Hears about every invocation. Called on the invocation's own task right
/// after it ends, so it must be quick and must not block: count, then
/// return.
pub trait InvocationObserver: Send + Sync {
    /// One invocation ended.
    fn finished(&self, record: &InvocationRecord<'_>);
}

/// The observers an engine reports to (none by default).
#[derive(Clone, Default)]
pub struct InvocationObservers(Vec<Arc<dyn InvocationObserver>>);

impl InvocationObservers {
    /// Adds `observer`.
    pub fn with(mut self, observer: Arc<dyn InvocationObserver>) -> Self {
        self.0.push(observer);
        self
    }

    /// Whether nobody listens (the engine then skips gathering the record).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn finished(&self, record: &InvocationRecord<'_>) {
        for observer in &self.0 {
            observer.finished(record);
        }
    }
}

impl std::fmt::Debug for InvocationObservers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "InvocationObservers({})", self.0.len())
    }
}
