//! Golden files for the user-facing error report.
//!
//! `golden/invalid/NN-name.toml` must be refused with exactly the lines of
//! `golden/invalid/NN-name.expected` (the `Display` of `ManifestErrors`, one line per error).
//! The expected files are written by hand from the rules; when output and file disagree,
//! decide which one is wrong — there is deliberately no "bless" switch.
//! `golden/valid/*.toml` must verify without errors or warnings.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use modgate_manifest::{ManifestErrorCode, Permission, verify_manifest_file};
use semver::Version;

/// Core version of the host the golden files are verified against.
fn host() -> Version {
    Version::new(1, 2, 0)
}

fn golden_dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(kind)
}

fn manifests(kind: &str) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fs::read_dir(golden_dir(kind))
        .expect("golden folder exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn invalid_manifests_report_exactly_the_expected_errors() {
    let mut failures = Vec::new();
    for path in manifests("invalid") {
        let expected_path = path.with_extension("expected");
        let expected = fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{} needs a .expected file", path.display()));
        let actual = match verify_manifest_file(&path, &host()) {
            Ok(_) => "(verified without errors)".to_owned(),
            Err(errors) => errors.to_string(),
        };
        if actual.trim_end() != expected.trim_end() {
            failures.push(format!(
                "--- {}\nexpected:\n{}\nactual:\n{}\n",
                path.display(),
                expected.trim_end(),
                actual
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn invalid_golden_files_cover_every_error_code_but_io() {
    let mut covered = BTreeSet::new();
    for path in manifests("invalid") {
        if let Err(errors) = verify_manifest_file(&path, &host()) {
            covered.extend(errors.codes());
        }
    }
    let all = [
        ManifestErrorCode::TooLarge,
        ManifestErrorCode::Syntax,
        ManifestErrorCode::UnknownKey,
        ManifestErrorCode::MissingKey,
        ManifestErrorCode::WrongType,
        ManifestErrorCode::InvalidName,
        ManifestErrorCode::InvalidVersion,
        ManifestErrorCode::InvalidCoreRange,
        ManifestErrorCode::IncompatibleCore,
        ManifestErrorCode::InvalidDescription,
        ManifestErrorCode::InvalidComponent,
        ManifestErrorCode::UnknownPermission,
        ManifestErrorCode::DuplicatePermission,
        ManifestErrorCode::InvalidTable,
        ManifestErrorCode::InvalidColumn,
        ManifestErrorCode::InvalidIndex,
        ManifestErrorCode::DuplicateTable,
        ManifestErrorCode::UnknownSlot,
        ManifestErrorCode::DuplicateSlot,
        ManifestErrorCode::InvalidRoute,
        ManifestErrorCode::DuplicateRoute,
        ManifestErrorCode::InvalidHook,
        ManifestErrorCode::InvalidSubscription,
        ManifestErrorCode::InvalidSettingsSchema,
        ManifestErrorCode::PermissionRequired,
        ManifestErrorCode::InvalidDependency,
        ManifestErrorCode::DependencyPermissionNotRequested,
    ];
    let missing: Vec<_> = all.iter().filter(|code| !covered.contains(code)).collect();
    assert!(missing.is_empty(), "no golden file for {missing:?}");
    assert!(manifests("invalid").len() >= 27);
}

#[test]
fn valid_manifests_verify_without_errors_or_warnings() {
    let valid = manifests("valid");
    assert!(valid.len() >= 3);
    for path in valid {
        match verify_manifest_file(&path, &host()) {
            Ok(verified) => assert!(
                verified.warnings.is_empty(),
                "{}: unexpected warnings {:?}",
                path.display(),
                verified.warnings
            ),
            Err(errors) => panic!("{} was refused:\n{errors}", path.display()),
        }
    }
}

#[test]
fn the_full_example_reads_every_section() {
    let verified =
        verify_manifest_file(&golden_dir("valid").join("03-every-section.toml"), &host())
            .expect("valid");
    let manifest = verified.manifest;
    assert_eq!(manifest.name.as_str(), "wishlist");
    assert_eq!(manifest.name.table_prefix(), "mod_wishlist_");
    assert_eq!(
        manifest.component.as_deref(),
        Some(Path::new("build/wishlist.wasm"))
    );
    assert_eq!(manifest.permissions.len(), 6);
    assert_eq!(manifest.tables.len(), 2);
    assert_eq!(manifest.tables[0].suffix, "items");
    assert_eq!(manifest.tables[0].columns.len(), 8);
    assert_eq!(manifest.tables[0].indexes.len(), 3);
    assert_eq!(manifest.slots.len(), 4);
    assert_eq!(manifest.routes.len(), 5);
    assert_eq!(manifest.hooks.len(), 6);
    assert_eq!(manifest.hooks[3].action.as_deref(), Some("add-to-wishlist"));
    assert_eq!(manifest.subscriptions.len(), 5);
    let dependencies: Vec<&str> = manifest
        .dependencies
        .iter()
        .map(|dependency| dependency.name.as_str())
        .collect();
    assert_eq!(dependencies, ["formatter", "mailer"]);
    assert_eq!(
        manifest.dependencies[1].component,
        Path::new("build/deps/mailer.wasm")
    );
    assert!(manifest.requests(Permission::EmailSend));
    assert!(!manifest.main_permissions().contains(&Permission::EmailSend));
    assert_eq!(manifest.main_permissions().len(), 5);
    let settings = manifest.settings_schema.expect("settings");
    assert_eq!(settings["properties"]["min-drop-percent"]["maximum"], 90);
}

#[test]
fn unreadable_file_is_an_io_error() {
    let errors = verify_manifest_file(&golden_dir("does-not-exist.toml"), &host()).unwrap_err();
    assert_eq!(errors.codes(), [ManifestErrorCode::Io]);
    assert_eq!(errors.0[0].path, "(file)");
}

#[test]
fn readme_example_is_a_valid_manifest() {
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README exists");
    let example = readme
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("README has a toml example");
    let verified = modgate_manifest::verify_manifest(example, &host())
        .unwrap_or_else(|errors| panic!("README example refused:\n{errors}"));
    assert!(verified.warnings.is_empty(), "{:?}", verified.warnings);
    let manifest = verified.manifest;
    assert!(manifest.description.is_some() && manifest.component.is_some());
    assert!(
        !manifest.tables.is_empty() && !manifest.routes.is_empty() && !manifest.hooks.is_empty()
    );
    assert!(!manifest.slots.is_empty() && !manifest.subscriptions.is_empty());
    assert!(manifest.settings_schema.is_some());
    assert!(!manifest.dependencies.is_empty());
}
