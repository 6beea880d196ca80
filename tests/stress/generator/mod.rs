//! A seeded generator of hostile components and the outcome each one must
//! have: random numbers of linear memories (random minimum, maximum and
//! growth, touching every page), tables (random sizes and growth), core
//! instances, nested component instantiations and floods of `wasi:http`
//! header maps (kept alive or dropped), appended to the `minimal` test
//! component so its `lifecycle` export still answers. Everything runs at
//! instantiation (core start functions), inside the invocation's budget.
//!
//! Three parts: the shapes and their random generation (here), the
//! component text (`wat.rs`) and the oracle (`oracle.rs`):
//! [`Shape::allowed`] replays the host's rules on the shape —
//! the component caps at install, then one memory budget for memories,
//! tables and host objects, the per-table element cap and the handle cap,
//! in instantiation order — so a case is judged without running the host.
//! The `minimal` component's own memory and table are charged first
//! ([`Base::of_minimal`]); the handles the host may hold besides the
//! flood's are not known to the one, so the replay runs with none and with
//! [`oracle::BASE_HANDLES`], and either verdict is accepted.

mod oracle;
mod wat;

pub use oracle::{Allowed, Base, Limits};

/// The deterministic PRNG: splitmix64.
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    pub fn range(&mut self, low: u32, high: u32) -> u32 {
        low + (self.next() % u64::from(high - low + 1)) as u32
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.range(0, 99) < percent
    }
}

/// Bytes of a wasm page.
const PAGE: usize = 64 << 10;
/// The name of the one header every flooded map gets.
const HEADER_NAME: &str = "x-a";

/// What a failed `memory.grow` / `table.grow` makes the guest do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnRefusal {
    /// `unreachable`, as a language's allocator aborts.
    Trap,
    /// Carry on.
    Ignore,
}

/// One core module with one linear memory, instantiated `instances` times.
#[derive(Debug, Clone)]
pub struct MemorySpec {
    pub min_pages: u32,
    pub max_pages: Option<u32>,
    pub grow_step: u32,
    pub grows: u32,
    pub on_refusal: OnRefusal,
    pub instances: u32,
}

/// One core module with one table, instantiated `instances` times.
#[derive(Debug, Clone)]
pub struct TableSpec {
    pub min: u32,
    pub max: Option<u32>,
    pub grow: u32,
    pub on_refusal: OnRefusal,
    pub instances: u32,
}

/// A nested component of `memories` one-page memory instances,
/// instantiated `times` times.
#[derive(Debug, Clone)]
pub struct NestedSpec {
    pub memories: u32,
    pub times: u32,
}

/// `maps` header maps, each given one value of `value_bytes`, kept alive or
/// dropped at once.
#[derive(Debug, Clone)]
pub struct FloodSpec {
    pub maps: u32,
    pub value_bytes: u32,
    pub keep: bool,
}

/// A generated component.
#[derive(Debug, Clone)]
pub struct Shape {
    pub seed: u64,
    pub memories: Vec<MemorySpec>,
    pub tables: Vec<TableSpec>,
    pub empty_instances: u32,
    pub nested: Option<NestedSpec>,
    pub flood: Option<FloodSpec>,
}

impl FloodSpec {
    /// Pages of the flood's own memory: the name, the result area and one value.
    fn pages(&self) -> usize {
        (64 + self.value_bytes as usize).div_ceil(PAGE)
    }
}

/// What one instantiation creates, as the host counts it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub core_instances: u32,
    pub memories: u32,
    pub tables: u32,
}

impl Shape {
    /// A random shape from `seed`: sizes straddle the default caps and the
    /// memory limit, so refusals, budget ends and successes all occur.
    pub fn generate(seed: u64) -> Shape {
        let mut rng = Rng::new(seed);
        let memories = (0..rng.range(0, 2))
            .map(|_| {
                let min_pages = match rng.range(0, 9) {
                    0..=4 => rng.range(0, 16),
                    5..=7 => rng.range(16, 600),
                    _ => rng.range(600, 1100),
                };
                MemorySpec {
                    min_pages,
                    max_pages: rng.chance(40).then(|| min_pages + rng.range(0, 64)),
                    grow_step: rng.range(1, 256),
                    grows: rng.range(0, 8),
                    on_refusal: if rng.chance(50) {
                        OnRefusal::Trap
                    } else {
                        OnRefusal::Ignore
                    },
                    instances: if rng.chance(20) { 2 } else { 1 },
                }
            })
            .collect();
        let tables = (0..rng.range(0, 3))
            .map(|_| {
                let min = if rng.chance(10) {
                    rng.range(100_000, 150_000)
                } else {
                    rng.range(0, 2_000)
                };
                TableSpec {
                    min,
                    max: rng.chance(30).then(|| min + rng.range(0, 1_000)),
                    grow: if rng.chance(30) {
                        rng.range(0, 120_000)
                    } else {
                        rng.range(0, 1_000)
                    },
                    on_refusal: if rng.chance(50) {
                        OnRefusal::Trap
                    } else {
                        OnRefusal::Ignore
                    },
                    instances: rng.range(1, 7),
                }
            })
            .collect();
        let empty_instances = rng.range(0, 14);
        let nested = rng.chance(30).then(|| NestedSpec {
            memories: rng.range(1, 2),
            times: rng.range(1, 2),
        });
        let flood = rng.chance(60).then(|| FloodSpec {
            maps: match rng.range(0, 3) {
                0 => rng.range(1, 50),
                1 => rng.range(50, 1_000),
                _ => rng.range(1_000, 3_000),
            },
            value_bytes: rng.range(0, 60_000),
            keep: rng.chance(50),
        });
        Shape {
            seed,
            memories,
            tables,
            empty_instances,
            nested,
            flood,
        }
    }

    /// Shapes that take each of the host's paths once (a memory past the
    /// limit, a table past its cap, handles past the cap), run before the
    /// measured cases so that none pays for a path's first use.
    pub fn warm_ups() -> Vec<Shape> {
        let bare = Shape {
            seed: 0,
            memories: Vec::new(),
            tables: Vec::new(),
            empty_instances: 0,
            nested: None,
            flood: None,
        };
        let memory = MemorySpec {
            min_pages: 600,
            max_pages: None,
            grow_step: 100,
            grows: 8,
            on_refusal: OnRefusal::Trap,
            instances: 1,
        };
        let table = TableSpec {
            min: 10,
            max: None,
            grow: 200_000,
            on_refusal: OnRefusal::Trap,
            instances: 1,
        };
        let flood = FloodSpec {
            maps: 2_000,
            value_bytes: 100,
            keep: true,
        };
        vec![
            Shape {
                memories: vec![memory],
                ..bare.clone()
            },
            Shape {
                tables: vec![table],
                ..bare.clone()
            },
            Shape {
                flood: Some(flood),
                nested: Some(NestedSpec {
                    memories: 1,
                    times: 1,
                }),
                ..bare
            },
        ]
    }

    /// What the generated parts create (without the `minimal` component's own).
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for m in &self.memories {
            c.core_instances += m.instances;
            c.memories += m.instances;
        }
        for t in &self.tables {
            c.core_instances += t.instances;
            c.tables += t.instances;
        }
        c.core_instances += self.empty_instances;
        if let Some(n) = &self.nested {
            c.core_instances += n.memories * n.times;
            c.memories += n.memories * n.times;
        }
        if self.flood.is_some() {
            // Its memory's instance and the flooding instance.
            c.core_instances += 2;
            c.memories += 1;
        }
        c
    }

    /// One line for the printed table.
    pub fn describe(&self) -> String {
        let c = self.counts();
        let pages: u32 = self
            .memories
            .iter()
            .map(|m| m.min_pages * m.instances)
            .sum();
        let elements: u32 = self.tables.iter().map(|t| t.min * t.instances).sum();
        let flood = match &self.flood {
            Some(f) => format!(
                "{}×{}B{}",
                f.maps,
                f.value_bytes,
                if f.keep { " kept" } else { " dropped" }
            ),
            None => "-".to_owned(),
        };
        format!(
            "{} inst, {} mem ({} pages), {} tab ({} elems), nested {}, flood {flood}",
            c.core_instances,
            c.memories,
            pages,
            c.tables,
            elements,
            self.nested
                .as_ref()
                .map_or("-".to_owned(), |n| format!("{}×{}", n.times, n.memories)),
        )
    }
}
