//! `permissions`: strings from the closed allowlist, each at most once. The same rules apply to
//! a dependency's `permissions`.

use toml::Table;

use super::path::quoted;
use super::report::Report;
use super::suggest::{closest, one_of};
use super::value::string_items;
use crate::error::ManifestErrorCode;
use crate::permission::Permission;

/// The valid top-level permissions in manifest order, each with its path (`permissions[2]`).
pub(crate) fn check(report: &mut Report, root: &Table) -> Vec<(String, Permission)> {
    check_list(report, root, "")
}

/// The valid permissions of the `permissions` key of `table`, whose path is `parent`, in
/// manifest order, each with its path (`dependencies.fetcher.permissions[0]`).
pub(crate) fn check_list(
    report: &mut Report,
    table: &Table,
    parent: &str,
) -> Vec<(String, Permission)> {
    let items = string_items(
        report,
        table,
        parent,
        "permissions",
        "permissions = [\"read:products\"]",
        "the permission as a quoted string, e.g. \"read:products\"",
    );
    let mut listed: Vec<(String, Permission)> = Vec::new();
    for (path, text) in items {
        let Ok(permission) = text.parse::<Permission>() else {
            let names = Permission::names();
            let fix = match closest(text, &names, 3) {
                Some(known) => format!("write \"{known}\""),
                None => format!("use one of {}", one_of(&names)),
            };
            report.error(
                path,
                ManifestErrorCode::UnknownPermission,
                format!("{} is not a known permission", quoted(text)),
                fix,
            );
            continue;
        };
        if let Some((first, _)) = listed.iter().find(|(_, seen)| *seen == permission) {
            report.error(
                path,
                ManifestErrorCode::DuplicatePermission,
                format!("\"{permission}\" is already listed at {first}"),
                "remove this entry",
            );
            continue;
        }
        listed.push((path, permission));
    }
    listed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Vec<Permission>, Vec<String>) {
        let root: Table = text.parse().unwrap();
        let mut report = Report::default();
        let listed = check(&mut report, &root);
        (
            listed
                .into_iter()
                .map(|(_, permission)| permission)
                .collect(),
            report.errors.iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn known_permissions_pass() {
        let (listed, errors) = run("permissions = [\"read:products\", \"email:send\"]");
        assert_eq!(listed, [Permission::ReadProducts, Permission::EmailSend]);
        assert!(errors.is_empty());
    }

    #[test]
    fn misspelt_permission_suggests_the_closest() {
        let (_, errors) = run("permissions = [\"read:product\"]");
        assert_eq!(
            errors,
            [
                "permissions[0]: \"read:product\" is not a known permission (fix: write \"read:products\")"
            ]
        );
    }

    #[test]
    fn unrelated_permission_lists_the_allowlist() {
        let (_, errors) = run("permissions = [\"filesystem\"]");
        assert!(
            errors[0].contains("use one of \"read:products\""),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn duplicate_permission_is_refused() {
        let (listed, errors) = run("permissions = [\"emit:events\", \"emit:events\"]");
        assert_eq!(listed, [Permission::EmitEvents]);
        assert_eq!(
            errors,
            [
                "permissions[1]: \"emit:events\" is already listed at permissions[0] (fix: remove this entry)"
            ]
        );
    }

    #[test]
    fn non_array_permissions_is_a_wrong_type() {
        let (_, errors) = run("permissions = \"read:products\"");
        assert_eq!(
            errors,
            [
                "permissions: expected an array, found a string (fix: write permissions = [\"read:products\"])"
            ]
        );
    }
}
