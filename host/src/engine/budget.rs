//! Budgets: what one invocation may spend, per invocation context (SPEC §5).

use std::sync::{Arc, Mutex};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// Why the host is calling into a module; each context has its own budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvocationContext {
    /// Serving an HTTP request under the module's mount.
    Http,
    /// A before-hook (may reject or adjust; no data operations).
    HookBefore,
    /// An after-hook.
    HookAfter,
    /// Delivering an event.
    Event,
    /// Rendering a storefront slot.
    Slot,
    /// The `lifecycle.activate` call at install, upgrade or re-configuration.
    Activate,
}

impl InvocationContext {
    /// Every context.
    pub const ALL: [InvocationContext; 6] = [
        InvocationContext::Http,
        InvocationContext::HookBefore,
        InvocationContext::HookAfter,
        InvocationContext::Event,
        InvocationContext::Slot,
        InvocationContext::Activate,
    ];

    /// Stable lowercase name, as in configuration and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            InvocationContext::Http => "http",
            InvocationContext::HookBefore => "hook-before",
            InvocationContext::HookAfter => "hook-after",
            InvocationContext::Event => "event",
            InvocationContext::Slot => "slot",
            InvocationContext::Activate => "activate",
        }
    }
}

impl std::fmt::Display for InvocationContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one invocation may spend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Capability operations counted by the host; past it a capability call
    /// returns `budget-exhausted` (the guest may handle it).
    pub ops: u32,
    /// Wasm instructions (fuel); past it the invocation is stopped.
    pub fuel: u64,
    /// Wall-clock deadline, enforced with epochs (also preempts busy loops).
    pub wall_clock: Duration,
}

/// One [`Budget`] per [`InvocationContext`], operator-configurable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budgets {
    /// `http`: 1000 ops, 100 M fuel, 5 s.
    pub http: Budget,
    /// `hook-before`: 0 data ops, 10 M fuel, 500 ms.
    pub hook_before: Budget,
    /// `hook-after`: 100 ops, 20 M fuel, 2 s.
    pub hook_after: Budget,
    /// `event`: 100 ops, 20 M fuel, 2 s.
    pub event: Budget,
    /// `slot`: 10 ops, 5 M fuel, 200 ms.
    pub slot: Budget,
    /// `activate`: as `http` (1000 ops, 100 M fuel, 5 s).
    pub activate: Budget,
}

impl Default for Budgets {
    fn default() -> Self {
        let http = Budget {
            ops: 1000,
            fuel: 100_000_000,
            wall_clock: Duration::from_secs(5),
        };
        let after = Budget {
            ops: 100,
            fuel: 20_000_000,
            wall_clock: Duration::from_secs(2),
        };
        Budgets {
            http,
            hook_before: Budget {
                ops: 0,
                fuel: 10_000_000,
                wall_clock: Duration::from_millis(500),
            },
            hook_after: after,
            event: after,
            slot: Budget {
                ops: 10,
                fuel: 5_000_000,
                wall_clock: Duration::from_millis(200),
            },
            activate: http,
        }
    }
}

impl Budgets {
    /// The budget for a context.
    pub fn for_context(&self, context: InvocationContext) -> Budget {
        match context {
            InvocationContext::Http => self.http,
            InvocationContext::HookBefore => self.hook_before,
            InvocationContext::HookAfter => self.hook_after,
            InvocationContext::Event => self.event,
            InvocationContext::Slot => self.slot,
            InvocationContext::Activate => self.activate,
        }
    }

    /// Replaces the budget of one context.
    pub fn set(&mut self, context: InvocationContext, budget: Budget) {
        let slot = match context {
            InvocationContext::Http => &mut self.http,
            InvocationContext::HookBefore => &mut self.hook_before,
            InvocationContext::HookAfter => &mut self.hook_after,
            InvocationContext::Event => &mut self.event,
            InvocationContext::Slot => &mut self.slot,
            InvocationContext::Activate => &mut self.activate,
        };
        *slot = budget;
    }
}

/// Counts the capability operations of one invocation, and which
/// operations they were and which component of the module called them (for
/// the usage audit). Clones share the count, so host code that cannot
/// borrow the invocation's state (a wasmtime-wasi-http hook) takes from the
/// same budget.
#[derive(Debug, Clone)]
pub struct OpsCounter {
    limit: u32,
    shared: Arc<OpsShared>,
}

#[derive(Debug, Default)]
struct OpsShared {
    used: AtomicU32,
    tally: Mutex<Tally>,
}

/// Calls per (path, operation), refused ones included: a call the budget
/// refused still shows the module uses the capability. Few distinct
/// entries per invocation, so a list beats a map.
#[derive(Debug, Default)]
struct Tally {
    /// The component running now (see [`OpsCounter::enter`]).
    path: Arc<str>,
    calls: Vec<OpCalls>,
}

/// How often one component of a module called one capability operation in
/// an invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpCalls {
    /// The component's path from the main one: the module's name for the
    /// main component, `wishlist>fetcher` for a dependency it called.
    pub path: Arc<str>,
    /// The operation, e.g. `products.get`.
    pub operation: &'static str,
    /// Calls, refused ones included.
    pub calls: u32,
}

impl OpsCounter {
    /// A counter allowing `limit` operations, attributing them to `path`
    /// until [`Self::enter`] says otherwise.
    pub fn new(limit: u32, path: Arc<str>) -> Self {
        let shared = OpsShared {
            used: AtomicU32::new(0),
            tally: Mutex::new(Tally { path, calls: Vec::new() }),
        };
        OpsCounter { limit, shared: Arc::new(shared) }
    }

    /// Takes one `operation`; `false` when the budget is used up (nothing
    /// is taken then, but the call is tallied).
    pub fn try_take(&self, operation: &'static str) -> bool {
        {
            let mut tally = self.tally();
            let Tally { path, calls } = &mut *tally;
            let same_path = |c: &OpCalls| Arc::ptr_eq(&c.path, path) || c.path == *path;
            match calls.iter_mut().find(|c| c.operation == operation && same_path(c)) {
                Some(found) => found.calls = found.calls.saturating_add(1),
                None => calls.push(OpCalls { path: path.clone(), operation, calls: 1 }),
            }
        }
        self.shared
            .used
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| (used < self.limit).then_some(used + 1))
            .is_ok()
    }

    /// Operations taken so far.
    pub fn used(&self) -> u32 {
        self.shared.used.load(Ordering::Relaxed)
    }

    /// The limit.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// Attributes what follows to the dependency `name` called by the
    /// component running now; returns that component's path, for
    /// [`Self::leave`].
    pub(crate) fn enter(&self, name: &str) -> Arc<str> {
        let mut tally = self.tally();
        let next: Arc<str> = Arc::from(format!("{}>{name}", tally.path));
        std::mem::replace(&mut tally.path, next)
    }

    /// Attributes what follows to `caller` again (what [`Self::enter`] returned).
    pub(crate) fn leave(&self, caller: Arc<str>) {
        self.tally().path = caller;
    }

    /// Calls per operation name so far (`products.get`, `tables.query`, …),
    /// whichever component made them.
    pub fn calls(&self) -> Vec<(&'static str, u32)> {
        let mut totals: Vec<(&'static str, u32)> = Vec::new();
        for call in &self.tally().calls {
            match totals.iter_mut().find(|(operation, _)| *operation == call.operation) {
                Some((_, count)) => *count = count.saturating_add(call.calls),
                None => totals.push((call.operation, call.calls)),
            }
        }
        totals
    }

    /// Calls per (component path, operation) so far.
    pub fn calls_by_path(&self) -> Vec<OpCalls> {
        self.tally().calls.clone()
    }

    fn tally(&self) -> std::sync::MutexGuard<'_, Tally> {
        self.shared.tally.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_spec_table() {
        let b = Budgets::default();
        assert_eq!(b.http.ops, 1000);
        assert_eq!(b.hook_before.ops, 0);
        assert_eq!(b.slot.wall_clock, Duration::from_millis(200));
        assert_eq!(b.event.fuel, 20_000_000);
    }

    #[test]
    fn ops_counter_stops_at_its_limit() {
        let ops = OpsCounter::new(2, "wishlist".into());
        assert!(ops.try_take("products.get"));
        assert!(ops.try_take("products.get"));
        assert!(!ops.try_take("tables.query"));
        assert_eq!(ops.used(), 2);
    }

    #[test]
    fn every_call_is_tallied_by_operation_refused_ones_too() {
        let ops = OpsCounter::new(2, "wishlist".into());
        let shared = ops.clone();
        ops.try_take("products.get");
        shared.try_take("tables.query");
        ops.try_take("products.get");
        assert_eq!(ops.calls(), vec![("products.get", 2), ("tables.query", 1)]);
    }

    #[test]
    fn a_zero_budget_refuses_the_first_operation() {
        assert!(!OpsCounter::new(0, "wishlist".into()).try_take("events.emit"));
    }

    #[test]
    fn calls_are_attributed_to_the_component_running() {
        let ops = OpsCounter::new(10, "wishlist".into());
        ops.try_take("products.get");
        let main = ops.enter("greeter");
        ops.try_take("products.get");
        let greeter = ops.enter("casing");
        ops.try_take("log.write");
        ops.leave(greeter);
        ops.leave(main);
        ops.try_take("products.get");
        let calls = ops.calls_by_path();
        let by_path: Vec<(&str, &str, u32)> = calls.iter().map(|c| (&*c.path, c.operation, c.calls)).collect();
        assert_eq!(
            by_path,
            [
                ("wishlist", "products.get", 2),
                ("wishlist>greeter", "products.get", 1),
                ("wishlist>greeter>casing", "log.write", 1),
            ]
        );
        assert_eq!(ops.calls(), vec![("products.get", 3), ("log.write", 1)]);
    }
}
