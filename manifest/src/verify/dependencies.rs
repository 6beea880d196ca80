//! `[dependencies.<name>]`: dependency components shipped with the module, each linked with
//! only the permissions its table names. The operator grants the module's top-level
//! `permissions` for the whole tree, so a dependency may name only permissions listed there:
//! anything else would be a grant the operator never saw.

use std::collections::BTreeSet;
use std::path::PathBuf;

use toml::{Table, Value};

use super::keys::check_keys;
use super::metadata::component_path;
use super::path::{key_path, quoted};
use super::permissions::check_list;
use super::report::Report;
use super::value::{as_str, required, wrong_type};
use crate::error::ManifestErrorCode;
use crate::model::{DependencyDecl, DependencyName, MAX_DEPENDENCIES, ModuleName};
use crate::permission::Permission;
use crate::slug::suggest_slug;

/// Keys of a `[dependencies.<name>]` table.
const DEPENDENCY_KEYS: &[&str] = &["component", "permissions"];

/// Checks `dependencies` against the module's `name` (when valid) and its top-level
/// permissions `listed`; returns the valid dependencies sorted by name. They are also checked
/// in name order, so the report does not depend on how the TOML parser orders a table.
pub(crate) fn check(
    report: &mut Report,
    root: &Table,
    module: Option<&ModuleName>,
    listed: &[(String, Permission)],
) -> Vec<DependencyDecl> {
    let Some(value) = root.get("dependencies") else {
        return Vec::new();
    };
    let Value::Table(table) = value else {
        wrong_type(
            report,
            "dependencies",
            "a table",
            value,
            "declare each dependency under its own [dependencies.<name>] header with component = \"deps/<name>.wasm\"",
        );
        return Vec::new();
    };
    if table.len() > MAX_DEPENDENCIES {
        report.error(
            "dependencies",
            ManifestErrorCode::InvalidDependency,
            format!(
                "{} dependencies are declared, more than the limit of {MAX_DEPENDENCIES}",
                table.len()
            ),
            format!(
                "declare at most {MAX_DEPENDENCIES}; merge dependencies that need the same permissions into one component"
            ),
        );
    }
    let mut entries: Vec<(&String, &Value)> = table.iter().collect();
    entries.sort_by_key(|(key, _)| *key);
    // (normalised component path, path of its `component` key), to refuse a file used twice.
    let mut components: Vec<(String, String)> = Vec::new();
    let mut dependencies = Vec::new();
    for (key, value) in entries {
        let path = key_path("dependencies", key);
        let name = check_name(report, key, module);
        let file = suggest_slug(key, "dependency");
        let Value::Table(entry) = value else {
            wrong_type(
                report,
                &path,
                "a table",
                value,
                format!(
                    "declare it as a table: [dependencies.{file}] with component = \"deps/{file}.wasm\""
                ),
            );
            continue;
        };
        check_keys(report, entry, DEPENDENCY_KEYS, &path);
        let component = check_component(report, entry, &path, &file, &mut components);
        let permissions = check_permissions(report, entry, &path, listed);
        if let (Some(name), Some(component)) = (name, component) {
            dependencies.push(DependencyDecl {
                name,
                component,
                permissions,
            });
        }
    }
    dependencies
}

/// Checks a dependency's name: a slug, and not the module's own name (a report or audit line
/// naming one of them could not tell the two apart).
fn check_name(
    report: &mut Report,
    key: &str,
    module: Option<&ModuleName>,
) -> Option<DependencyName> {
    let name = key
        .parse::<DependencyName>()
        .map_err(|error| report.push(error))
        .ok()?;
    if module.is_some_and(|module| module.as_str() == name.as_str()) {
        report.error(
            key_path("dependencies", key),
            ManifestErrorCode::InvalidDependency,
            format!("dependency \"{name}\" has the module's own name"),
            "name the dependency after what it does, e.g. [dependencies.fetcher]",
        );
        return None;
    }
    Some(name)
}

/// Checks the required `component`: the rules of the module's `component`, and no file used by
/// two dependencies (two names for one file would blur which permissions that file holds).
fn check_component(
    report: &mut Report,
    entry: &Table,
    path: &str,
    file: &str,
    components: &mut Vec<(String, String)>,
) -> Option<PathBuf> {
    let example = format!("component = \"deps/{file}.wasm\"");
    let component_key = key_path(path, "component");
    let text = required(report, entry, path, "component", &example)
        .and_then(|value| as_str(report, value, &component_key, &example))?;
    let component = component_path(report, text, &component_key, &example)?;
    let normalised = normalise(text);
    if let Some((_, first)) = components.iter().find(|(seen, _)| *seen == normalised) {
        report.error(
            component_key,
            ManifestErrorCode::InvalidDependency,
            format!("component path {} is already used at {first}", quoted(text)),
            "give each dependency its own .wasm file; to give one component more permissions, list them in its one dependency",
        );
        return None;
    }
    components.push((normalised, component_key));
    Some(component)
}

/// `./deps//x.wasm` and `deps\x.wasm` → `deps/x.wasm`: spellings of the same file compare equal.
fn normalise(text: &str) -> String {
    text.split(['/', '\\'])
        .filter(|segment| !segment.is_empty() && *segment != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// Checks the optional `permissions`: the allowlist rules of the top-level list, and each one
/// also requested by the module.
fn check_permissions(
    report: &mut Report,
    entry: &Table,
    path: &str,
    listed: &[(String, Permission)],
) -> BTreeSet<Permission> {
    let own = check_list(report, entry, path);
    for (item_path, permission) in &own {
        if !listed.iter().any(|(_, requested)| requested == permission) {
            report.error(
                item_path.as_str(),
                ManifestErrorCode::DependencyPermissionNotRequested,
                format!("\"{permission}\" is not in the module's permissions"),
                format!(
                    "add \"{permission}\" to the top-level permissions too: they are what the operator is asked to grant for the module and all its dependencies"
                ),
            );
        }
    }
    own.into_iter().map(|(_, permission)| permission).collect()
}

#[cfg(test)]
mod tests {
    use super::super::permissions;
    use super::*;

    /// Runs the permissions and dependencies checks on a manifest named `shop`.
    fn run(text: &str) -> (Vec<DependencyDecl>, Report) {
        let root: Table = text.parse().unwrap();
        let module: ModuleName = "shop".parse().unwrap();
        let mut report = Report::default();
        let listed = permissions::check(&mut report, &root);
        let dependencies = check(&mut report, &root, Some(&module), &listed);
        (dependencies, report)
    }

    /// Every error of `text` as (code, path).
    fn refusals(text: &str) -> Vec<(ManifestErrorCode, String)> {
        let (_, report) = run(text);
        let found = report.errors.iter();
        found
            .map(|error| (error.code, error.path.clone()))
            .collect()
    }

    /// Every error of `text` as its report line.
    fn lines(text: &str) -> Vec<String> {
        run(text).1.errors.iter().map(ToString::to_string).collect()
    }

    fn one(code: ManifestErrorCode, path: &str) -> Vec<(ManifestErrorCode, String)> {
        vec![(code, path.to_owned())]
    }

    #[test]
    fn valid_dependencies_are_read_in_name_order_with_their_permissions() {
        let (dependencies, report) = run(r#"
permissions = ["http:outbound", "read:products"]
[dependencies.fetcher]
component = "deps/fetcher.wasm"
permissions = ["http:outbound"]
[dependencies.casing]
component = "deps/casing.wasm"
"#);
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        let names: Vec<&str> = dependencies.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["casing", "fetcher"]);
        assert_eq!(dependencies[0].component, PathBuf::from("deps/casing.wasm"));
        assert!(dependencies[0].permissions.is_empty());
        let fetcher: Vec<_> = dependencies[1].permissions.iter().copied().collect();
        assert_eq!(fetcher, [Permission::HttpOutbound]);
    }

    #[test]
    fn absent_dependencies_are_none() {
        let (dependencies, report) = run("permissions = []");
        assert!(dependencies.is_empty() && report.errors.is_empty());
    }

    #[test]
    fn dependencies_or_a_dependency_that_is_not_a_table_is_a_wrong_type() {
        let wrong = ManifestErrorCode::WrongType;
        assert_eq!(refusals("dependencies = [1]"), one(wrong, "dependencies"));
        assert_eq!(
            lines("dependencies.fetcher = \"deps/fetcher.wasm\""),
            [
                "dependencies.fetcher: expected a table, found a string (fix: declare it as a table: [dependencies.fetcher] with component = \"deps/fetcher.wasm\")"
            ]
        );
    }

    #[test]
    fn non_slug_dependency_names_are_refused() {
        let long = "a".repeat(65);
        for bad in [
            "Fetcher", "fetch_er", "fetcher-", "a--b", "9lives", "\"a b\"", &long,
        ] {
            let text = format!("[dependencies.{bad}]\ncomponent = \"deps/x.wasm\"");
            let path = format!("dependencies.{bad}");
            assert_eq!(
                refusals(&text),
                one(ManifestErrorCode::InvalidDependency, &path),
                "{bad}"
            );
        }
        let longest = "a".repeat(64);
        assert!(lines(&format!("[dependencies.{longest}]\ncomponent = \"x.wasm\"")).is_empty());
    }

    #[test]
    fn dependency_with_the_module_name_is_refused() {
        let text = "[dependencies.shop]\ncomponent = \"deps/shop.wasm\"";
        let invalid = ManifestErrorCode::InvalidDependency;
        assert_eq!(refusals(text), one(invalid, "dependencies.shop"));
        assert_eq!(
            lines(text),
            [
                "dependencies.shop: dependency \"shop\" has the module's own name (fix: name the dependency after what it does, e.g. [dependencies.fetcher])"
            ]
        );
    }

    #[test]
    fn more_than_16_dependencies_are_refused() {
        let table = |count: usize| {
            (0..count)
                .map(|i| format!("[dependencies.dep{i}]\ncomponent = \"deps/{i}.wasm\"\n"))
                .collect::<String>()
        };
        let (dependencies, report) = run(&table(MAX_DEPENDENCIES));
        assert!(report.errors.is_empty() && dependencies.len() == MAX_DEPENDENCIES);
        let invalid = ManifestErrorCode::InvalidDependency;
        assert_eq!(refusals(&table(17)), one(invalid, "dependencies"));
        assert_eq!(
            lines(&table(17)),
            [
                "dependencies: 17 dependencies are declared, more than the limit of 16 (fix: declare at most 16; merge dependencies that need the same permissions into one component)"
            ]
        );
    }

    #[test]
    fn dependency_without_component_is_missing_a_key() {
        let text = "[dependencies.fetcher]\npermissions = []";
        let missing = ManifestErrorCode::MissingKey;
        assert_eq!(
            refusals(text),
            one(missing, "dependencies.fetcher.component")
        );
        assert_eq!(
            lines(text),
            [
                "dependencies.fetcher.component: missing required key (fix: add component = \"deps/fetcher.wasm\")"
            ]
        );
    }

    #[test]
    fn non_string_component_is_a_wrong_type() {
        let text = "[dependencies.fetcher]\ncomponent = 1";
        let wrong = ManifestErrorCode::WrongType;
        assert_eq!(refusals(text), one(wrong, "dependencies.fetcher.component"));
    }

    #[test]
    fn unsafe_or_non_wasm_component_is_refused_like_the_modules() {
        let invalid = ManifestErrorCode::InvalidComponent;
        for bad in ["/abs/x.wasm", "../x.wasm", "deps/x.wat", "", "C:\\\\x.wasm"] {
            let text = format!("[dependencies.fetcher]\ncomponent = \"{bad}\"");
            let expected = one(invalid, "dependencies.fetcher.component");
            assert_eq!(refusals(&text), expected, "{bad}");
        }
    }

    #[test]
    fn two_dependencies_with_one_component_are_refused() {
        let text = "[dependencies.alpha]\ncomponent = \"deps/shared.wasm\"\n[dependencies.beta]\ncomponent = \"./deps//shared.wasm\"";
        let invalid = ManifestErrorCode::InvalidDependency;
        assert_eq!(refusals(text), one(invalid, "dependencies.beta.component"));
        assert_eq!(
            lines(text),
            [
                "dependencies.beta.component: component path \"./deps//shared.wasm\" is already used at dependencies.alpha.component (fix: give each dependency its own .wasm file; to give one component more permissions, list them in its one dependency)"
            ]
        );
    }

    #[test]
    fn unknown_key_in_a_dependency_is_refused() {
        let text = "[dependencies.fetcher]\ncomponent = \"deps/f.wasm\"\npermission = []";
        assert_eq!(
            lines(text),
            [
                "dependencies.fetcher.permission: unknown key (fix: did you mean \"permissions\"? rename the key to permissions)"
            ]
        );
        let unknown = ManifestErrorCode::UnknownKey;
        assert_eq!(
            refusals(text),
            one(unknown, "dependencies.fetcher.permission")
        );
    }

    /// A manifest requesting `http:outbound` whose dependency `fetcher` lists `permissions`.
    fn with_permissions(permissions: &str) -> String {
        format!(
            "permissions = [\"http:outbound\"]\n[dependencies.fetcher]\ncomponent = \"f.wasm\"\npermissions = {permissions}"
        )
    }

    #[test]
    fn unknown_dependency_permission_suggests_the_closest() {
        let text = with_permissions("[\"http:outbond\"]");
        assert_eq!(
            lines(&text),
            [
                "dependencies.fetcher.permissions[0]: \"http:outbond\" is not a known permission (fix: write \"http:outbound\")"
            ]
        );
        let unknown = ManifestErrorCode::UnknownPermission;
        assert_eq!(
            refusals(&text),
            one(unknown, "dependencies.fetcher.permissions[0]")
        );
    }

    #[test]
    fn repeated_dependency_permission_is_refused() {
        let text = with_permissions("[\"http:outbound\", \"http:outbound\"]");
        assert_eq!(
            lines(&text),
            [
                "dependencies.fetcher.permissions[1]: \"http:outbound\" is already listed at dependencies.fetcher.permissions[0] (fix: remove this entry)"
            ]
        );
        let duplicate = ManifestErrorCode::DuplicatePermission;
        assert_eq!(
            refusals(&text),
            one(duplicate, "dependencies.fetcher.permissions[1]")
        );
    }

    #[test]
    fn non_array_dependency_permissions_is_a_wrong_type() {
        let text = with_permissions("\"http:outbound\"");
        let wrong = ManifestErrorCode::WrongType;
        assert_eq!(
            refusals(&text),
            one(wrong, "dependencies.fetcher.permissions")
        );
    }

    #[test]
    fn dependency_permission_the_module_does_not_request_is_refused() {
        let text = with_permissions("[\"http:outbound\", \"email:send\"]");
        assert_eq!(
            lines(&text),
            [
                "dependencies.fetcher.permissions[1]: \"email:send\" is not in the module's permissions (fix: add \"email:send\" to the top-level permissions too: they are what the operator is asked to grant for the module and all its dependencies)"
            ]
        );
        let code = ManifestErrorCode::DependencyPermissionNotRequested;
        assert_eq!(
            refusals(&text),
            one(code, "dependencies.fetcher.permissions[1]")
        );
    }

    #[test]
    fn every_problem_of_every_dependency_is_reported_in_name_order() {
        let text = "[dependencies.b]\ncomponent = \"b.wasm\"\npermissions = [\"email:send\"]\n[dependencies.a]\ncolour = \"red\"";
        let found = refusals(text);
        let found: Vec<(ManifestErrorCode, &str)> = found
            .iter()
            .map(|(code, path)| (*code, path.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (ManifestErrorCode::UnknownKey, "dependencies.a.colour"),
                (ManifestErrorCode::MissingKey, "dependencies.a.component"),
                (
                    ManifestErrorCode::DependencyPermissionNotRequested,
                    "dependencies.b.permissions[0]"
                ),
            ]
        );
    }
}
