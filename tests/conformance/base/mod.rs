//! World `modgate:host/base`: needs no permission, so its twin is a
//! component that reaches for a capability it was not granted — the host
//! must refuse it while the base world itself still works.

use modgate_artifacts::{CONFORMANCE_BASE, CONFORMANCE_READ_PRODUCTS};
use modgate_host::engine::module_log::LogLevel;
use modgate_tests::{acme, default_engine, load, manifest};

#[test]
pub fn conformance_base() {
    let engine = default_engine();
    let module = load(&engine, manifest("conformance", &[]), CONFORMANCE_BASE).expect("loads with no permission");
    modgate_tests::run(async {
        module.activate(&acme(), "echo=hello").await.expect("base world works");
    });
    let lines = module.log().lines();
    assert_eq!(lines.iter().filter(|l| l.message == "conformance-base: level check").count(), 5);
    assert!(lines.iter().any(|l| l.level == LogLevel::Info && l.message.ends_with("[truncated]") && l.message.len() <= 2048));
    assert!(lines.iter().all(|l| l.tenant == "acme"));
}

#[test]
fn conformance_base_no_permission() {
    super::no_permission_twin_is_refused(CONFORMANCE_READ_PRODUCTS, "read:products", "modgate:commerce/products");
}
