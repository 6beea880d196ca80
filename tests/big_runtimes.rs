//! Budgets hold for the big runtimes: a Python or JavaScript guest that
//! loops, allocates without bound, recurses without end or raises an
//! exception it never catches ends with its typed error, while another
//! module of the same language answers meanwhile and afterwards. (The Rust
//! guests' twins are in `budgets.rs`.)

use modgate_host::engine::{ErrorCode, InvocationError, LoadedModule, MemoryUse};
use modgate_tests::{Lang, acme, default_engine, load, manifest};

/// How the hostile guest's invocation ended when told to `behaviour`, with a
/// well-behaved module of the same language invoked meanwhile and after.
fn hostile(lang: Lang, behaviour: &str) -> InvocationError {
    let engine = default_engine();
    let hostile = load(&engine, manifest("hostile", &[]), lang.component("hostile")).expect("loads");
    let healthy = load(&engine, manifest("healthy", &[]), lang.component("conformance-base")).expect("loads");
    modgate_tests::run(async {
        let behaviour = behaviour.to_owned();
        let running = tokio::spawn(async move { hostile.activate(&acme(), &behaviour).await });
        answers(&healthy).await;
        let ended = running.await.expect("the invocation task ends").expect_err("a hostile guest fails");
        answers(&healthy).await;
        ended
    })
}

async fn answers(healthy: &LoadedModule) {
    healthy.activate(&acme(), "echo=hello").await.expect("the other module keeps answering");
}

fn loops(lang: Lang) {
    let ended = hostile(lang, "loop");
    assert!(matches!(ended, InvocationError::FuelExhausted { fuel: 100_000_000, .. }), "{ended}");
    assert_eq!(ended.code(), ErrorCode::BudgetExhausted);
}

fn allocates(lang: Lang) {
    let ended = hostile(lang, "allocate");
    assert!(
        matches!(ended, InvocationError::OutOfMemory { limit, by: MemoryUse::LinearMemory, .. } if limit == 64 << 20),
        "{ended}"
    );
    assert_eq!(ended.code(), ErrorCode::BudgetExhausted);
}

/// Neither interpreter recurses on the wasm stack for guest calls (CPython
/// keeps frames on its heap, SpiderMonkey's interpreter too): endless
/// recursion is endless work, and fuel ends it.
fn recurses(lang: Lang) {
    let ended = hostile(lang, "recurse");
    assert!(matches!(ended, InvocationError::FuelExhausted { .. }), "{ended}");
    assert_eq!(ended.code(), ErrorCode::BudgetExhausted);
}

/// An exception out of an export is not the contract's error: the runtime
/// aborts, and the invocation ends as a trap.
fn raises(lang: Lang) {
    let ended = hostile(lang, "raise");
    assert!(matches!(ended, InvocationError::Trap { .. }), "{ended}");
    assert_eq!(ended.code(), ErrorCode::HandlerError);
}

/// The tests of one language.
macro_rules! hostile_guest_tests {
    ($language:ident, $lang:expr) => {
        /// The hostile guest of this language.
        pub mod $language {
            #[test]
            pub fn a_loop_runs_out_of_fuel() {
                super::loops($lang)
            }

            #[test]
            pub fn unbounded_allocation_hits_the_memory_limit() {
                super::allocates($lang)
            }

            #[test]
            pub fn endless_recursion_runs_out_of_fuel() {
                super::recurses($lang)
            }

            #[test]
            pub fn an_uncaught_exception_traps_only_its_invocation() {
                super::raises($lang)
            }
        }
    };
}

hostile_guest_tests!(python, modgate_tests::Lang::Python);
hostile_guest_tests!(javascript, modgate_tests::Lang::JavaScript);

