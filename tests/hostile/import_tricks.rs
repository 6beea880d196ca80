//! Imports shaped to slip past the install-time check: the same interface
//! at two versions, versions the host does not implement (later majors,
//! minors and patches, pre-releases, build metadata, WASI 0.1 and 0.3), a
//! linked interface's name on something that is not that interface, and
//! nested components that import what the outer component re-imports or
//! satisfies itself. Each is refused with its exact [`ProblemCode`] — by
//! `verify` and `install` alike — or, where it is harmless, links and
//! grants nothing.
//!
//! `tests/refusals.rs` already pins the plain cases (an unknown package, a
//! later major `modgate:host/log@2.0.0`, `wasi:io/streams@0.3.0`,
//! `wasi:keyvalue`, a bare function import, a core module, inert WASI at
//! 0.2.0–0.2.12 linking); this file goes past them.

use std::collections::BTreeSet;

use modgate_host::engine::{Engine, LoadError};
use modgate_host::manifest::Permission;
use modgate_host::verify::{ImportClass, Problem, ProblemCode};
use modgate_tests::{acme, default_engine, manifest, minimal_with};

use super::{healthy, keeps_answering};

/// What `verify` (the engine's check) and `install` (`load`) both say of
/// `component` under `permissions`: `Err` with the problems, or `Ok` with
/// the classes of the top-level imports.
fn verdict(
    engine: &Engine,
    permissions: &[&str],
    component: &[u8],
) -> Result<Vec<(String, Option<ImportClass>)>, Vec<Problem>> {
    let manifest = manifest("tricky", permissions);
    let grants = manifest.permissions.clone();
    let checked = engine
        .check(&manifest, component, &Default::default(), &grants)
        .expect("the host builds its linker");
    match engine.load(manifest, component, grants) {
        Err(LoadError::Refused { report, .. }) => {
            assert_eq!(
                report.problems, checked.report.problems,
                "verify and install give the same problems"
            );
            Err(report.problems)
        }
        Err(other) => panic!("expected a refusal with problems, got {other}"),
        Ok(_) => {
            assert!(
                !checked.report.is_refused(),
                "install accepted what verify refused: {:?}",
                checked.report.problems
            );
            Ok(checked
                .report
                .imports
                .iter()
                .map(|i| (i.name.clone(), i.class))
                .collect())
        }
    }
}

/// One trick: its WAT (appended inside `minimal`), the permissions the
/// manifest asks for, and the codes it must be refused with, in order.
struct Trick {
    what: &'static str,
    wat: &'static str,
    permissions: &'static [&'static str],
    refused_with: &'static [ProblemCode],
}

fn tricks() -> Vec<Trick> {
    use ProblemCode::*;
    vec![
        Trick {
            what: "a later minor of a modgate interface",
            wat: r#"(import "modgate:host/settings@1.1.0" (instance (export "get" (func (result string)))))"#,
            permissions: &[],
            refused_with: &[UnsupportedVersion],
        },
        Trick {
            what: "a later patch of a modgate interface",
            wat: r#"(import "modgate:host/settings@1.0.1" (instance (export "get" (func (result string)))))"#,
            permissions: &[],
            refused_with: &[UnsupportedVersion],
        },
        Trick {
            what: "an earlier major of a modgate interface",
            wat: r#"(import "modgate:host/settings@0.9.0" (instance (export "get" (func (result string)))))"#,
            permissions: &[],
            refused_with: &[UnsupportedVersion],
        },
        Trick {
            what: "a pre-release of the host's own modgate version",
            wat: r#"(import "modgate:host/settings@1.0.0-rc.1" (instance (export "get" (func (result string)))))"#,
            permissions: &[],
            refused_with: &[UnsupportedVersion],
        },
        Trick {
            what: "a modgate interface with build metadata",
            wat: r#"(import "modgate:host/settings@1.0.0+evil" (instance (export "get" (func (result string)))))"#,
            permissions: &[],
            refused_with: &[UnsupportedVersion],
        },
        Trick {
            what: "a modgate interface without a version",
            wat: r#"(import "modgate:host/settings" (instance (export "get" (func (result string)))))"#,
            permissions: &[],
            refused_with: &[UnsupportedVersion],
        },
        Trick {
            what: "a later major of a granted capability",
            wat: r#"(import "modgate:commerce/products@2.0.0" (instance))"#,
            permissions: &["read:products"],
            refused_with: &[UnsupportedVersion],
        },
        Trick {
            what: "the same modgate interface at the host's version and a later minor",
            wat: r#"(import "modgate:host/settings@1.0.0" (instance (export "get" (func (result string)))))
                    (import "modgate:host/settings@1.1.0" (instance (export "get" (func (result string)))))"#,
            permissions: &[],
            refused_with: &[UnsupportedVersion],
        },
        Trick {
            what: "the same WASI interface at 0.2 and 0.3",
            wat: r#"(import "wasi:random/random@0.2.3" (instance (export "get-random-u64" (func (result u64)))))
                    (import "wasi:random/random@0.3.0" (instance (export "get-random-u64" (func (result u64)))))"#,
            permissions: &[],
            refused_with: &[UnsupportedVersion],
        },
        Trick {
            what: "a WASI 0.3 pre-release (wasi:http/handler)",
            wat: r#"(import "wasi:http/handler@0.3.0-rc-2025-09-16" (instance))"#,
            permissions: &[],
            refused_with: &[UnsupportedVersion],
        },
        Trick {
            what: "a WASI 0.3 clock",
            wat: r#"(import "wasi:clocks/monotonic-clock@0.3.0" (instance (export "now" (func (result u64)))))"#,
            permissions: &[],
            refused_with: &[UnsupportedVersion],
        },
        Trick {
            what: "a WASI 0.2 pre-release",
            wat: r#"(import "wasi:cli/environment@0.2.0-rc-2023-11-10" (instance))"#,
            permissions: &[],
            refused_with: &[UnsupportedVersion],
        },
        Trick {
            what: "a WASI version that only starts like 0.2",
            wat: r#"(import "wasi:cli/environment@0.20.0" (instance))"#,
            permissions: &[],
            refused_with: &[UnsupportedVersion],
        },
        Trick {
            what: "WASI 1.0",
            wat: r#"(import "wasi:cli/environment@1.0.0" (instance))"#,
            permissions: &[],
            refused_with: &[UnsupportedVersion],
        },
        Trick {
            what: "a later 0.2 patch of inert WASI with a function the host does not have",
            wat: r#"(import "wasi:cli/environment@0.2.99" (instance
                        (export "get-environment" (func (result (list (tuple string string)))))
                        (export "get-host-secrets" (func (result (list string))))))"#,
            permissions: &[],
            refused_with: &[IncompatibleImport],
        },
        Trick {
            what: "a linked interface with a function of another type",
            wat: r#"(import "wasi:filesystem/preopens@0.2.3" (instance (export "get-directories" (func (result string)))))"#,
            permissions: &[],
            refused_with: &[IncompatibleImport],
        },
        Trick {
            what: "a linked interface's name on a bare function",
            wat: r#"(import "wasi:cli/environment@0.2.3" (func (result (list (tuple string string)))))"#,
            permissions: &[],
            refused_with: &[IncompatibleImport],
        },
        Trick {
            what: "a linked interface's name on a core module",
            wat: r#"(import "modgate:host/log@1.0.0" (core module))"#,
            permissions: &[],
            refused_with: &[IncompatibleImport],
        },
        Trick {
            what: "a linked interface's name on a component (wasmtime links no component imports)",
            wat: r#"(import "modgate:host/log@1.0.0" (component))"#,
            permissions: &[],
            refused_with: &[InvalidComponent],
        },
        Trick {
            what: "importing what modules export (lifecycle)",
            wat: r#"(import "modgate:host/lifecycle@1.0.0" (instance))"#,
            permissions: &[],
            refused_with: &[UnknownImport],
        },
        Trick {
            what: "importing what serving modules export (incoming-handler)",
            wat: r#"(import "wasi:http/incoming-handler@0.2.3" (instance))"#,
            permissions: &[],
            refused_with: &[UnknownImport],
        },
        Trick {
            what: "a look-alike package (modgate:hosts)",
            wat: r#"(import "modgate:hosts/tables@1.0.0" (instance))"#,
            permissions: &["write:own-tables"],
            refused_with: &[UnknownImport],
        },
        Trick {
            what: "a WASI 0.1 instance import (wasi-snapshot-preview1)",
            wat: r#"(import "wasi-snapshot-preview1" (instance (export "fd-write" (func (param "fd" u32) (result u32)))))"#,
            permissions: &[],
            refused_with: &[UnknownImport],
        },
        Trick {
            what: "a WASI 0.1 core module import",
            wat: r#"(import "wasi-snapshot-preview1" (core module (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))))"#,
            permissions: &[],
            refused_with: &[UnknownImport],
        },
        Trick {
            what: "a nested component whose ungranted import the outer re-imports",
            wat: r#"(import "modgate:host/tables@1.0.0" (instance $tables))
                    (component $inner (import "modgate:host/tables@1.0.0" (instance)))
                    (instance (instantiate $inner (with "modgate:host/tables@1.0.0" (instance $tables))))"#,
            permissions: &[],
            refused_with: &[UngrantedImport],
        },
        Trick {
            what: "a nested component whose unknown import the outer re-imports under another name",
            wat: r#"(import "wasi:cli/environment@0.2.3" (instance $env))
                    (import "acme:evil/backdoor@1.0.0" (instance $evil))
                    (component $inner (import "wasi:cli/environment@0.2.3" (instance)))
                    (instance (instantiate $inner (with "wasi:cli/environment@0.2.3" (instance $evil))))"#,
            permissions: &[],
            refused_with: &[UnknownImport],
        },
    ]
}

#[test]
fn every_import_trick_is_refused_with_its_code() {
    let engine = default_engine();
    let mut wrong = Vec::new();
    for trick in tricks() {
        let bytes = match wat::parse_str(minimal_wat(trick.wat)) {
            Ok(bytes) => bytes,
            Err(e) => {
                wrong.push(format!("{}: the WAT does not build: {e}", trick.what));
                continue;
            }
        };
        match verdict(&engine, trick.permissions, &bytes) {
            Ok(imports) => wrong.push(format!("{}: accepted, imports {imports:?}", trick.what)),
            Err(problems) => {
                let codes: Vec<ProblemCode> = problems.iter().map(|p| p.code).collect();
                if codes != trick.refused_with {
                    wrong.push(format!("{}: refused with {problems:?}", trick.what));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} tricks not refused as expected:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    modgate_tests::run(keeps_answering(&healthy(&engine)));
}

/// The text of `minimal` with `wat` appended, parsed by the caller (so a
/// trick the WAT tooling itself refuses is reported, not a panic).
fn minimal_wat(wat: &str) -> String {
    let minimal = wasmprinter::print_bytes(modgate_artifacts::read(modgate_artifacts::MINIMAL))
        .expect("minimal prints");
    let body = minimal
        .trim_end()
        .strip_suffix(')')
        .expect("a component ends with `)`");
    format!("{body}\n{wat}\n)")
}

/// Imports the host links, and only with no authority: accepted, and the
/// module gets no permission from them.
#[test]
fn harmless_shapes_link_and_grant_nothing() {
    let engine = default_engine();
    let cases: [(&str, &str); 5] = [
        (
            "the same WASI interface at two 0.2 patches (both link to the one inert implementation)",
            r#"(import "wasi:random/random@0.2.0" (instance (export "get-random-u64" (func (result u64)))))
               (import "wasi:random/random@0.2.3" (instance (export "get-random-u64" (func (result u64)))))"#,
        ),
        (
            "a later 0.2 patch of inert WASI than the host's own",
            r#"(import "wasi:cli/environment@0.2.99" (instance
                   (export "get-environment" (func (result (list (tuple string string)))))))"#,
        ),
        (
            "a nested component whose unknown import the outer satisfies itself",
            r#"(core module $impl (func (export "open")))
               (core instance $impl (instantiate $impl))
               (func $open (canon lift (core func $impl "open")))
               (instance $fake (export "open" (func $open)))
               (component $inner (import "acme:evil/backdoor@1.0.0" (instance (export "open" (func)))))
               (instance (instantiate $inner (with "acme:evil/backdoor@1.0.0" (instance $fake))))"#,
        ),
        (
            "a nested component that imports an ungranted capability but is never instantiated",
            r#"(component $inner (import "modgate:host/tables@1.0.0" (instance)) (import "wasi:keyvalue/store@0.2.0" (instance)))"#,
        ),
        (
            "a nested component handed the outer's own settings",
            r#"(import "modgate:host/settings@1.0.0" (instance $settings (export "get" (func (result string)))))
               (component $inner (import "modgate:host/settings@1.0.0" (instance (export "get" (func (result string))))))
               (instance (instantiate $inner (with "modgate:host/settings@1.0.0" (instance $settings))))"#,
        ),
    ];
    for (what, wat) in cases {
        let imports = match verdict(&engine, &[], &minimal_with(wat)) {
            Ok(imports) => imports,
            Err(problems) => panic!("{what}: refused: {problems:?}"),
        };
        for (name, class) in &imports {
            assert!(
                matches!(
                    class,
                    Some(ImportClass::Inert | ImportClass::AlwaysAvailable)
                ),
                "{what}: {name} is {class:?}"
            );
        }
        let module = engine
            .load(
                manifest("harmless", &[]),
                &minimal_with(wat),
                BTreeSet::<Permission>::new(),
            )
            .expect("loads");
        assert!(module.grants().is_empty(), "{what}");
        modgate_tests::run(async {
            module
                .activate(&acme(), "{}")
                .await
                .unwrap_or_else(|e| panic!("{what}: {e}"));
        });
    }
    modgate_tests::run(keeps_answering(&healthy(&engine)));
}
