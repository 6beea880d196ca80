//! Typed access to TOML values: each helper reports a missing key or a wrong type with the
//! path and an example of what to write, and returns `None` so checking can go on.

use toml::{Table, Value};

use super::path::{index_path, key_path};
use super::report::Report;
use crate::error::ManifestErrorCode;

/// "a string", "an integer", ... for messages.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date-time",
        Value::Array(_) => "an array",
        Value::Table(_) => "a table",
    }
}

/// Reports a value of the wrong type.
pub(crate) fn wrong_type(
    report: &mut Report,
    path: &str,
    expected: &str,
    found: &Value,
    fix: impl Into<String>,
) {
    report.error(
        path,
        ManifestErrorCode::WrongType,
        format!("expected {expected}, found {}", type_name(found)),
        fix,
    );
}

/// The value of a required key; reports `add {example}` when it is absent.
pub(crate) fn required<'a>(
    report: &mut Report,
    table: &'a Table,
    parent: &str,
    key: &str,
    example: &str,
) -> Option<&'a Value> {
    let value = table.get(key);
    if value.is_none() {
        report.error(
            key_path(parent, key),
            ManifestErrorCode::MissingKey,
            "missing required key",
            format!("add {example}"),
        );
    }
    value
}

/// The value as a string; reports `write {example}` otherwise.
pub(crate) fn as_str<'a>(
    report: &mut Report,
    value: &'a Value,
    path: &str,
    example: &str,
) -> Option<&'a str> {
    match value {
        Value::String(text) => Some(text),
        other => {
            wrong_type(report, path, "a string", other, format!("write {example}"));
            None
        }
    }
}

/// The value as a boolean; reports `write {example}` otherwise.
pub(crate) fn as_bool(
    report: &mut Report,
    value: &Value,
    path: &str,
    example: &str,
) -> Option<bool> {
    match value {
        Value::Boolean(flag) => Some(*flag),
        other => {
            wrong_type(report, path, "a boolean", other, format!("write {example}"));
            None
        }
    }
}

/// The value as an array; reports `write {example}` otherwise.
pub(crate) fn as_array<'a>(
    report: &mut Report,
    value: &'a Value,
    path: &str,
    example: &str,
) -> Option<&'a [Value]> {
    match value {
        Value::Array(items) => Some(items),
        other => {
            wrong_type(report, path, "an array", other, format!("write {example}"));
            None
        }
    }
}

/// The string items of the array under `key` of `table` (absent → empty), each with its path
/// below `parent`; non-string items are reported with `write {item_example}`.
pub(crate) fn string_items<'a>(
    report: &mut Report,
    table: &'a Table,
    parent: &str,
    key: &str,
    example: &str,
    item_example: &str,
) -> Vec<(String, &'a str)> {
    let Some(value) = table.get(key) else {
        return Vec::new();
    };
    let path = key_path(parent, key);
    let Some(items) = as_array(report, value, &path, example) else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(index, item)| {
            let item_path = index_path(&path, index);
            let text = as_str(report, item, &item_path, item_example)?;
            Some((item_path, text))
        })
        .collect()
}

/// The entries of an array of tables (`[[routes]]`) under `key` of `parent_table`, each with
/// its path; absent → empty. A non-array is reported with `container_fix`, a non-table entry
/// with `entry_fix`.
pub(crate) fn table_items<'a>(
    report: &mut Report,
    parent_table: &'a Table,
    parent: &str,
    key: &str,
    container_fix: &str,
    entry_fix: &str,
) -> Vec<(String, &'a Table)> {
    let Some(value) = parent_table.get(key) else {
        return Vec::new();
    };
    let path = key_path(parent, key);
    let Value::Array(items) = value else {
        wrong_type(report, &path, "an array of tables", value, container_fix);
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(index, item)| {
            let item_path = index_path(&path, index);
            match item {
                Value::Table(table) => Some((item_path, table)),
                other => {
                    wrong_type(report, &item_path, "a table", other, entry_fix);
                    None
                }
            }
        })
        .collect()
}

/// Whether `key` holds something other than an empty array (a section "is present").
pub(crate) fn is_present(table: &Table, key: &str) -> bool {
    match table.get(key) {
        None => false,
        Some(Value::Array(items)) => !items.is_empty(),
        Some(_) => true,
    }
}
