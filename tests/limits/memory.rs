//! Memory is limited per invocation, not per piece: every linear memory and
//! table of a component shares one limit, and the counts of memories, tables
//! and core instances a component may have are refused at install.

use std::collections::BTreeSet;

use modgate_host::engine::{ComponentCaps, EngineConfig, InvocationError, LoadError, MemoryUse};
use modgate_host::verify::ProblemCode;
use modgate_tests::{acme, engine, manifest, minimal_with};

use modgate_tests::rss;

/// `count` core instances of a module whose only memory starts at
/// `pages` 64 KiB pages and whose start function touches every page.
fn memory_hogs(count: usize, pages: u32) -> String {
    let module = format!(
        r#"(core module $hog
            (memory {pages})
            (func $touch (local $at i32)
                (loop $pages
                    (i32.store8 (local.get $at) (i32.const 1))
                    (local.set $at (i32.add (local.get $at) (i32.const 4096)))
                    (br_if $pages (i32.lt_u (local.get $at) (i32.const {bytes})))))
            (start $touch))"#,
        bytes = pages * 65536,
    );
    let instances = "(core instance (instantiate $hog))\n".repeat(count);
    format!("{module}\n{instances}")
}

fn loose_caps() -> ComponentCaps {
    ComponentCaps { core_instances: 64, memories: 64, tables: 64 }
}

#[test]
fn many_memories_share_one_limit_and_the_host_stays_within_it() {
    if !rss::in_child() {
        return rss::measured_in_child(&rss::test_path(module_path!(), "many_memories_share_one_limit_and_the_host_stays_within_it"));
    }
    let limit = 64usize << 20;
    let config = EngineConfig { memory_limit_bytes: limit, component_caps: loose_caps(), ..EngineConfig::default() };
    let engine = engine(config);
    // Sixteen memories of 48 MiB, each touched: 768 MiB if every memory
    // were limited alone.
    let bytes = minimal_with(&memory_hogs(16, 768));
    let hog = engine.load(manifest("hog", &[]), &bytes, BTreeSet::new()).expect("within the caps: it loads");
    let healthy = engine.load(manifest("healthy", &[]), &minimal_with(""), BTreeSet::new()).expect("loads");
    modgate_tests::run(async {
        healthy.activate(&acme(), "").await.expect("warm-up");
        let before = rss::start_peak();
        let err = hog.activate(&acme(), "").await.unwrap_err();
        let peak = rss::peak_bytes();
        match &err {
            InvocationError::OutOfMemory { limit: l, asked, by, .. } => {
                assert_eq!(*l, limit);
                assert!(*asked > limit, "{err}");
                assert_eq!(*by, MemoryUse::LinearMemory);
            }
            other => panic!("expected out-of-memory, got {other}"),
        }
        let grown = peak.saturating_sub(before);
        println!("peak resident growth {} MiB (limit {} MiB)", grown >> 20, limit >> 20);
        assert!(grown < (limit as u64) + (32 << 20), "the host grew by {} MiB", grown >> 20);
        healthy.activate(&acme(), "").await.expect("the host keeps answering");
    });
}

#[test]
fn memories_within_the_limit_together_are_fine() {
    let config = EngineConfig { memory_limit_bytes: 64 << 20, component_caps: loose_caps(), ..EngineConfig::default() };
    let engine = engine(config);
    let bytes = minimal_with(&memory_hogs(4, 160));
    let module = engine.load(manifest("four", &[]), &bytes, BTreeSet::new()).expect("loads");
    modgate_tests::run(async {
        module.activate(&acme(), "").await.expect("4 × 10 MiB fits in 64 MiB");
    });
}

fn refusal(config: EngineConfig, bytes: &[u8]) -> Vec<modgate_host::verify::Problem> {
    let engine = engine(config);
    let manifest = manifest("counted", &[]);
    let checked = engine.check(&manifest, bytes, &Default::default(), &BTreeSet::new()).expect("the host builds its linker");
    let load = engine.load(manifest, bytes, BTreeSet::new());
    let Err(LoadError::Refused { report, .. }) = load else { panic!("install must refuse what verify refuses") };
    assert_eq!(report.problems, checked.report.problems, "verify and install give the same problems");
    report.problems
}

#[test]
fn a_component_with_more_memories_than_the_cap_is_refused_with_the_numbers() {
    // Two hundred memories: with one pool slot each, a few invocations
    // would take every memory slot of the host.
    let problems = refusal(EngineConfig::default(), &minimal_with(&memory_hogs(200, 1)));
    let codes: Vec<_> = problems.iter().map(|p| p.code).collect();
    assert_eq!(codes, [ProblemCode::TooManyInstances, ProblemCode::TooManyMemories], "{problems:?}");
    let memories = &problems[1];
    // The minimal component's own memory, plus the two hundred.
    assert!(memories.message.contains("201 linear memories") && memories.message.contains("at most 4"), "{memories}");
}

#[test]
fn a_component_with_more_tables_than_the_cap_is_refused_with_the_numbers() {
    let tables = "(core module $t (table 1 funcref))\n".to_owned() + &"(core instance (instantiate $t))\n".repeat(20);
    let caps = ComponentCaps { core_instances: 64, memories: 4, tables: 16 };
    let problems = refusal(EngineConfig { component_caps: caps, ..EngineConfig::default() }, &minimal_with(&tables));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].code, ProblemCode::TooManyTables);
    assert!(problems[0].message.contains("at most 16"), "{}", problems[0]);
}
