use std::collections::BTreeSet;
use std::path::Path;

use super::*;

fn request(name: &str, language: ModuleLanguage, features: &[Feature]) -> ScaffoldRequest {
    ScaffoldRequest {
        name: name.to_owned(),
        language,
        features: features.iter().copied().collect(),
    }
}

fn make(parent: &Path, request: &ScaffoldRequest) -> Result<Scaffolded, ScaffoldError> {
    scaffold(
        request,
        parent,
        &templates_dir(),
        Path::new("/usr/local/bin/modgate"),
    )
}

#[test]
fn a_name_the_manifest_refuses_is_refused_with_the_manifests_message() {
    let parent = tempfile::tempdir().unwrap();
    for bad in ["Gift_Wrap", "shop-", "gift--wrap", "9lives"] {
        let error = make(parent.path(), &request(bad, ModuleLanguage::Rust, &[])).unwrap_err();
        assert_eq!(error.code(), "invalid-name");
        let manifest_error = bad.parse::<ModuleName>().unwrap_err();
        assert_eq!(error.to_string(), manifest_error.to_string(), "{bad}");
    }
    assert_eq!(
        std::fs::read_dir(parent.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn a_name_too_long_for_its_table_names_is_refused_by_the_manifest_check() {
    let parent = tempfile::tempdir().unwrap();
    let long = "a".repeat(60);
    let error = make(
        parent.path(),
        &request(&long, ModuleLanguage::Rust, &[Feature::Tables]),
    )
    .unwrap_err();
    assert_eq!(error.code(), "invalid-manifest", "{error}");
    assert!(error.to_string().contains("mod_aaaa"), "{error}");
    assert_eq!(
        std::fs::read_dir(parent.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn an_existing_folder_is_never_overwritten() {
    let parent = tempfile::tempdir().unwrap();
    std::fs::create_dir(parent.path().join("taken")).unwrap();
    std::fs::write(parent.path().join("taken/keep.txt"), "mine").unwrap();
    let error = make(
        parent.path(),
        &request("taken", ModuleLanguage::Python, &[]),
    )
    .unwrap_err();
    assert_eq!(error.code(), "folder-exists");
    assert_eq!(
        std::fs::read_to_string(parent.path().join("taken/keep.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn the_manifest_asks_only_for_the_permissions_the_features_need() {
    let parent = tempfile::tempdir().unwrap();
    let cases: [(&str, &[Feature], &[&str]); 4] = [
        ("bare", &[], &[]),
        (
            "routes",
            &[Feature::Serve, Feature::Slots, Feature::Hooks],
            &[],
        ),
        ("listener", &[Feature::Events], &["subscribe:events"]),
        (
            "everything",
            &Feature::ALL,
            &["subscribe:events", "write:own-tables"],
        ),
    ];
    for (name, features, expected) in cases {
        for language in [
            ModuleLanguage::Rust,
            ModuleLanguage::Python,
            ModuleLanguage::JavaScript,
        ] {
            let name = format!("{name}-{}", language.as_str());
            let made = make(parent.path(), &request(&name, language, features)).unwrap();
            assert_eq!(made.permissions, expected, "{name}");
            let manifest = std::fs::read_to_string(made.dir.join("module.toml")).unwrap();
            let verified = modgate_manifest::verify_manifest(&manifest, &CORE_VERSION).unwrap();
            let declared: BTreeSet<String> = verified
                .manifest
                .permissions
                .iter()
                .map(|p| p.to_string())
                .collect();
            let expected: BTreeSet<String> = expected.iter().map(|p| p.to_string()).collect();
            assert_eq!(declared, expected, "{name}");
            assert_eq!(
                verified.manifest.routes.is_empty(),
                !features.contains(&Feature::Serve),
                "{name}"
            );
            assert_eq!(
                verified.manifest.hooks.is_empty(),
                !features.contains(&Feature::Hooks),
                "{name}"
            );
        }
    }
}

#[test]
fn each_language_writes_its_sources_a_test_the_fixtures_and_a_readme() {
    let parent = tempfile::tempdir().unwrap();
    let expected: [(ModuleLanguage, &[&str]); 3] = [
        (
            ModuleLanguage::Rust,
            &[
                "Cargo.toml",
                "src/lib.rs",
                "src/messages.rs",
                "src/notes.rs",
            ],
        ),
        (
            ModuleLanguage::Python,
            &["app.py", "messages.py", "test_messages.py", "notes.py"],
        ),
        (
            ModuleLanguage::JavaScript,
            &["index.js", "messages.js", "messages.test.js", "notes.js"],
        ),
    ];
    for (language, sources) in expected {
        let name = format!("full-{}", language.as_str());
        let made = make(parent.path(), &request(&name, language, &Feature::ALL)).unwrap();
        for file in sources
            .iter()
            .chain(&["module.toml", "fixtures.toml", "README.md"])
        {
            assert!(
                made.files.contains(&PathBuf::from(file)),
                "{name}: {file} missing from {:?}",
                made.files
            );
        }
        let readme = std::fs::read_to_string(made.dir.join("README.md")).unwrap();
        assert!(
            readme.contains("modgate run . --route 'GET /hello' --as cust_123"),
            "{readme}"
        );
        assert!(readme.contains("/usr/local/bin/modgate"), "{readme}");
        let leftovers: Vec<_> = std::fs::read_dir(parent.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(".modgate-new-"))
            .collect();
        assert!(leftovers.is_empty(), "no staging folder left behind");
    }
}

#[test]
fn without_tables_no_table_file_is_written() {
    let parent = tempfile::tempdir().unwrap();
    let made = make(
        parent.path(),
        &request("plain", ModuleLanguage::Rust, &[Feature::Serve]),
    )
    .unwrap();
    assert!(
        !made.files.contains(&PathBuf::from("src/notes.rs")),
        "{:?}",
        made.files
    );
    let lib = std::fs::read_to_string(made.dir.join("src/lib.rs")).unwrap();
    assert!(!lib.contains("mod notes"), "{lib}");
}

#[test]
fn unknown_features_and_languages_are_named_with_the_choices() {
    assert_eq!(
        "webhooks".parse::<Feature>().unwrap_err(),
        "unknown feature \"webhooks\": use any of serve, slots, events, hooks, tables"
    );
    assert_eq!(
        "go".parse::<ModuleLanguage>().unwrap_err(),
        "unknown language \"go\": use rust, python or js"
    );
}
