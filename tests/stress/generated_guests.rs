//! Caps under attack: components generated from seeds (`generator.rs`)
//! with random numbers of memories, tables, core instances, nested
//! instantiations and host-object floods are each refused at install with
//! the exact cap codes, or invoked and ended with a typed outcome the
//! host's rules predict — and the host's resident memory never grows by
//! more than one invocation's memory limit (`docs/limits.md`: "Per
//! invocation"), nor by more than N limits while N of them run at once.
//!
//! Bounded: stops after [`CASES`] cases or [`TIME`], whichever comes first.
//! The seeds are fixed (`MODGATE_STRESS_SEED` picks another run,
//! `MODGATE_STRESS_CASE` replays one case); a failure prints the seed.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use modgate_host::capabilities::{BuiltinServices, builtin};
use modgate_host::engine::{Engine, EngineConfig, InvocationError, LoadError, LoadedModule};
use modgate_host::testing::InMemoryCommerce;
use modgate_host::verify::count_contents;
use modgate_tests::{acme, manifest};

use crate::generator::{Allowed, Base, Counts, Limits, Shape};
use modgate_tests::rss::{self, mib};

/// At most this many cases…
const CASES: u64 = 300;
/// …within about this long (the compile of each case dominates).
const TIME: Duration = Duration::from_secs(30);
/// The run's seed unless `MODGATE_STRESS_SEED` names another.
const SEED: u64 = 0x5EED_0020_2026_1202;
/// Allowance above the bound for what is not the guest's: wasmtime's
/// per-instance structures, the fiber stack, allocator slack (the same
/// allowance as `tests/limits/memory.rs`).
const SLACK: u64 = 32 << 20;
/// How many invoked cases run at once in the concurrent round.
const AT_ONCE: usize = 8;

fn env_u64(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let text = text.trim();
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// The seed of case `i` of the run seeded `run`.
fn case_seed(run: u64, i: u64) -> u64 {
    crate::generator::Rng::new(run ^ i.wrapping_mul(0xA24B_AED4_963E_E407)).next()
}

/// `minimal` with `wat` appended (as `modgate_tests::minimal_with`, but a
/// generator bug is reported with its seed).
fn component(minimal: &str, wat: &str, seed: u64) -> Vec<u8> {
    let body = minimal
        .trim_end()
        .strip_suffix(')')
        .expect("a component ends with `)`");
    wat::parse_str(format!("{body}\n{wat}\n)"))
        .unwrap_or_else(|e| panic!("case {seed:#x}: generated WAT is invalid: {e}\n{wat}"))
}

/// What one case did.
struct Ran {
    shape: Shape,
    verdict: String,
    growth: u64,
    module: Option<LoadedModule>,
}

#[test]
fn generated_guests_end_typed_and_host_memory_stays_within_the_invocation_bound() {
    if !rss::in_child() {
        return rss::measured_in_child(&rss::test_path(
            module_path!(),
            "generated_guests_end_typed_and_host_memory_stays_within_the_invocation_bound",
        ));
    }
    let config = EngineConfig::default();
    let limit = config.memory_limit_bytes as u64;
    let limits = Limits {
        memory_bytes: config.memory_limit_bytes,
        table_elements: config.table_elements_limit,
        handles: config.max_handles,
        core_instances: config.component_caps.core_instances,
        memories: config.component_caps.memories,
        tables: config.component_caps.tables,
    };
    // No compile cache: every case is a new component.
    let services = BuiltinServices {
        commerce: InMemoryCommerce::sample().into_commerce(),
        ..BuiltinServices::default()
    };
    let engine = Engine::new(config, builtin(services)).expect("engine starts");
    let minimal = wasmprinter::print_bytes(modgate_artifacts::read(modgate_artifacts::MINIMAL))
        .expect("minimal prints");
    let base = count_contents(&component(&minimal, "", 0)).expect("minimal counts");
    let base = Counts {
        core_instances: base.core_instances,
        memories: base.memories,
        tables: base.tables,
    };
    let base = Base::of_minimal(&minimal, base);
    assert!(base.bytes > 0, "minimal's memory was read: {base:?}");
    let run = env_u64("MODGATE_STRESS_SEED").unwrap_or(SEED);
    let seeds: Vec<u64> = match env_u64("MODGATE_STRESS_CASE") {
        Some(one) => vec![one],
        None => (0..CASES).map(|i| case_seed(run, i)).collect(),
    };
    println!("generated guests: run seed {run:#x}; minimal itself: {base:?}; limits {limits:?}");

    let started = Instant::now();
    let mut ran: Vec<Ran> = Vec::new();
    modgate_tests::run(async {
        // Invocations first, so the measurements start from a warm host.
        let warm = engine
            .load(
                manifest("warm", &[]),
                &component(&minimal, "", 0),
                BTreeSet::new(),
            )
            .expect("loads");
        warm.activate(&acme(), "").await.expect("warm-up");
        for shape in Shape::warm_ups() {
            let module = engine
                .load(
                    manifest("warm-up", &[]),
                    &component(&minimal, &shape.wat(), 0),
                    BTreeSet::new(),
                )
                .expect("loads");
            let outcome = module.activate(&acme(), "").await;
            assert!(
                outcome.is_err(),
                "each warm-up shape ends at a limit: {shape:?}"
            );
        }
        for &seed in &seeds {
            if started.elapsed() > TIME {
                break;
            }
            ran.push(one_case(&engine, &minimal, seed, base, &limits, limit).await);
        }
    });
    let sequential = started.elapsed();

    // The heaviest invoked cases, all at once: N invocations hold at most N limits.
    let mut heaviest: Vec<&Ran> = ran.iter().filter(|r| r.module.is_some()).collect();
    heaviest.sort_by_key(|r| std::cmp::Reverse(r.growth));
    heaviest.truncate(AT_ONCE);
    let (together, outcomes) = modgate_tests::run(async {
        let tenant = acme();
        let (before, code_before) = (rss::start_peak(), rss::file_bytes());
        let calls = heaviest
            .iter()
            .map(|r| r.module.as_ref().expect("invoked").activate(&tenant, ""));
        let results = futures_util::future::join_all(calls).await;
        (peak_growth(before, code_before), results)
    });
    for (r, outcome) in heaviest.iter().zip(&outcomes) {
        let kind = outcome
            .as_ref()
            .map_or_else(InvocationError::kind, |_| "ok");
        assert_eq!(
            kind, r.verdict,
            "case {:#x} ended otherwise when run beside others",
            r.shape.seed
        );
    }
    let bound_together = heaviest.len() as u64 * limit + SLACK;

    report(&ran, sequential, limit, together, heaviest.len());
    assert!(!ran.is_empty(), "no case ran");
    let worst = ran.iter().max_by_key(|r| r.growth).expect("a case");
    assert!(
        worst.growth < limit + SLACK,
        "case {:#x} grew the host by {:.1} MiB (bound {} MiB)",
        worst.shape.seed,
        mib(worst.growth),
        (limit + SLACK) >> 20
    );
    assert!(
        together < bound_together,
        "{} cases at once grew the host by {:.1} MiB (bound {} MiB)",
        heaviest.len(),
        mib(together),
        bound_together >> 20
    );
    let verdicts: BTreeSet<&str> = ran
        .iter()
        .map(|r| r.verdict.split(':').next().unwrap_or(""))
        .collect();
    let replaying = seeds.len() == 1;
    for expected in ["refused", "ok", "out-of-memory", "resource-limit"]
        .into_iter()
        .filter(|_| !replaying)
    {
        assert!(
            verdicts.contains(expected),
            "no case ended {expected}: the generator lost its reach ({verdicts:?})"
        );
    }
}

/// Generates, installs and invokes case `seed`, checking its outcome and
/// the host's growth.
async fn one_case(
    engine: &Engine,
    minimal: &str,
    seed: u64,
    base: Base,
    limits: &Limits,
    limit: u64,
) -> Ran {
    let shape = Shape::generate(seed);
    let replay = format!(
        "replay with MODGATE_STRESS_CASE={seed:#x}: {}",
        shape.describe()
    );
    let bytes = component(minimal, &shape.wat(), seed);
    let allowed = shape.allowed(base, limits);
    match engine.load(manifest("generated", &[]), &bytes, BTreeSet::new()) {
        Err(LoadError::Refused { report, .. }) => {
            let codes: Vec<&str> = report.problems.iter().map(|p| p.code.as_str()).collect();
            assert_eq!(
                Allowed::Refused(codes.clone()),
                allowed,
                "{replay}\n{report}"
            );
            if codes == ["invalid-component"] && std::env::var_os("MODGATE_STRESS_CASE").is_some() {
                println!("{report}");
            }
            Ran {
                shape,
                verdict: format!("refused: {}", codes.join(", ")),
                growth: 0,
                module: None,
            }
        }
        Err(other) => panic!("{replay}: install failed untyped: {other}"),
        Ok(module) => {
            let (before, code_before) = (rss::start_peak(), rss::file_bytes());
            let outcome = module.activate(&acme(), "").await;
            let growth = peak_growth(before, code_before);
            let kind = match &outcome {
                Ok(_) => "ok",
                Err(error) => {
                    assert_ne!(
                        error.kind(),
                        "host-error",
                        "{replay}: an untyped failure: {error}"
                    );
                    error.kind()
                }
            };
            let Allowed::Invoked(kinds) = &allowed else {
                panic!("{replay}: installed, but the caps should have refused it: {allowed:?}")
            };
            assert!(
                kinds.contains(kind),
                "{replay}: ended {kind} ({outcome:?}), expected one of {kinds:?}"
            );
            assert!(
                growth < limit + SLACK,
                "{replay}: the host grew by {:.1} MiB",
                mib(growth)
            );
            Ran {
                shape,
                verdict: kind.to_owned(),
                growth,
                module: Some(module),
            }
        }
    }
}

/// The peak resident growth since [`rss::start_peak`] returned `before`,
/// without the pages of the test binary's own code first run meanwhile
/// (file-backed, tens of MiB in this unoptimised build: not the guest's doing).
fn peak_growth(before: u64, code_before: u64) -> u64 {
    let code = rss::file_bytes().saturating_sub(code_before);
    rss::peak_bytes()
        .saturating_sub(before)
        .saturating_sub(code)
}

fn report(ran: &[Ran], took: Duration, limit: u64, together: u64, at_once: usize) {
    let mut by_verdict: BTreeMap<&str, (usize, u64)> = BTreeMap::new();
    for r in ran {
        let entry = by_verdict.entry(r.verdict.as_str()).or_default();
        entry.0 += 1;
        entry.1 = entry.1.max(r.growth);
    }
    let with = |f: fn(&Shape) -> bool| ran.iter().filter(|r| f(&r.shape)).count();
    println!(
        "\ngenerated guests: {} cases in {:.1} s",
        ran.len(),
        took.as_secs_f64()
    );
    println!(
        "  kinds: {} with memories, {} with tables, {} with extra instances, {} nested, {} flooding header maps",
        with(|s| !s.memories.is_empty()),
        with(|s| !s.tables.is_empty()),
        with(|s| s.empty_instances > 0),
        with(|s| s.nested.is_some()),
        with(|s| s.flood.is_some()),
    );
    println!(
        "  {:<58} {:>5} {:>22}",
        "outcome", "cases", "worst RSS growth (MiB)"
    );
    for (verdict, (count, growth)) in &by_verdict {
        println!("  {verdict:<58} {count:>5} {:>22.1}", mib(*growth));
    }
    let worst = ran.iter().max_by_key(|r| r.growth);
    if let Some(w) = worst {
        println!(
            "  worst single case {:#x}: {:.1} MiB (bound: limit {} MiB + {} MiB) — {}",
            w.shape.seed,
            mib(w.growth),
            limit >> 20,
            SLACK >> 20,
            w.shape.describe()
        );
    }
    println!(
        "  {at_once} heaviest at once: {:.1} MiB (bound: {at_once} × {} MiB + {} MiB)",
        mib(together),
        limit >> 20,
        SLACK >> 20
    );
}
