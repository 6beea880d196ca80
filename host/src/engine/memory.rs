//! One invocation's memory budget: every linear memory and table of the
//! component, and the host-side state the guest causes, share one limit.
//!
//! Why one sum: a component may contain many core instances, each with its
//! own memory. Limiting each memory alone lets one request take the limit
//! times the number of memories; limiting the sum does not. Host-side
//! objects a guest creates through linked interfaces (HTTP fields, bodies,
//! captured output, the buffered response) are charged to the same budget,
//! so "64 MiB per invocation" means what it says.
//!
//! Guest memory is charged as it grows and never shrinks (wasm memories do
//! not). Host-side objects are charged when created or grown and the charge
//! is **not** returned when they are dropped: a guest that churns objects
//! runs out like one that hoards them, which is what makes creating objects
//! through "inert" interfaces cost something.
//!
//! The budget is shared (`Arc`, atomics) because the buffered HTTP response
//! is collected outside the store, by the host task that reads it.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use crate::sync::lock;

/// Bytes charged per table element: a table holds pointers.
pub const TABLE_ELEMENT_BYTES: usize = 8;

/// Which part of the budget a refusal came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemoryUse {
    /// A linear memory tried to grow.
    LinearMemory,
    /// A table tried to grow.
    Table,
    /// A host-side object the guest asked for (named).
    Host(&'static str),
}

impl std::fmt::Display for MemoryUse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MemoryUse::LinearMemory => f.write_str("linear memory"),
            MemoryUse::Table => f.write_str("a table"),
            MemoryUse::Host(what) => write!(f, "host-side {what}"),
        }
    }
}

/// The first refusal of an invocation: what asked, and how far over it went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryRefusal {
    /// What asked for the memory.
    pub by: MemoryUse,
    /// The total the invocation would have held, in bytes.
    pub total_asked: usize,
}

/// The shared counters of one invocation's memory.
#[derive(Debug)]
pub struct InvocationMemory {
    limit: usize,
    guest: AtomicUsize,
    host: AtomicUsize,
    refusal: Mutex<Option<MemoryRefusal>>,
}

/// A refusal raised into the guest's call stack (from a host function or a
/// growth): the invocation ends with it, classified as out-of-memory.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the invocation's memory limit of {limit} bytes is reached ({by} asked for {total_asked} bytes in total)")]
pub struct MemoryLimitReached {
    /// The limit.
    pub limit: usize,
    /// What asked.
    pub by: MemoryUse,
    /// The total it would have taken.
    pub total_asked: usize,
}

impl InvocationMemory {
    /// A budget of `limit` bytes, nothing used.
    pub fn new(limit: usize) -> Arc<Self> {
        Arc::new(InvocationMemory {
            limit,
            guest: AtomicUsize::new(0),
            host: AtomicUsize::new(0),
            refusal: Mutex::new(None),
        })
    }

    /// The limit in bytes.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Bytes held by linear memories and tables.
    pub fn guest_bytes(&self) -> usize {
        self.guest.load(Ordering::Relaxed)
    }

    /// Bytes charged for host-side state.
    pub fn host_bytes(&self) -> usize {
        self.host.load(Ordering::Relaxed)
    }

    /// Everything charged so far.
    pub fn used(&self) -> usize {
        self.guest_bytes().saturating_add(self.host_bytes())
    }

    /// The first refusal, if any.
    pub fn refusal(&self) -> Option<MemoryRefusal> {
        *lock(&self.refusal)
    }

    /// Charges `bytes` of host-side state for `what`, or refuses (and
    /// remembers the refusal) when the invocation's total would pass the limit.
    pub fn charge_host(&self, what: &'static str, bytes: usize) -> Result<(), MemoryLimitReached> {
        self.charge(&self.host, &self.guest, MemoryUse::Host(what), bytes)
    }

    /// Charges guest growth (memories, tables).
    fn charge_guest(&self, by: MemoryUse, bytes: usize) -> Result<(), MemoryLimitReached> {
        self.charge(&self.guest, &self.host, by, bytes)
    }

    /// Adds `bytes` to `counter` unless `counter + other + bytes` passes the
    /// limit. The store and the response collector may charge at the same
    /// time; the compare-exchange keeps the sum exact.
    fn charge(
        &self,
        counter: &AtomicUsize,
        other: &AtomicUsize,
        by: MemoryUse,
        bytes: usize,
    ) -> Result<(), MemoryLimitReached> {
        let mut current = counter.load(Ordering::Relaxed);
        loop {
            let total = current
                .saturating_add(other.load(Ordering::Relaxed))
                .saturating_add(bytes);
            if total > self.limit {
                let mut refusal = lock(&self.refusal);
                refusal.get_or_insert(MemoryRefusal { by, total_asked: total });
                return Err(MemoryLimitReached {
                    limit: self.limit,
                    by,
                    total_asked: total,
                });
            }
            match counter.compare_exchange_weak(current, current.saturating_add(bytes), Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return Ok(()),
                Err(actual) => current = actual,
            }
        }
    }
}

/// Per-store caps wasmtime checks while instantiating, plus the memory
/// budget for growth. Installed with `Store::limiter`.
#[derive(Debug, Clone)]
pub struct MemoryLimiter {
    memory: Arc<InvocationMemory>,
    max_table_elements: usize,
    max_instances: usize,
    max_memories: usize,
    max_tables: usize,
}

/// The counts a component may have, checked at install and again by
/// wasmtime at every instantiation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComponentCaps {
    /// Core instances per component.
    pub core_instances: u32,
    /// Linear memories per component.
    pub memories: u32,
    /// Tables per component.
    pub tables: u32,
}

impl MemoryLimiter {
    /// A limiter charging `memory`, with at most `max_table_elements` per
    /// table and the component's caps on instance, memory and table counts.
    pub fn new(memory: Arc<InvocationMemory>, max_table_elements: usize, caps: ComponentCaps) -> Self {
        MemoryLimiter {
            memory,
            max_table_elements,
            // The component instance itself counts as one more instance.
            max_instances: caps.core_instances as usize + 1,
            max_memories: caps.memories as usize,
            max_tables: caps.tables as usize,
        }
    }

    /// The same limiter for a store holding `components` component
    /// instances (a module with dependency components): each component's
    /// caps, once per component. The memory budget stays the invocation's.
    pub fn for_components(mut self, components: usize) -> Self {
        self.max_instances = self.max_instances.saturating_mul(components);
        self.max_memories = self.max_memories.saturating_mul(components);
        self.max_tables = self.max_tables.saturating_mul(components);
        self
    }

    /// The invocation's memory budget.
    pub fn memory(&self) -> &Arc<InvocationMemory> {
        &self.memory
    }
}

impl wasmtime::ResourceLimiter for MemoryLimiter {
    fn memory_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        if maximum.is_some_and(|max| desired > max) {
            return Ok(false);
        }
        Ok(self
            .memory
            .charge_guest(MemoryUse::LinearMemory, desired.saturating_sub(current))
            .is_ok())
    }

    fn table_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        let cap = maximum.map_or(self.max_table_elements, |m| m.min(self.max_table_elements));
        if desired > cap {
            return Ok(false);
        }
        let grown = desired.saturating_sub(current).saturating_mul(TABLE_ELEMENT_BYTES);
        Ok(self.memory.charge_guest(MemoryUse::Table, grown).is_ok())
    }

    fn instances(&self) -> usize {
        self.max_instances
    }

    fn memories(&self) -> usize {
        self.max_memories
    }

    fn tables(&self) -> usize {
        self.max_tables
    }
}

#[cfg(test)]
mod tests {
    use wasmtime::ResourceLimiter;

    use super::*;

    const CAPS: ComponentCaps = ComponentCaps { core_instances: 4, memories: 4, tables: 4 };

    #[test]
    fn several_memories_share_one_limit() {
        let memory = InvocationMemory::new(10 << 20);
        let mut limiter = MemoryLimiter::new(memory.clone(), 1000, CAPS);
        assert!(limiter.memory_growing(0, 4 << 20, None).unwrap());
        assert!(limiter.memory_growing(0, 4 << 20, None).unwrap());
        // A third memory of 4 MiB would make 12 MiB: refused, and remembered.
        assert!(!limiter.memory_growing(0, 4 << 20, None).unwrap());
        assert_eq!(memory.guest_bytes(), 8 << 20);
        assert_eq!(
            memory.refusal(),
            Some(MemoryRefusal { by: MemoryUse::LinearMemory, total_asked: 12 << 20 })
        );
    }

    #[test]
    fn host_state_counts_against_the_same_limit() {
        let memory = InvocationMemory::new(1 << 20);
        let mut limiter = MemoryLimiter::new(memory.clone(), 1000, CAPS);
        memory.charge_host("fields", 900 << 10).unwrap();
        assert!(!limiter.memory_growing(0, 200 << 10, None).unwrap());
        let refused = memory.charge_host("fields", 200 << 10).unwrap_err();
        assert_eq!(refused.by, MemoryUse::Host("fields"));
        assert_eq!(memory.used(), 900 << 10);
    }

    #[test]
    fn tables_are_charged_per_element_and_capped_in_elements() {
        let memory = InvocationMemory::new(1 << 20);
        let mut limiter = MemoryLimiter::new(memory.clone(), 1000, CAPS);
        assert!(limiter.table_growing(0, 1000, None).unwrap());
        assert_eq!(memory.guest_bytes(), 1000 * TABLE_ELEMENT_BYTES);
        assert!(!limiter.table_growing(1000, 1001, None).unwrap());
    }

    #[test]
    fn growth_past_a_memory_declared_maximum_is_refused_without_charge() {
        let memory = InvocationMemory::new(1 << 20);
        let mut limiter = MemoryLimiter::new(memory.clone(), 1000, CAPS);
        assert!(!limiter.memory_growing(0, 2 << 16, Some(1 << 16)).unwrap());
        assert_eq!(memory.used(), 0);
        assert_eq!(memory.refusal(), None);
    }

    #[test]
    fn instance_counts_follow_the_component_caps() {
        let limiter = MemoryLimiter::new(InvocationMemory::new(1), 1, CAPS);
        assert_eq!(limiter.instances(), 5);
        assert_eq!(limiter.memories(), 4);
        assert_eq!(limiter.tables(), 4);
    }
}
