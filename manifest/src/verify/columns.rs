//! The `columns` of a `[[tables]]` entry.

use toml::Table;

use super::keys::check_keys;
use super::path::{key_path, quoted};
use super::report::Report;
use super::suggest::{closest, one_of};
use super::value::{as_bool, as_str, required, table_items, wrong_type};
use crate::error::ManifestErrorCode;
use crate::model::{AUTO_COLUMNS, ColumnDecl, ColumnType, MAX_COLUMNS, MAX_IDENTIFIER_CHARS};

/// Keys of a column.
const COLUMN_KEYS: &[&str] = &["name", "type", "nullable", "unique"];

/// How to write a column, for fixes.
const COLUMN_EXAMPLE: &str = "{ name = \"note\", type = \"text\" }";

/// The columns of one table as far as they could be read.
pub(crate) struct Columns {
    /// Columns that passed every check.
    decls: Vec<ColumnDecl>,
    /// Every column name written, valid or not (indexes are checked against these so one bad
    /// column does not cascade into index errors).
    pub(crate) names: Vec<String>,
    /// Whether every column passed.
    valid: bool,
}

impl Columns {
    /// The declared columns if all of them are valid.
    pub(crate) fn into_valid(self) -> Option<Vec<ColumnDecl>> {
        self.valid.then_some(self.decls)
    }
}

/// Checks `columns` of the table at `table_path`; `None` when it is absent or not an array.
pub(crate) fn check(report: &mut Report, table: &Table, table_path: &str) -> Option<Columns> {
    let path = key_path(table_path, "columns");
    let add_fix = format!("columns = [{COLUMN_EXAMPLE}]");
    let value = required(report, table, table_path, "columns", &add_fix)?;
    let Some(items) = value.as_array() else {
        wrong_type(
            report,
            &path,
            "an array of tables",
            value,
            format!("write {add_fix}"),
        );
        return None;
    };
    let count = items.len();
    let entries = table_items(
        report,
        table,
        table_path,
        "columns",
        "",
        &format!("write each column as {COLUMN_EXAMPLE}"),
    );
    let mut columns = Columns {
        decls: Vec::new(),
        names: Vec::new(),
        valid: entries.len() == count,
    };
    if count == 0 {
        report.error(
            path.as_str(),
            ManifestErrorCode::InvalidTable,
            "a table needs at least one column",
            format!("write {add_fix}"),
        );
        columns.valid = false;
    } else if count > MAX_COLUMNS {
        report.error(
            path.as_str(),
            ManifestErrorCode::InvalidTable,
            format!("declares {count} columns, more than the limit of {MAX_COLUMNS}"),
            "split the data over several tables",
        );
        columns.valid = false;
    }
    let mut seen: Vec<(String, String)> = Vec::new();
    for (column_path, entry) in entries {
        let column = check_column(report, entry, &column_path, &mut seen);
        match column {
            Some(column) => columns.decls.push(column),
            None => columns.valid = false,
        }
    }
    columns.names = seen.into_iter().map(|(name, _)| name).collect();
    Some(columns)
}

/// Checks one column; `seen` holds the names (and paths) declared so far in this table.
fn check_column(
    report: &mut Report,
    entry: &Table,
    path: &str,
    seen: &mut Vec<(String, String)>,
) -> Option<ColumnDecl> {
    check_keys(report, entry, COLUMN_KEYS, path);
    let name_path = key_path(path, "name");
    let name = required(report, entry, path, "name", "name = \"note\"")
        .and_then(|value| as_str(report, value, &name_path, "name = \"note\""))
        .and_then(|name| check_name(report, path, name, seen));
    let type_path = key_path(path, "type");
    let ty = required(report, entry, path, "type", "type = \"text\"")
        .and_then(|value| as_str(report, value, &type_path, "type = \"text\""))
        .and_then(|text| check_type(report, &type_path, text));
    let nullable = match entry.get("nullable") {
        None => Some(true),
        Some(value) => as_bool(
            report,
            value,
            &key_path(path, "nullable"),
            "nullable = false",
        ),
    };
    let unique = match entry.get("unique") {
        None => Some(false),
        Some(value) => as_bool(report, value, &key_path(path, "unique"), "unique = true"),
    };
    Some(ColumnDecl {
        name: name?,
        ty: ty?,
        nullable: nullable?,
        unique: unique?,
    })
}

/// Checks the name of the column at `column_path`: identifier shape, not an auto column, not
/// repeated.
fn check_name(
    report: &mut Report,
    column_path: &str,
    name: &str,
    seen: &mut Vec<(String, String)>,
) -> Option<String> {
    let path = key_path(column_path, "name");
    let mut invalid = |message: String, fix: String| {
        report.error(
            path.as_str(),
            ManifestErrorCode::InvalidColumn,
            message,
            fix,
        );
        None
    };
    if AUTO_COLUMNS.contains(&name) {
        return invalid(
            format!("column \"{name}\" is reserved"),
            "remove it: the host adds id, created_at and updated_at to every table".to_owned(),
        );
    }
    if let Some(problem) = identifier_problem(name) {
        return invalid(
            format!("column name {} {problem}", quoted(name)),
            format!("write name = \"{}\"", suggest_identifier(name)),
        );
    }
    if let Some((_, first)) = seen.iter().find(|(seen_name, _)| seen_name == name) {
        return invalid(
            format!("column \"{name}\" is already declared at {first}"),
            "rename or remove this column".to_owned(),
        );
    }
    seen.push((name.to_owned(), column_path.to_owned()));
    Some(name.to_owned())
}

/// Why `name` is not `^[a-z][a-z0-9_]*$` of at most 63 characters, or `None`.
fn identifier_problem(name: &str) -> Option<String> {
    let length = name.chars().count();
    if name.is_empty() {
        Some("is empty".to_owned())
    } else if length > MAX_IDENTIFIER_CHARS {
        Some(format!(
            "is {length} characters long, more than the limit of {MAX_IDENTIFIER_CHARS}"
        ))
    } else if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        Some("must start with a lowercase letter a-z".to_owned())
    } else {
        name.chars()
            .find(|&c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
            .map(|bad| format!("contains {bad:?}; only a-z, 0-9 and _ are allowed"))
    }
}

/// The closest identifier to `name` (`Gift Note` → `gift_note`).
fn suggest_identifier(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '_'
            }
        })
        .skip_while(|c| !c.is_ascii_lowercase())
        .take(MAX_IDENTIFIER_CHARS)
        .collect();
    if cleaned.is_empty() {
        "note".to_owned()
    } else {
        cleaned
    }
}

/// Checks a column type against the closed list, mapping common SQL spellings.
fn check_type(report: &mut Report, path: &str, text: &str) -> Option<ColumnType> {
    if let Ok(ty) = text.parse::<ColumnType>() {
        return Some(ty);
    }
    let names = ColumnType::names();
    let fix = match sql_synonym(text).or_else(|| closest(text, &names, 2)) {
        Some(known) => format!("write type = \"{known}\""),
        None => format!("use one of {}", one_of(&names)),
    };
    report.error(
        path,
        ManifestErrorCode::InvalidColumn,
        format!("{} is not a column type", quoted(text)),
        fix,
    );
    None
}

/// The portable type for a common SQL or programming-language type name.
fn sql_synonym(text: &str) -> Option<&'static str> {
    let synonym = match text.to_ascii_lowercase().as_str() {
        "string" | "str" | "varchar" | "char" | "uuid" | "json" => "text",
        "int" | "bigint" | "smallint" | "i32" | "i64" | "u32" | "integer" => "integer",
        "float" | "double" | "number" | "decimal" | "numeric" | "f32" | "f64" => "real",
        "bytes" | "binary" | "bytea" | "blob" => "blob",
        "bool" => "boolean",
        "datetime" | "date" | "time" | "timestamptz" => "timestamp",
        _ => return None,
    };
    Some(synonym)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(columns: &str) -> (Option<Vec<ColumnDecl>>, Vec<String>) {
        let table: Table = format!("columns = {columns}").parse().unwrap();
        let mut report = Report::default();
        let columns = check(&mut report, &table, "tables[0]").and_then(Columns::into_valid);
        (
            columns,
            report.errors.iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn columns_default_to_nullable_and_not_unique() {
        let (columns, errors) = run(
            "[{ name = \"note\", type = \"text\" }, { name = \"qty\", type = \"integer\", nullable = false, unique = true }]",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let columns = columns.unwrap();
        assert!(columns[0].nullable && !columns[0].unique);
        assert!(!columns[1].nullable && columns[1].unique);
        assert_eq!(columns[1].ty, ColumnType::Integer);
    }

    #[test]
    fn empty_columns_are_refused() {
        let (_, errors) = run("[]");
        assert!(errors[0].starts_with("tables[0].columns: a table needs at least one column"));
    }

    #[test]
    fn auto_columns_are_reserved() {
        let (_, errors) = run("[{ name = \"created_at\", type = \"timestamp\" }]");
        assert_eq!(
            errors,
            [
                "tables[0].columns[0].name: column \"created_at\" is reserved (fix: remove it: the host adds id, created_at and updated_at to every table)"
            ]
        );
    }

    #[test]
    fn duplicate_and_malformed_column_names_are_refused() {
        let (_, errors) = run(
            "[{ name = \"a\", type = \"text\" }, { name = \"a\", type = \"text\" }, { name = \"Gift Note\", type = \"text\" }]",
        );
        assert_eq!(errors.len(), 2);
        assert!(errors[0].contains("already declared at tables[0].columns[0]"));
        assert!(errors[1].contains("write name = \"gift_note\""));
    }

    #[test]
    fn sql_type_names_map_to_portable_types() {
        let (_, errors) = run("[{ name = \"a\", type = \"varchar\" }]");
        assert_eq!(
            errors,
            [
                "tables[0].columns[0].type: \"varchar\" is not a column type (fix: write type = \"text\")"
            ]
        );
    }

    #[test]
    fn more_than_64_columns_are_refused() {
        let many: Vec<String> = (0..65)
            .map(|i| format!("{{ name = \"c{i}\", type = \"text\" }}"))
            .collect();
        let (_, errors) = run(&format!("[{}]", many.join(", ")));
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains("65 columns"));
    }

    #[test]
    fn flags_must_be_booleans() {
        let (_, errors) = run("[{ name = \"a\", type = \"text\", nullable = \"no\" }]");
        assert_eq!(
            errors,
            [
                "tables[0].columns[0].nullable: expected a boolean, found a string (fix: write nullable = false)"
            ]
        );
    }
}
