//! The oracle: how a [`Shape`] must end under the host's rules, replayed
//! without the host — the component caps and the pool's slot sizes at
//! install, then, in instantiation order, one memory budget for memories,
//! tables and host objects (`host/src/engine/memory.rs`), the per-table
//! element cap and the handle cap.

use std::collections::BTreeSet;

use super::{Counts, HEADER_NAME, OnRefusal, PAGE, Shape};

/// Handles the host may hold for the invocation before the generated parts.
pub const BASE_HANDLES: usize = 8;

const TABLE_ELEMENT_BYTES: usize = 8;
/// `HANDLE_BYTES` and `ENTRY_BYTES` of `host/src/capabilities/http_types/accounted.rs`.
const FIELDS_BYTES: usize = 64;
const ENTRY_BYTES: usize = 32;

/// The limits the oracle replays (the engine's configuration).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub memory_bytes: usize,
    pub table_elements: usize,
    pub handles: usize,
    pub core_instances: u32,
    pub memories: u32,
    pub tables: u32,
}

/// How a case may end: refused at install with these codes, or invoked
/// with one of these outcomes (`ok` or an `InvocationError::kind`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Allowed {
    Refused(Vec<&'static str>),
    Invoked(BTreeSet<&'static str>),
}

/// What the `minimal` component creates and is charged before the
/// generated parts are instantiated.
#[derive(Debug, Clone, Copy)]
pub struct Base {
    pub counts: Counts,
    pub bytes: usize,
}

impl Base {
    /// Read from `minimal`'s text (`wasmprinter`): the memories and tables
    /// its core modules define, at their declared minimum.
    pub fn of_minimal(wat: &str, counts: Counts) -> Base {
        let minimum = |prefix: &str| -> Vec<usize> {
            wat.lines()
                .filter_map(|line| line.trim().strip_prefix(prefix))
                .filter_map(|rest| {
                    rest.split(";)")
                        .nth(1)?
                        .split_whitespace()
                        .next()?
                        .trim_end_matches(')')
                        .parse()
                        .ok()
                })
                .collect()
        };
        let pages: usize = minimum("(memory (;").iter().sum();
        let elements: usize = minimum("(table (;").iter().sum();
        Base {
            counts,
            bytes: pages * PAGE + elements * TABLE_ELEMENT_BYTES,
        }
    }
}

impl Shape {
    /// How this case may end under `limits`, given the `minimal`
    /// component's own counts.
    pub fn allowed(&self, base: Base, limits: &Limits) -> Allowed {
        let c = self.counts();
        let (base, used) = (base.counts, base.bytes);
        let over = [
            (
                "too-many-instances",
                base.core_instances + c.core_instances,
                limits.core_instances,
            ),
            (
                "too-many-memories",
                base.memories + c.memories,
                limits.memories,
            ),
            ("too-many-tables", base.tables + c.tables, limits.tables),
        ];
        let refused: Vec<&'static str> = over
            .iter()
            .filter(|(_, n, cap)| n > cap)
            .map(|(code, _, _)| *code)
            .collect();
        if !refused.is_empty() {
            return Allowed::Refused(refused);
        }
        // The pool's slots are sized from the memory limit and the element
        // cap: wasmtime refuses a larger declared minimum when it compiles.
        let oversized = self
            .memories
            .iter()
            .any(|m| m.min_pages as usize * PAGE > limits.memory_bytes)
            || self
                .tables
                .iter()
                .any(|t| t.min as usize > limits.table_elements);
        if oversized {
            return Allowed::Refused(vec!["invalid-component"]);
        }
        let outcomes = [
            replay(self, limits, used, 0),
            replay(self, limits, used, BASE_HANDLES),
        ];
        Allowed::Invoked(outcomes.into_iter().collect())
    }
}

/// One instantiation under the host's rules, `used` bytes and `handles`
/// already taken: `ok`, `out-of-memory`, `resource-limit` or `trap`.
fn replay(shape: &Shape, limits: &Limits, used: usize, handles: usize) -> &'static str {
    let mut budget = Budget {
        used,
        limit: limits.memory_bytes,
        refused: false,
    };
    // A failure outside wasm code (instantiation, a host call) or a trap is
    // reported as out-of-memory once any charge was refused.
    let failed = |budget: &Budget, otherwise: &'static str| {
        if budget.refused {
            "out-of-memory"
        } else {
            otherwise
        }
    };
    for m in &shape.memories {
        for _ in 0..m.instances {
            let mut pages = m.min_pages as usize;
            if !budget.charge(pages * PAGE) {
                return "out-of-memory";
            }
            for _ in 0..m.grows {
                let desired = pages + m.grow_step as usize;
                let grown = m.max_pages.is_none_or(|max| desired <= max as usize)
                    && budget.charge(m.grow_step as usize * PAGE);
                if grown {
                    pages = desired;
                } else if m.on_refusal == OnRefusal::Trap {
                    return failed(&budget, "trap");
                }
            }
        }
    }
    for t in &shape.tables {
        for _ in 0..t.instances {
            let cap = t.max.map_or(limits.table_elements, |m| {
                (m as usize).min(limits.table_elements)
            });
            if t.min as usize > cap {
                // Below the element cap but above the table's own maximum:
                // the module is invalid, wasmtime refuses it at install.
                unreachable!("a table's minimum above its maximum is not generated");
            }
            if !budget.charge(t.min as usize * TABLE_ELEMENT_BYTES) {
                return "out-of-memory";
            }
            let grown = (t.min + t.grow) as usize <= cap
                && budget.charge(t.grow as usize * TABLE_ELEMENT_BYTES);
            if !grown && t.on_refusal == OnRefusal::Trap {
                return failed(&budget, "trap");
            }
        }
    }
    if let Some(n) = &shape.nested {
        for _ in 0..n.memories * n.times {
            if !budget.charge(PAGE) {
                return "out-of-memory";
            }
        }
    }
    if let Some(f) = &shape.flood {
        if !budget.charge(f.pages() * PAGE) {
            return "out-of-memory";
        }
        let mut live = handles;
        for _ in 0..f.maps {
            if !budget.charge(FIELDS_BYTES) {
                return "out-of-memory";
            }
            live += 1;
            if live > limits.handles {
                return failed(&budget, "resource-limit");
            }
            if !budget.charge(HEADER_NAME.len() + f.value_bytes as usize + ENTRY_BYTES) {
                return "out-of-memory";
            }
            if !f.keep {
                live -= 1;
            }
        }
    }
    "ok"
}

struct Budget {
    used: usize,
    limit: usize,
    refused: bool,
}

impl Budget {
    fn charge(&mut self, bytes: usize) -> bool {
        if self.used + bytes > self.limit {
            self.refused = true;
            return false;
        }
        self.used += bytes;
        true
    }
}
