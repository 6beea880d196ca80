//! `modgate verify` and `install` agree: a component verify accepts always
//! installs (up to its own `activate`), and one it refuses is refused by
//! install with the same problems. Checked over every component the suites
//! build, each with the manifest it needs and with a bare one, plus
//! components broken on purpose in the ways wasmtime's linker notices.

use std::path::Path;
use std::time::Duration;

use modgate_host::contract::{Access, InterfaceName, WasiAccess, modgate_interface, wasi_access};
use modgate_host::engine::{Budget, EngineConfig, InvocationContext, LoadError};
use modgate_host::lifecycle::{InstallError, InstallRequest, ModuleSource};
use modgate_host::storage::Backend;
use modgate_host::storage::module_sql::SqlLimits;
use modgate_host::verify::{ProblemCode, decode_surface, verify_module_dir};
use modgate_tests::{TestHost, acme, minimal_with};

/// Problem codes when refused, `None` when accepted.
type Verdict = Option<Vec<ProblemCode>>;

fn quick_activation() -> EngineConfig {
    let mut config = EngineConfig::default();
    config.budgets.set(
        InvocationContext::Activate,
        Budget { ops: 100, fuel: 50_000_000, wall_clock: Duration::from_millis(300) },
    );
    config
}

async fn host() -> TestHost {
    modgate_tests::test_host_configured(Backend::Sqlite, SqlLimits::default(), quick_activation())
        .await
        .expect("sqlite")
}

/// The verdict of `modgate verify` on a folder holding `manifest` and `bytes`.
fn verify_verdict(host: &TestHost, manifest: &str, bytes: &[u8]) -> Verdict {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("module.toml"), format!("component = \"component.wasm\"\n{manifest}")).unwrap();
    std::fs::write(dir.path().join("component.wasm"), bytes).unwrap();
    let report = verify_module_dir(dir.path(), host.lifecycle.engine());
    let problems = report.all_problems();
    (!problems.is_empty()).then(|| problems.iter().map(|p| p.code).collect())
}

/// The verdict of an install: refused by its checks, or accepted (whatever
/// the module's own `activate` then did).
async fn install_verdict(host: &TestHost, manifest: &str, bytes: &[u8]) -> Verdict {
    let source = ModuleSource::new(manifest.to_owned(), bytes.to_vec());
    let name = modgate_host::manifest::verify_manifest(manifest, &modgate_host::CORE_VERSION)
        .expect("test manifests are valid")
        .manifest
        .name;
    // The operator's acknowledgement is given: this is about the component.
    let request = InstallRequest { acknowledge_risk: true, ..InstallRequest::new(source, acme()) };
    match host.lifecycle.install(request).await {
        Ok(_) => {
            host.lifecycle.uninstall(&acme(), name.as_str(), true).await.expect("uninstall");
            None
        }
        Err(InstallError::Load(refused)) => match *refused {
            LoadError::Refused { report, .. } => Some(report.problems.iter().map(|p| p.code).collect()),
            other => panic!("install failed in the host: {other}"),
        },
        Err(_) => None,
    }
}

async fn assert_agree(host: &TestHost, what: &str, manifest: &str, bytes: &[u8]) -> Verdict {
    let verified = verify_verdict(host, manifest, bytes);
    let installed = install_verdict(host, manifest, bytes).await;
    assert_eq!(verified, installed, "verify and install disagree on {what}\n{manifest}");
    verified
}

/// The manifest a component needs: the permissions of its imports, a route
/// when it serves HTTP, a slot when it renders slots.
fn manifest_for(name: &str, bytes: &[u8]) -> String {
    let surface = decode_surface(bytes).expect("suite components decode");
    let mut permissions: Vec<String> = surface
        .imports
        .iter()
        .filter_map(|import| {
            let parsed = InterfaceName::parse(import)?;
            let permission = match modgate_interface(parsed.interface).map(|i| i.access) {
                Some(Access::Permission(p)) => Some(p),
                _ => match wasi_access(parsed.interface) {
                    Some(WasiAccess::Permission(p)) => Some(p),
                    _ => None,
                },
            }?;
            Some(format!("{:?}", permission.as_str()))
        })
        .collect();
    permissions.sort();
    permissions.dedup();
    let exports = |interface: &str| surface.exports.iter().any(|e| e.starts_with(interface));
    let mut toml = format!(
        "name = {name:?}\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\npermissions = [{}]\n",
        permissions.join(", ")
    );
    if exports("modgate:host/slot-provider") {
        toml.push_str("slots = [\"product-card.badges\"]\n");
    }
    if exports("wasi:http/incoming-handler") {
        toml.push_str("\n[[routes]]\nmethod = \"GET\"\npath = \"/x\"\n");
    }
    toml
}

fn bare(name: &str) -> String {
    format!("name = {name:?}\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n")
}

#[test]
fn verify_and_install_agree_on_every_component_the_suites_build() {
    modgate_tests::run(async {
        let host = host().await;
        let mut accepted = 0;
        for (name, path) in modgate_artifacts::ALL {
            let bytes = modgate_artifacts::read(path);
            let needed = manifest_for(name, &bytes);
            if assert_agree(&host, name, &needed, &bytes).await.is_none() {
                accepted += 1;
            }
            assert_agree(&host, &format!("{name} with a bare manifest"), &bare(name), &bytes).await;
        }
        assert!(accepted >= modgate_artifacts::ALL.len() / 2, "most suite components are accepted as built");
    });
}

#[test]
fn verify_and_install_agree_on_components_broken_on_purpose() {
    let lifecycle_with_wrong_type = r#"(component
        (core module $m (func (export "activate")))
        (core instance $i (instantiate $m))
        (func $activate (canon lift (core func $i "activate")))
        (instance $lifecycle (export "activate" (func $activate)))
        (export "modgate:host/lifecycle@1.0.0" (instance $lifecycle))
    )"#;
    let cases: Vec<(&str, Vec<u8>, ProblemCode)> = vec![
        (
            "a pre-release WASI import",
            minimal_with(r#"(import "wasi:random/random@0.2.0-rc-2023-11-10" (instance (export "get-random-u64" (func (result u64)))))"#),
            ProblemCode::UnsupportedVersion,
        ),
        (
            "a pre-release modgate import",
            minimal_with(r#"(import "modgate:host/types@1.0.0-rc.1" (instance))"#),
            ProblemCode::UnsupportedVersion,
        ),
        (
            "an import whose function has another signature",
            minimal_with(r#"(import "wasi:random/random@0.2.3" (instance (export "get-random-u64" (func (result u32)))))"#),
            ProblemCode::IncompatibleImport,
        ),
        (
            "an import of a function the interface does not have",
            minimal_with(r#"(import "modgate:host/log@1.0.0" (instance (export "log-everything" (func))))"#),
            ProblemCode::IncompatibleImport,
        ),
        (
            "a lifecycle export of the wrong type",
            wat::parse_str(lifecycle_with_wrong_type).unwrap(),
            ProblemCode::IncompatibleExport,
        ),
        (
            "more memories than the cap",
            minimal_with(&("(core module $m (memory 1))\n".to_owned() + &"(core instance (instantiate $m))\n".repeat(8))),
            ProblemCode::TooManyMemories,
        ),
    ];
    modgate_tests::run(async {
        let host = host().await;
        for (what, bytes, expected) in cases {
            let verdict = assert_agree(&host, what, &bare("broken"), &bytes).await;
            let codes = verdict.unwrap_or_else(|| panic!("{what} must be refused"));
            assert_eq!(codes, [expected], "{what}");
        }
    });
}

#[test]
fn a_link_refusal_names_the_import_and_function_never_the_linker_text() {
    modgate_tests::run(async {
        let host = host().await;
        let dir = tempfile::tempdir().unwrap();
        let bytes = minimal_with(r#"(import "wasi:random/random@0.2.3" (instance (export "get-random-u64" (func (result u32)))))"#);
        std::fs::write(dir.path().join("module.toml"), format!("component = \"c.wasm\"\n{}", bare("broken"))).unwrap();
        std::fs::write(dir.path().join("c.wasm"), &bytes).unwrap();
        let report = verify_module_dir(Path::new(dir.path()), host.lifecycle.engine());
        let problems = report.all_problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        let problem = problems[0];
        assert_eq!(problem.subject, "wasi:random/random@0.2.3");
        assert!(problem.message.contains("get-random-u64"), "{problem}");
        let text = report.to_string();
        assert!(!text.contains("matching implementation was not found"), "linker text leaked:\n{text}");
        assert!(!text.contains("host bug"), "{text}");
    });
}
