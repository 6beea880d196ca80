//! `[[tables]]`: each named `mod_<module>_<suffix>`, with declared columns and indexes.

use toml::Table;

use super::columns;
use super::indexes;
use super::keys::check_keys;
use super::path::{key_path, quoted};
use super::report::Report;
use super::value::{as_str, required, table_items};
use crate::error::ManifestErrorCode;
use crate::model::{MAX_IDENTIFIER_CHARS, ModuleName, TableDecl};

/// Keys of a `[[tables]]` entry.
const TABLE_KEYS: &[&str] = &["name", "columns", "indexes"];

/// Checks every `[[tables]]` entry; returns the valid ones.
pub(crate) fn check(
    report: &mut Report,
    root: &Table,
    module: Option<&ModuleName>,
) -> Vec<TableDecl> {
    let prefix = module.map_or_else(|| "mod_<module-name>_".to_owned(), ModuleName::table_prefix);
    let entries = table_items(
        report,
        root,
        "",
        "tables",
        "declare each table under its own [[tables]] header",
        &format!(
            "declare each table under its own [[tables]] header with name = \"{prefix}items\" and columns"
        ),
    );
    let mut declared: Vec<TableDecl> = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    for (path, entry) in entries {
        check_keys(report, entry, TABLE_KEYS, &path);
        let name_path = key_path(&path, "name");
        let example = format!("name = \"{prefix}items\"");
        let name = required(report, entry, &path, "name", &example)
            .and_then(|value| as_str(report, value, &name_path, &example));
        let suffix = name.and_then(|name| {
            let suffix = check_name(report, &name_path, name, module)?;
            if let Some((_, first)) = seen.iter().find(|(seen_name, _)| seen_name == name) {
                report.error(
                    name_path.as_str(),
                    ManifestErrorCode::DuplicateTable,
                    format!("table \"{name}\" is already declared at {first}"),
                    "rename this table or merge it into the first declaration",
                );
                return None;
            }
            seen.push((name.to_owned(), path.clone()));
            Some(suffix)
        });
        let columns = columns::check(report, entry, &path);
        let indexes = indexes::check(report, entry, &path, columns.as_ref());
        if let (Some(name), Some(suffix), Some(columns), Some(indexes)) =
            (name, suffix, columns.and_then(|c| c.into_valid()), indexes)
        {
            declared.push(TableDecl {
                name: name.to_owned(),
                suffix,
                columns,
                indexes,
            });
        }
    }
    declared
}

/// Checks a table name against the module's prefix; returns the suffix when valid. Without a
/// valid module name only the generic shape is checked.
fn check_name(
    report: &mut Report,
    path: &str,
    name: &str,
    module: Option<&ModuleName>,
) -> Option<String> {
    let prefix = module.map_or_else(|| "mod_".to_owned(), ModuleName::table_prefix);
    let shown_prefix =
        module.map_or_else(|| "mod_<module-name>_".to_owned(), ModuleName::table_prefix);
    let suggestion = format!("{shown_prefix}{}", suggest_suffix(name, &prefix));
    let mut invalid = |message: String, fix: String| {
        report.error(path, ManifestErrorCode::InvalidTable, message, fix);
        None
    };
    let Some(suffix) = name.strip_prefix(&prefix) else {
        return invalid(
            format!(
                "table name {} must start with \"{shown_prefix}\"",
                quoted(name)
            ),
            format!("write name = \"{suggestion}\""),
        );
    };
    if suffix.is_empty() {
        return invalid(
            format!(
                "table name {} has no suffix after \"{shown_prefix}\"",
                quoted(name)
            ),
            format!("write name = \"{shown_prefix}items\" (any suffix of a-z, 0-9 and _)"),
        );
    }
    if let Some(bad) = suffix
        .chars()
        .find(|&c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
    {
        return invalid(
            format!(
                "table name {} contains {bad:?}; the suffix may only use a-z, 0-9 and _",
                quoted(name)
            ),
            format!("write name = \"{suggestion}\""),
        );
    }
    let length = name.chars().count();
    if length > MAX_IDENTIFIER_CHARS {
        let room = MAX_IDENTIFIER_CHARS.saturating_sub(prefix.len());
        let fix = if room == 0 {
            "shorten the module name: with tables it may have at most 57 characters".to_owned()
        } else {
            format!("shorten the suffix after \"{prefix}\" to at most {room} characters")
        };
        return invalid(
            format!(
                "table name {} is {length} characters long, more than the limit of {MAX_IDENTIFIER_CHARS}",
                quoted(name)
            ),
            fix,
        );
    }
    module.map(|_| suffix.to_owned())
}

/// A valid suffix derived from whatever the author wrote (`Wish List` → `wish_list`).
fn suggest_suffix(name: &str, prefix: &str) -> String {
    let rest = name
        .strip_prefix(prefix)
        .or_else(|| name.strip_prefix("mod_"))
        .unwrap_or(name);
    let suffix: String = rest
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '_'
            }
        })
        .take(MAX_IDENTIFIER_CHARS.saturating_sub(prefix.len()).max(1))
        .collect();
    if suffix.trim_matches('_').is_empty() {
        "items".to_owned()
    } else {
        suffix
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Vec<TableDecl>, Vec<String>) {
        let root: Table = text.parse().unwrap();
        let module: ModuleName = "gift-wrap".parse().unwrap();
        let mut report = Report::default();
        let tables = check(&mut report, &root, Some(&module));
        (
            tables,
            report.errors.iter().map(ToString::to_string).collect(),
        )
    }

    const COLUMNS: &str = "columns = [{ name = \"note\", type = \"text\" }]";

    #[test]
    fn prefixed_table_passes_with_its_suffix() {
        let (tables, errors) = run(&format!(
            "[[tables]]\nname = \"mod_gift_wrap_orders\"\n{COLUMNS}"
        ));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(tables[0].suffix, "orders");
        assert_eq!(tables[0].columns[0].name, "note");
    }

    #[test]
    fn unprefixed_table_gets_the_prefixed_name_as_fix() {
        let (_, errors) = run(&format!("[[tables]]\nname = \"orders\"\n{COLUMNS}"));
        assert_eq!(
            errors,
            [
                "tables[0].name: table name \"orders\" must start with \"mod_gift_wrap_\" (fix: write name = \"mod_gift_wrap_orders\")"
            ]
        );
    }

    #[test]
    fn suffix_with_uppercase_is_refused() {
        let (_, errors) = run(&format!(
            "[[tables]]\nname = \"mod_gift_wrap_Orders\"\n{COLUMNS}"
        ));
        assert!(
            errors[0].contains("write name = \"mod_gift_wrap_orders\""),
            "{errors:?}"
        );
    }

    #[test]
    fn empty_suffix_is_refused() {
        let (_, errors) = run(&format!("[[tables]]\nname = \"mod_gift_wrap_\"\n{COLUMNS}"));
        assert!(errors[0].contains("has no suffix"), "{errors:?}");
    }

    #[test]
    fn names_over_63_characters_are_refused() {
        let name = format!("mod_gift_wrap_{}", "x".repeat(50));
        let (_, errors) = run(&format!("[[tables]]\nname = \"{name}\"\n{COLUMNS}"));
        assert!(errors[0].contains("at most 49 characters"), "{errors:?}");
    }

    #[test]
    fn duplicate_tables_are_refused() {
        let table = format!("[[tables]]\nname = \"mod_gift_wrap_orders\"\n{COLUMNS}\n");
        let (tables, errors) = run(&format!("{table}{table}"));
        assert_eq!(tables.len(), 1);
        assert!(errors[0].starts_with(
            "tables[1].name: table \"mod_gift_wrap_orders\" is already declared at tables[0]"
        ));
    }

    #[test]
    fn tables_as_a_plain_table_is_a_wrong_type() {
        let (_, errors) = run("[tables]\nname = \"mod_gift_wrap_orders\"");
        assert!(errors[0].starts_with("tables: expected an array of tables, found a table"));
    }

    #[test]
    fn table_keys_are_closed() {
        let (_, errors) = run(&format!(
            "[[tables]]\nname = \"mod_gift_wrap_orders\"\n{COLUMNS}\nindex = []"
        ));
        assert!(
            errors[0].starts_with("tables[0].index: unknown key (fix: did you mean \"indexes\"?")
        );
    }
}
