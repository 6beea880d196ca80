//! Hostile guests: what a module tries beyond loops and memory (issue 20,
//! item 3). Every test asserts the typed outcome — an install-time
//! [`ProblemCode`](modgate_host::verify::ProblemCode), an
//! [`InvocationError`](modgate_host::engine::InvocationError) and its code,
//! or a capability's error code — *and* that a well-behaved module keeps
//! answering afterwards. No test asserts on time: budgets and deadlines
//! are generous, outcomes are codes.
//!
//! - [`start_function`]: a core `start` function that never returns;
//! - [`import_tricks`]: imports shaped to slip past the import check;
//! - [`wasi_escapes`]: every way out a language runtime tries through
//!   the inert WASI set (the `wasi-escape` test component);
//! - [`cross_reach`]: a module reaching for another tenant's or another
//!   module's data or mount, with a table of the tests elsewhere that
//!   already prove the rest;
//! - [`concurrency`]: many invocations at once against the module's share,
//!   and every kind of failing guest at once.

mod concurrency;
mod cross_reach;
mod import_tricks;
mod start_function;
mod wasi_escapes;

use modgate_host::engine::{Engine, LoadedModule};
use modgate_tests::{acme, globex, manifest, minimal_with};

/// The `minimal` component loaded as `healthy`: the well-behaved module
/// every test checks still answers.
pub fn healthy(engine: &Engine) -> LoadedModule {
    engine
        .load(
            manifest("healthy", &[]),
            &minimal_with(""),
            Default::default(),
        )
        .expect("the minimal component loads")
}

/// Asserts that `module` answers `activate` for both sample tenants.
pub async fn keeps_answering(module: &LoadedModule) {
    for tenant in [acme(), globex()] {
        if let Err(e) = module.activate(&tenant, "{}").await {
            panic!(
                "the well-behaved module {} stopped answering for {tenant}: {e}",
                module.name()
            );
        }
    }
}
