//! The wiring rules on names alone (`plan`), and the type check of a wire
//! on hand-written components (`types`). The same rules end to end, with
//! built guest components, are in `tests/dependencies/`.

use super::plan::{Wire, plan};
use super::types::wired_functions;
use crate::verify::{ComponentSurface, Problem, ProblemCode};

fn surface(imports: &[&str], exports: &[&str]) -> ComponentSurface {
    ComponentSurface {
        imports: imports.iter().map(|s| (*s).to_owned()).collect(),
        exports: exports.iter().map(|s| (*s).to_owned()).collect(),
    }
}

const GREETER: &str = "acme:text/greeter@0.1.0";
const CASING: &str = "acme:text/casing@0.1.0";
const LIFECYCLE: &str = "modgate:host/lifecycle@1.0.0";
const LOG: &str = "modgate:host/log@1.0.0";

fn codes_and_paths(problems: &[Problem]) -> Vec<(ProblemCode, Option<&str>, &str)> {
    problems.iter().map(|p| (p.code, p.path.as_deref(), p.subject.as_str())).collect()
}

#[test]
fn a_tree_of_three_is_wired_providers_first_with_each_path() {
    let main = surface(&[LOG, GREETER], &[LIFECYCLE]);
    let casing = surface(&[], &[CASING]);
    let greeter = surface(&[CASING, LOG], &[GREETER]);
    let planned = plan("wishlist", &main, &[("casing", &casing), ("greeter", &greeter)]).unwrap();
    assert_eq!(planned.main, [Wire { interface: GREETER.into(), provider: 1 }]);
    assert_eq!(planned.dependencies, [vec![], vec![Wire { interface: CASING.into(), provider: 0 }]]);
    assert_eq!(planned.order, [0, 1]);
    assert_eq!(planned.paths, ["wishlist>greeter>casing", "wishlist>greeter"]);
    assert!(planned.unused.is_empty());
}

#[test]
fn an_import_no_dependency_exports_is_unsatisfied_naming_the_importer() {
    let main = surface(&[GREETER], &[LIFECYCLE]);
    let greeter = surface(&[CASING], &[GREETER]);
    let problems = plan("wishlist", &main, &[("greeter", &greeter)]).unwrap_err();
    assert_eq!(codes_and_paths(&problems), [(ProblemCode::UnsatisfiedImport, Some("wishlist>greeter"), CASING)]);
}

#[test]
fn a_problem_deep_in_the_tree_is_named_by_the_chain_that_reaches_it() {
    let main = surface(&[GREETER], &[LIFECYCLE]);
    let casing = surface(&["acme:text/locale@0.1.0"], &[CASING]);
    let greeter = surface(&[CASING], &[GREETER]);
    let problems = plan("wishlist", &main, &[("casing", &casing), ("greeter", &greeter)]).unwrap_err();
    assert_eq!(
        codes_and_paths(&problems),
        [(ProblemCode::UnsatisfiedImport, Some("wishlist>greeter>casing"), "acme:text/locale@0.1.0")]
    );
}

#[test]
fn another_version_of_an_interface_does_not_satisfy_an_import() {
    let main = surface(&["acme:text/greeter@0.2.0"], &[LIFECYCLE]);
    let greeter = surface(&[], &[GREETER]);
    let problems = plan("wishlist", &main, &[("greeter", &greeter)]).unwrap_err();
    assert_eq!(
        codes_and_paths(&problems),
        [(ProblemCode::UnsatisfiedImport, Some("wishlist"), "acme:text/greeter@0.2.0")]
    );
}

#[test]
fn an_import_two_dependencies_export_is_ambiguous() {
    let main = surface(&[GREETER], &[LIFECYCLE]);
    let one = surface(&[], &[GREETER]);
    let two = surface(&[], &[GREETER]);
    let problems = plan("wishlist", &main, &[("one", &one), ("two", &two)]).unwrap_err();
    assert_eq!(codes_and_paths(&problems), [(ProblemCode::AmbiguousImport, Some("wishlist"), GREETER)]);
    assert!(problems[0].message.contains("one, two"), "{}", problems[0].message);
}

#[test]
fn dependencies_importing_each_other_are_a_cycle_named_along_it() {
    let main = surface(&[GREETER], &[LIFECYCLE]);
    let greeter = surface(&[CASING], &[GREETER]);
    let casing = surface(&[GREETER], &[CASING]);
    // Told from the member nearest the main component, whatever the order.
    for order in [[("greeter", &greeter), ("casing", &casing)], [("casing", &casing), ("greeter", &greeter)]] {
        let problems = plan("wishlist", &main, &order).unwrap_err();
        assert_eq!(
            codes_and_paths(&problems),
            [(ProblemCode::DependencyCycle, Some("wishlist>greeter"), "wishlist>greeter>casing>greeter")]
        );
    }
}

#[test]
fn a_dependency_exporting_a_host_interface_is_refused() {
    let main = surface(&[LOG], &[LIFECYCLE]);
    let impostor = surface(&[], &[LOG, "wasi:http/outgoing-handler@0.2.6"]);
    let problems = plan("wishlist", &main, &[("impostor", &impostor)]).unwrap_err();
    assert_eq!(
        codes_and_paths(&problems),
        [
            (ProblemCode::ReservedExport, Some("wishlist>impostor"), LOG),
            (ProblemCode::ReservedExport, Some("wishlist>impostor"), "wasi:http/outgoing-handler@0.2.6"),
        ]
    );
}

#[test]
fn a_component_never_satisfies_its_own_import_and_an_unused_dependency_is_noted() {
    let main = surface(&[], &[LIFECYCLE]);
    let selfish = surface(&[GREETER], &[GREETER]);
    let problems = plan("wishlist", &main, &[("selfish", &selfish)]).unwrap_err();
    assert_eq!(codes_and_paths(&problems), [(ProblemCode::UnsatisfiedImport, Some("wishlist>selfish"), GREETER)]);

    let idle = surface(&[], &[CASING]);
    let planned = plan("wishlist", &main, &[("idle", &idle)]).unwrap();
    assert_eq!((planned.unused, planned.paths), (vec![0], vec!["wishlist>idle".to_owned()]));
}

/// A component exporting `acme:text/greeter@0.1.0` with `count: func() -> <result>`.
fn provider(result: &str, core_result: &str) -> String {
    format!(
        r#"(component
            (core module $m (func (export "count") (result {core_result}) i32.const 7))
            (core instance $i (instantiate $m))
            (func $count (result {result}) (canon lift (core func $i "count")))
            (instance $api (export "count" (func $count)))
            (export "{GREETER}" (instance $api)))"#
    )
}

/// A component importing `acme:text/greeter@0.1.0` as `ty`.
fn importer(ty: &str) -> String {
    format!(r#"(component (import "{GREETER}" (instance {ty})))"#)
}

fn wired(importer_wat: &str, provider_wat: &str) -> Result<Vec<String>, String> {
    let engine = wasmtime::Engine::default();
    let compile = |wat: &str| wasmtime::component::Component::new(&engine, wat::parse_str(wat).unwrap()).unwrap();
    let (importer, provider) = (compile(importer_wat), compile(provider_wat));
    wired_functions(&engine, &importer.component_type(), &provider.component_type(), GREETER)
}

#[test]
fn a_wire_with_the_same_function_types_forwards_its_functions() {
    let found = wired(&importer(r#"(export "count" (func (result u32)))"#), &provider("u32", "i32"));
    assert_eq!(found, Ok(vec!["count".to_owned()]));
}

#[test]
fn a_wire_whose_types_differ_or_whose_function_is_missing_is_refused() {
    let different = wired(&importer(r#"(export "count" (func (result s32)))"#), &provider("u32", "i32"));
    assert!(different.unwrap_err().contains("`count` has different parameter or result types"));
    let missing = wired(&importer(r#"(export "total" (func (result u32)))"#), &provider("u32", "i32"));
    assert!(missing.unwrap_err().contains("does not export the function `total`"));
}

#[test]
fn a_wire_passing_a_resource_is_refused() {
    let with_resource = wired(
        &importer(r#"(export "handle" (type $h (sub resource))) (export "count" (func (result u32)))"#),
        &provider("u32", "i32"),
    );
    assert!(with_resource.unwrap_err().contains("defines the resource `handle`"));
}
