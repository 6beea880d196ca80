//! The `indexes` of a `[[tables]]` entry.

use toml::{Table, Value};

use super::columns::Columns;
use super::keys::check_keys;
use super::path::{index_path, key_path, quoted};
use super::report::Report;
use super::value::{as_array, as_bool, as_str, required, table_items};
use crate::error::ManifestErrorCode;
use crate::model::{AUTO_COLUMNS, IndexDecl};

/// Keys of an index.
const INDEX_KEYS: &[&str] = &["columns", "unique"];

/// Checks `indexes` of the table at `table_path`. Column references are only checked when the
/// table's columns could be read. `None` when any index is invalid.
pub(crate) fn check(
    report: &mut Report,
    table: &Table,
    table_path: &str,
    columns: Option<&Columns>,
) -> Option<Vec<IndexDecl>> {
    let count = match table.get("indexes") {
        None => return Some(Vec::new()),
        Some(value) => value.as_array().map_or(0, Vec::len),
    };
    let entries = table_items(
        report,
        table,
        table_path,
        "indexes",
        "write indexes = [{ columns = [\"note\"] }]",
        "write each index as { columns = [\"note\"], unique = false }",
    );
    let mut valid = entries.len() == count && table.get("indexes").is_some_and(Value::is_array);
    let mut indexes = Vec::new();
    for (path, entry) in entries {
        match check_index(report, entry, &path, columns) {
            Some(index) => indexes.push(index),
            None => valid = false,
        }
    }
    valid.then_some(indexes)
}

/// Checks one index.
fn check_index(
    report: &mut Report,
    entry: &Table,
    path: &str,
    columns: Option<&Columns>,
) -> Option<IndexDecl> {
    check_keys(report, entry, INDEX_KEYS, path);
    let unique = match entry.get("unique") {
        None => Some(false),
        Some(value) => as_bool(report, value, &key_path(path, "unique"), "unique = true"),
    };
    let columns_path = key_path(path, "columns");
    let example = "columns = [\"note\"]";
    let items = required(report, entry, path, "columns", example)
        .and_then(|value| as_array(report, value, &columns_path, example))?;
    if items.is_empty() {
        report.error(
            columns_path.as_str(),
            ManifestErrorCode::InvalidIndex,
            "an index needs at least one column",
            "list the indexed columns, e.g. columns = [\"note\"]",
        );
        return None;
    }
    let mut listed: Vec<String> = Vec::new();
    let mut valid = true;
    for (position, item) in items.iter().enumerate() {
        let item_path = index_path(&columns_path, position);
        let Some(name) = as_str(
            report,
            item,
            &item_path,
            "the column name as a string, e.g. \"note\"",
        ) else {
            valid = false;
            continue;
        };
        if listed.iter().any(|seen| seen == name) {
            report.error(
                item_path,
                ManifestErrorCode::InvalidIndex,
                format!("column \"{name}\" appears twice in this index"),
                "remove the repeated column",
            );
            valid = false;
            continue;
        }
        if let Some(columns) = columns
            && !AUTO_COLUMNS.contains(&name)
            && !columns.names.iter().any(|declared| declared == name)
        {
            let mut known: Vec<&str> = columns.names.iter().map(String::as_str).collect();
            known.extend(AUTO_COLUMNS);
            report.error(
                item_path,
                ManifestErrorCode::InvalidIndex,
                format!("{} is not a column of this table", quoted(name)),
                format!("index one of the table's columns: {}", known.join(", ")),
            );
            valid = false;
        }
        listed.push(name.to_owned());
    }
    Some(IndexDecl {
        columns: listed,
        unique: unique?,
    })
    .filter(|_| valid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Option<Vec<IndexDecl>>, Vec<String>) {
        let table: Table = format!("columns = [{{ name = \"sku\", type = \"text\" }}]\n{text}")
            .parse()
            .unwrap();
        let mut report = Report::default();
        let columns = super::super::columns::check(&mut report, &table, "tables[0]");
        let indexes = check(&mut report, &table, "tables[0]", columns.as_ref());
        (
            indexes,
            report.errors.iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn indexes_on_declared_and_auto_columns_pass() {
        let (indexes, errors) =
            run("indexes = [{ columns = [\"sku\", \"created_at\"], unique = true }]");
        assert!(errors.is_empty(), "{errors:?}");
        let indexes = indexes.unwrap();
        assert_eq!(indexes[0].columns, ["sku", "created_at"]);
        assert!(indexes[0].unique);
    }

    #[test]
    fn unknown_index_column_lists_the_columns() {
        let (indexes, errors) = run("indexes = [{ columns = [\"price\"] }]");
        assert_eq!(indexes, None);
        assert_eq!(
            errors,
            [
                "tables[0].indexes[0].columns[0]: \"price\" is not a column of this table (fix: index one of the table's columns: sku, id, created_at, updated_at)"
            ]
        );
    }

    #[test]
    fn empty_and_repeated_index_columns_are_refused() {
        let (_, errors) = run("indexes = [{ columns = [] }, { columns = [\"sku\", \"sku\"] }]");
        assert_eq!(errors.len(), 2);
        assert!(
            errors[0]
                .starts_with("tables[0].indexes[0].columns: an index needs at least one column")
        );
        assert!(
            errors[1].starts_with("tables[0].indexes[1].columns[1]: column \"sku\" appears twice")
        );
    }

    #[test]
    fn index_without_columns_is_missing_a_key() {
        let (_, errors) = run("indexes = [{ unique = true }]");
        assert_eq!(
            errors,
            ["tables[0].indexes[0].columns: missing required key (fix: add columns = [\"note\"])"]
        );
    }
}
