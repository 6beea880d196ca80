//! World `modgate:host/base`: needs no permission, so its twin is a
//! component that reaches for a capability it was not granted — the host
//! must refuse it while the base world itself still works.

use modgate_host::engine::module_log::LogLevel;
use modgate_tests::{Lang, acme, load, manifest};

modgate_tests::in_every_language! {
    conformance_base => base_world_works,
    conformance_base_no_permission => a_component_reaching_past_base_is_refused,
}

fn base_world_works(lang: Lang) {
    let engine = lang.engine();
    let module = load(&engine, manifest("conformance", &[]), lang.component("conformance-base"))
        .expect("loads with no permission");
    modgate_tests::run(async {
        module.activate(&acme(), "echo=hello").await.expect("base world works");
    });
    let lines = module.log().lines();
    assert_eq!(lines.iter().filter(|l| l.message == "conformance-base: level check").count(), 5);
    assert!(lines.iter().any(|l| l.level == LogLevel::Info && l.message.ends_with("[truncated]") && l.message.len() <= 2048));
    assert!(lines.iter().all(|l| l.tenant == "acme"));
}

fn a_component_reaching_past_base_is_refused(lang: Lang) {
    super::no_permission_twin_is_refused(
        lang.component("conformance-read-products"),
        "read:products",
        "modgate:commerce/products",
    );
}
