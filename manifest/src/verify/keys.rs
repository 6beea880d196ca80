//! Unknown keys: every table of the manifest format has a closed set of keys, and anything
//! else (usually a typo) is refused with the closest known key.

use toml::Table;

use super::path::key_path;
use super::report::Report;
use super::suggest::closest;
use crate::error::ManifestErrorCode;

/// Keys allowed at the top level of `module.toml`.
pub(crate) const TOP_LEVEL_KEYS: &[&str] = &[
    "name",
    "version",
    "compatible-core",
    "description",
    "component",
    "permissions",
    "dependencies",
    "tables",
    "slots",
    "routes",
    "hooks",
    "subscriptions",
    "settings",
];

/// Reports every key of `table` that is not in `allowed`.
pub(crate) fn check_keys(report: &mut Report, table: &Table, allowed: &[&str], parent: &str) {
    for key in table.keys() {
        if allowed.contains(&key.as_str()) {
            continue;
        }
        let fix = match closest(key, allowed, 2) {
            Some(known) => format!("did you mean \"{known}\"? rename the key to {known}"),
            None => format!(
                "remove it; the keys allowed here are {}",
                allowed.join(", ")
            ),
        };
        report.error(
            key_path(parent, key),
            ManifestErrorCode::UnknownKey,
            "unknown key",
            fix,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unknown(text: &str, allowed: &[&str]) -> Vec<String> {
        let table: Table = text.parse().unwrap();
        let mut report = Report::default();
        check_keys(&mut report, &table, allowed, "tables[0]");
        report.errors.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn misspelt_key_gets_did_you_mean() {
        assert_eq!(
            unknown("colums = 1", &["name", "columns"]),
            [
                "tables[0].colums: unknown key (fix: did you mean \"columns\"? rename the key to columns)"
            ]
        );
    }

    #[test]
    fn unrelated_key_lists_allowed_keys() {
        assert_eq!(
            unknown("owner = 1", &["name", "columns"]),
            [
                "tables[0].owner: unknown key (fix: remove it; the keys allowed here are name, columns)"
            ]
        );
    }

    #[test]
    fn known_keys_pass() {
        assert!(unknown("name = 1\ncolumns = 2", &["name", "columns"]).is_empty());
    }
}
