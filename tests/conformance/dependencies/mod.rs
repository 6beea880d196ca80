//! The composition rules of per-dependency grants as a corpus another host
//! can run (`README.md` here says how): each folder of `cases/` is a
//! module.toml with the components to give for it and the verdict, exactly
//! — accepted with each component's path and grants, or refused with each
//! problem's code, path and subject. This runner holds modgate to it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use modgate_host::engine::{DependencyComponents, Engine, LoadError};
use modgate_tests::{default_engine, manifest_from};

/// The built test components a case may name (the others are `.wat` files).
fn test_component(name: &str) -> Option<&'static str> {
    Some(match name {
        "dep-user" => modgate_artifacts::DEP_USER,
        "dep-user-notes" => modgate_artifacts::DEP_USER_NOTES,
        "dep-greeter" => modgate_artifacts::DEP_GREETER,
        "dep-casing" => modgate_artifacts::DEP_CASING,
        "dep-fetcher" => modgate_artifacts::DEP_FETCHER,
        "dep-notes" => modgate_artifacts::DEP_NOTES,
        "conformance-http-outbound" => modgate_artifacts::CONFORMANCE_HTTP_OUTBOUND,
        _ => return None,
    })
}

fn here() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance/dependencies")
}

fn component(name: &str) -> Vec<u8> {
    if name.ends_with(".wat") {
        return wat::parse_file(here().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let path = test_component(name).unwrap_or_else(|| panic!("no test component {name}"));
    modgate_artifacts::read(path)
}

/// A problem as the corpus states it: `subject` is a prefix of the host's
/// subject (an interface's version may follow).
fn matches(expected: &serde_json::Value, code: &str, path: Option<&str>, subject: &str) -> bool {
    expected["code"] == code
        && expected["path"].as_str() == path
        && expected["subject"].as_str().is_some_and(|prefix| subject.starts_with(prefix))
}

/// What modgate does with one case, against what the case says; `None`
/// when they agree.
fn disagreement(engine: &Engine, case: &Path) -> Option<String> {
    let manifest = manifest_from(&std::fs::read_to_string(case.join("module.toml")).expect("module.toml"));
    let expect: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(case.join("expect.json")).expect("expect.json")).expect("expect.json is JSON");
    let main = component(expect["main"].as_str().expect("main"));
    let dependencies: DependencyComponents = expect["dependencies"]
        .as_object()
        .expect("dependencies")
        .iter()
        .map(|(name, file)| (name.clone(), component(file.as_str().expect("a component name"))))
        .collect();
    let grants = manifest.permissions.clone();
    match (engine.load_tree(manifest, &main, &dependencies, grants), expect.get("accepted")) {
        (Ok(module), Some(accepted)) => {
            let mut tree: Vec<serde_json::Value> =
                module.component_grants().iter().map(|c| serde_json::to_value(c).expect("serialisable")).collect();
            tree.sort_by_key(|c| c["path"].as_str().unwrap_or_default().to_owned());
            (serde_json::Value::Array(tree.clone()) != *accepted).then(|| format!("accepted with the tree {tree:?}"))
        }
        (Ok(_), None) => Some("accepted, but the case expects a refusal".to_owned()),
        (Err(LoadError::Refused { report, .. }), None) => {
            let expected = expect["refused"].as_array().expect("refused");
            let mut unmatched: Vec<&serde_json::Value> = expected.iter().collect();
            let mut unexpected = Vec::new();
            for problem in &report.problems {
                let code = problem.code.as_str();
                match unmatched.iter().position(|e| matches(e, code, problem.path.as_deref(), &problem.subject)) {
                    Some(at) => {
                        unmatched.remove(at);
                    }
                    None => unexpected.push(problem.to_string()),
                }
            }
            (!unmatched.is_empty() || !unexpected.is_empty())
                .then(|| format!("missing {unmatched:?}; not in the case: {unexpected:?}"))
        }
        (Err(error), _) => Some(format!("failed: {error}")),
    }
}

#[test]
fn every_composition_case_has_the_verdict_it_states() {
    let engine = default_engine();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(here().join("cases"))
        .expect("cases/")
        .map(|entry| entry.expect("an entry").path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "the corpus lost cases: {cases:?}");
    let disagreements: BTreeMap<String, String> = cases
        .iter()
        .filter_map(|case| {
            let name = case.file_name()?.to_string_lossy().into_owned();
            disagreement(&engine, case).map(|why| (name, why))
        })
        .collect();
    assert!(disagreements.is_empty(), "cases modgate disagrees with: {disagreements:#?}");
}
