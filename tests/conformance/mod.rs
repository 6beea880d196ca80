//! Conformance suites, one folder per WIT world: the world's component runs
//! with the permission granted, and its `-no-permission` twin (the same
//! component under a manifest without the permission) is refused at install
//! with the permission named. `dependencies/` is the corpus of the
//! composition rules of dependency components (docs/dependencies.md).

pub mod base;
pub mod dependencies;
pub mod email_send;
pub mod emit_events;
pub mod hooks;
pub mod http_outbound;
pub mod read_categories;
pub mod read_customers;
pub mod read_orders;
pub mod read_products;
pub mod serve;
pub mod slots;
pub mod subscribe_core_events;
pub mod subscribe_events;
pub mod write_own_tables;
mod worlds;

use modgate_host::engine::LoadError;
use modgate_host::verify::ProblemCode;
use modgate_tests::{Lang, acme, default_engine, globex, load, manifest};

/// Runs a world's component for both sample tenants with the permission
/// granted; each tenant's settings name ids of its own and of the other tenant.
pub fn granted_world_passes(lang: Lang, component: &str, permission: &str, acme_settings: &str, globex_settings: &str) {
    let engine = lang.engine();
    let module = load(&engine, manifest("conformance", &[permission]), lang.component(component)).expect("loads with the permission");
    modgate_tests::run(async {
        for (tenant, settings) in [(acme(), acme_settings), (globex(), globex_settings)] {
            if let Err(e) = module.activate(&tenant, settings).await {
                panic!("conformance failed for tenant {tenant}: {e}");
            }
        }
    });
}

/// The same component under a manifest without `permission` is refused at
/// install, naming the permission and the interface.
pub fn no_permission_twin_is_refused(component: &str, permission: &str, interface: &str) {
    let engine = default_engine();
    let refused = load(&engine, manifest("conformance", &[]), component).expect_err("must be refused");
    let LoadError::Refused { report, .. } = refused else {
        panic!("expected a refusal, got {refused}");
    };
    let problem = report
        .problems
        .iter()
        .find(|p| p.code == ProblemCode::UngrantedImport)
        .unwrap_or_else(|| panic!("no ungranted-import problem in {:?}", report.problems));
    assert!(problem.subject.starts_with(interface), "{problem}");
    assert!(problem.message.contains(permission), "{problem}");
    assert!(problem.fix.contains(&format!("add \"{permission}\"")), "{problem}");
}
