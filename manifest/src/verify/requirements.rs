//! Sections that only work with a permission (tables need `write:own-tables`, subscriptions
//! need `subscribe:events`), and permissions requested for sections that are absent.

use toml::Table;

use super::report::Report;
use super::value::is_present;
use crate::error::ManifestErrorCode;
use crate::permission::Permission;

/// Each section and the permission it needs.
const NEEDS: [(&str, Permission); 2] = [
    ("tables", Permission::WriteOwnTables),
    ("subscriptions", Permission::SubscribeEvents),
];

/// Reports sections used without their permission (errors) and those permissions requested
/// without the section (warnings, since the permission then grants nothing useful).
pub(crate) fn check(report: &mut Report, root: &Table, listed: &[(String, Permission)]) {
    for (section, permission) in NEEDS {
        let requested = listed.iter().find(|(_, listed)| *listed == permission);
        match (is_present(root, section), requested) {
            (true, None) => report.error(
                "permissions",
                ManifestErrorCode::PermissionRequired,
                format!("{section} are declared but the permission \"{permission}\" is not requested"),
                format!("add \"{permission}\" to permissions"),
            ),
            (false, Some((path, _))) => report.warn(
                path.as_str(),
                format!("\"{permission}\" is requested but no {section} are declared; remove it unless you add {section}"),
            ),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Report {
        let root: Table = text.parse().unwrap();
        let mut report = Report::default();
        let listed = super::super::permissions::check(&mut report, &root);
        check(&mut report, &root, &listed);
        report
    }

    #[test]
    fn tables_without_write_own_tables_are_refused() {
        let report = run("[[tables]]\nname = \"mod_x_items\"");
        assert_eq!(report.errors.len(), 1);
        assert_eq!(report.errors[0].code, ManifestErrorCode::PermissionRequired);
        assert_eq!(report.errors[0].path, "permissions");
        assert_eq!(
            report.errors[0].fix,
            "add \"write:own-tables\" to permissions"
        );
    }

    #[test]
    fn subscriptions_without_subscribe_events_are_refused() {
        let report = run("subscriptions = [\"order.paid\"]");
        assert_eq!(
            report.errors[0].fix,
            "add \"subscribe:events\" to permissions"
        );
    }

    #[test]
    fn empty_subscriptions_need_no_permission() {
        assert!(run("subscriptions = []").errors.is_empty());
    }

    #[test]
    fn unused_permissions_are_warnings() {
        let report =
            run("permissions = [\"read:orders\", \"write:own-tables\", \"subscribe:events\"]");
        assert!(report.errors.is_empty());
        let warnings: Vec<_> = report.warnings.iter().map(|w| w.path.as_str()).collect();
        assert_eq!(warnings, ["permissions[1]", "permissions[2]"]);
    }
}
