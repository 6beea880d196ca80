//! The per-instance memory limit, and remembering that it was hit so an
//! allocation failure is reported as out-of-memory rather than a bare trap.

/// A `wasmtime::ResourceLimiter` for one invocation.
#[derive(Debug, Clone)]
pub struct MemoryLimiter {
    max_memory_bytes: usize,
    max_table_elements: usize,
    refused_growth_to: Option<usize>,
}

impl MemoryLimiter {
    /// Limits linear memory to `max_memory_bytes` and tables to `max_table_elements`.
    pub fn new(max_memory_bytes: usize, max_table_elements: usize) -> Self {
        MemoryLimiter {
            max_memory_bytes,
            max_table_elements,
            refused_growth_to: None,
        }
    }

    /// The size a memory growth was refused at, if one was.
    pub fn refused_growth_to(&self) -> Option<usize> {
        self.refused_growth_to
    }

    /// The memory limit in bytes.
    pub fn max_memory_bytes(&self) -> usize {
        self.max_memory_bytes
    }
}

impl wasmtime::ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let cap = maximum.map_or(self.max_memory_bytes, |m| m.min(self.max_memory_bytes));
        if desired > cap {
            self.refused_growth_to = Some(desired);
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let cap = maximum.map_or(self.max_table_elements, |m| m.min(self.max_table_elements));
        Ok(desired <= cap)
    }
}
