//! Install-time refusals: each names what to change, with a stable code,
//! and never relies on wasmtime's linker message.

use std::collections::BTreeSet;

use modgate_artifacts::{MINIMAL, WISHLIST};
use modgate_host::engine::{EngineConfig, LoadError};
use modgate_host::manifest::Permission;
use modgate_host::verify::{ImportClass, Problem, ProblemCode};
use modgate_tests::{acme, default_engine, engine, manifest};

/// The `minimal` test component with `imports` (WAT) appended.
fn component_with_imports(imports: &str) -> Vec<u8> {
    modgate_tests::minimal_with(imports)
}

fn refused(permissions: &[&str], component: &[u8]) -> Vec<Problem> {
    let engine = default_engine();
    let manifest = manifest("probe", permissions);
    let grants = manifest.permissions.clone();
    match engine.load(manifest, component, grants) {
        Err(LoadError::Refused { report, .. }) => report.problems,
        Err(other) => panic!("expected a refusal, got {other}"),
        Ok(_) => panic!("expected a refusal, but the module loaded"),
    }
}

fn only_problem(problems: &[Problem]) -> &Problem {
    assert_eq!(problems.len(), 1, "{problems:?}");
    &problems[0]
}

#[test]
fn an_unknown_package_is_refused_naming_the_import() {
    let bytes = component_with_imports(r#"(import "acme:evil/backdoor@1.0.0" (instance (export "open" (func))))"#);
    let problem = only_problem(&refused(&[], &bytes)).clone();
    assert_eq!(problem.code, ProblemCode::UnknownImport, "{problem}");
    assert_eq!(problem.subject, "acme:evil/backdoor@1.0.0");
    assert!(problem.message.contains("acme:evil"), "{problem}");
}

#[test]
fn a_modgate_interface_of_a_later_major_is_refused() {
    let bytes = component_with_imports(
        r#"(import "modgate:host/log@2.0.0" (instance (export "log" (func (param "message" string)))))"#,
    );
    let problem = only_problem(&refused(&[], &bytes)).clone();
    assert_eq!(problem.code, ProblemCode::UnsupportedVersion);
    assert!(problem.message.contains("2.0.0") && problem.message.contains("1.0.0"), "{problem}");
}

#[test]
fn outgoing_http_without_the_permission_is_refused_naming_http_outbound() {
    let bytes = component_with_imports(r#"(import "wasi:http/outgoing-handler@0.2.3" (instance))"#);
    let problem = only_problem(&refused(&[], &bytes)).clone();
    assert_eq!(problem.code, ProblemCode::UngrantedImport);
    assert!(problem.message.contains("http:outbound"), "{problem}");
    assert!(problem.fix.contains("add \"http:outbound\""), "{problem}");
}

#[test]
fn an_ambient_wasi_interface_outside_the_inert_set_is_refused() {
    let bytes = component_with_imports(r#"(import "wasi:keyvalue/store@0.2.0" (instance))"#);
    let problem = only_problem(&refused(&[], &bytes)).clone();
    assert_eq!(problem.code, ProblemCode::UnknownImport);
    assert_eq!(problem.subject, "wasi:keyvalue/store@0.2.0");
}

#[test]
fn a_wasi_version_other_than_0_2_is_refused() {
    let bytes = component_with_imports(r#"(import "wasi:io/streams@0.3.0" (instance))"#);
    assert_eq!(only_problem(&refused(&[], &bytes)).code, ProblemCode::UnsupportedVersion);
}

#[test]
fn a_bare_function_import_is_refused() {
    let bytes = component_with_imports(r#"(import "get-secret" (func (result string)))"#);
    let problem = only_problem(&refused(&[], &bytes)).clone();
    assert_eq!(problem.code, ProblemCode::UnknownImport);
    assert_eq!(problem.subject, "get-secret");
}

#[test]
fn a_component_without_lifecycle_is_refused() {
    let bytes = wat::parse_str("(component)").unwrap();
    let problem = only_problem(&refused(&[], &bytes)).clone();
    assert_eq!(problem.code, ProblemCode::MissingExport);
    assert_eq!(problem.subject, "modgate:host/lifecycle");
}

#[test]
fn a_core_module_is_refused_as_an_invalid_component() {
    let bytes = wat::parse_str("(module)").unwrap();
    let problem = only_problem(&refused(&[], &bytes)).clone();
    assert_eq!(problem.code, ProblemCode::InvalidComponent);
    assert!(problem.message.contains("core WebAssembly module"), "{problem}");
}

#[test]
fn an_oversize_component_is_refused() {
    let config = EngineConfig { max_component_bytes: 4096, ..EngineConfig::default() };
    let engine = engine(config);
    let manifest = manifest("big", &[]);
    let err = engine
        .load(manifest, &modgate_artifacts::read(MINIMAL), BTreeSet::new())
        .unwrap_err();
    let LoadError::Refused { report, .. } = err else { panic!("{err}") };
    assert_eq!(only_problem(&report.problems).code, ProblemCode::ComponentTooLarge);
}

#[test]
fn a_declared_but_ungranted_permission_is_refused() {
    let engine = default_engine();
    let manifest = wishlist_manifest(&["read:products", "write:own-tables", "subscribe:events", "email:send"]);
    let grants = BTreeSet::from([Permission::WriteOwnTables, Permission::SubscribeEvents, Permission::EmailSend]);
    let err = engine.load(manifest.clone(), &modgate_artifacts::read(WISHLIST), grants).unwrap_err();
    let LoadError::Refused { report, .. } = err else { panic!("{err}") };
    let problem = only_problem(&report.problems);
    assert_eq!(problem.code, ProblemCode::PermissionNotGranted);
    assert!(problem.message.contains("read:products"));
    // The same for a permission that unlocks an export the host calls.
    let grants = BTreeSet::from([Permission::WriteOwnTables, Permission::ReadProducts, Permission::EmailSend]);
    let err = engine.load(manifest, &modgate_artifacts::read(WISHLIST), grants).unwrap_err();
    let LoadError::Refused { report, .. } = err else { panic!("{err}") };
    let handlers: Vec<&str> = report.problems.iter().map(|p| p.subject.split('@').next().unwrap_or_default()).collect();
    assert_eq!(handlers, ["modgate:host/event-handler", "modgate:commerce/core-event-handler"], "{:?}", report.problems);
    for problem in &report.problems {
        assert_eq!(problem.code, ProblemCode::PermissionNotGranted, "{problem}");
        assert!(problem.fix.contains("grant subscribe:events"), "{problem}");
    }
}

/// The wishlist under these permissions, subscribed as its own manifest is
/// (its component exports the event handlers).
fn wishlist_manifest(permissions: &[&str]) -> modgate_host::manifest::Manifest {
    modgate_tests::manifest_from(&format!(
        "name = \"wishlist\"\nversion = \"0.1.0\"\ncompatible-core = \"^1.0\"\npermissions = {permissions:?}\nsubscriptions = [\"product.price-changed\"]\n"
    ))
}

#[test]
fn granting_a_permission_the_manifest_does_not_ask_for_is_refused() {
    let engine = default_engine();
    let manifest = manifest("wishlist", &["read:products"]);
    let grants = BTreeSet::from([Permission::ReadProducts, Permission::ReadOrders]);
    let err = engine.load(manifest, &modgate_artifacts::read(WISHLIST), grants).unwrap_err();
    assert!(
        matches!(err, LoadError::GrantNotRequested { permission: Permission::ReadOrders, .. }),
        "{err}"
    );
}

#[test]
fn a_permission_this_host_does_not_offer_is_refused() {
    use modgate_host::capabilities::{contract_types, http_types, log, settings, wasi};
    use modgate_host::engine::{CapabilityRegistry, Engine};
    // An integrator's host that offers no outbound HTTP.
    let registry = CapabilityRegistry::builder()
        .with(wasi::Wasi::new(wasi::WasiConfig::default()))
        .with(contract_types::ContractTypes)
        .with(http_types::HttpTypes::new(http_types::HttpTypesConfig::default()))
        .with(log::Log)
        .with(settings::Settings)
        .build()
        .expect("contract interfaces");
    let engine = Engine::new(EngineConfig::default(), registry).expect("engine starts");
    let manifest = manifest("probe", &["http:outbound"]);
    let grants = manifest.permissions.clone();
    let Err(LoadError::Refused { report, .. }) = engine.load(manifest, &component_with_imports(""), grants) else {
        panic!("expected a refusal");
    };
    let problem = only_problem(&report.problems).clone();
    assert_eq!(problem.code, ProblemCode::CapabilityUnavailable);
    assert!(problem.message.contains("http:outbound"), "{problem}");
}

#[test]
fn unused_permissions_are_reported_for_least_privilege() {
    let engine = default_engine();
    let manifest = wishlist_manifest(&["read:products", "write:own-tables", "read:orders", "subscribe:events", "email:send"]);
    let report = modgate_host::verify::check_component(
        &manifest,
        &modgate_artifacts::read(WISHLIST),
        &manifest.permissions,
        engine.registry(),
        engine.config().max_component_bytes,
    );
    assert!(!report.is_refused(), "{:?}", report.problems);
    assert_eq!(report.unused_permissions, vec![Permission::ReadOrders]);
    assert!(report.warnings.iter().any(|w| w.contains("read:orders")));
}

#[test]
fn inert_wasi_of_any_0_2_patch_version_links_and_grants_nothing() {
    let engine = default_engine();
    for version in ["0.2.0", "0.2.3", "0.2.6", "0.2.12"] {
        let bytes = component_with_imports(&format!(
            r#"(import "wasi:cli/environment@{version}" (instance
                   (export "get-environment" (func (result (list (tuple string string)))))))
               (import "wasi:random/random@{version}" (instance
                   (export "get-random-u64" (func (result u64)))))"#
        ));
        let manifest = manifest("inert", &[]);
        let report = modgate_host::verify::check_component(
            &manifest,
            &bytes,
            &BTreeSet::new(),
            engine.registry(),
            engine.config().max_component_bytes,
        );
        let classes: Vec<_> = report.imports.iter().filter(|i| i.name.starts_with("wasi:")).map(|i| i.class).collect();
        assert_eq!(classes, [Some(ImportClass::Inert), Some(ImportClass::AlwaysAvailable)], "{version}");
        let module = engine
            .load(manifest, &bytes, BTreeSet::new())
            .unwrap_or_else(|e| panic!("WASI {version} must link: {e}"));
        modgate_tests::run(async {
            module.activate(&acme(), "{}").await.expect("activates");
        });
    }
}
