//! Declared module tables. The host creates and migrates them at install and adds the
//! [`AUTO_COLUMNS`] itself.

use serde::Serialize;

use crate::catalog::closed_enum;

/// Columns the host adds to every module table: `id` (ULID text), `created_at` and
/// `updated_at` (RFC 3339 UTC). A manifest must not declare them.
pub const AUTO_COLUMNS: [&str; 3] = ["id", "created_at", "updated_at"];

/// Longest table or column name (PostgreSQL's identifier limit).
pub const MAX_IDENTIFIER_CHARS: usize = 63;

/// Most columns a table may declare (not counting [`AUTO_COLUMNS`]).
pub const MAX_COLUMNS: usize = 64;

/// A `[[tables]]` entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TableDecl {
    /// Full table name, `mod_<module>_<suffix>`.
    pub name: String,
    /// The part after the module's table prefix.
    pub suffix: String,
    /// Declared columns, in manifest order.
    pub columns: Vec<ColumnDecl>,
    /// Declared indexes, in manifest order.
    pub indexes: Vec<IndexDecl>,
}

/// A column of a declared table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ColumnDecl {
    /// Column name, `^[a-z][a-z0-9_]*$`.
    pub name: String,
    /// Column type.
    #[serde(rename = "type")]
    pub ty: ColumnType,
    /// Whether NULL is allowed (default `true`).
    pub nullable: bool,
    /// Whether values must be unique (default `false`).
    pub unique: bool,
}

closed_enum! {
    /// Portable column types, mapped by the host to SQLite and PostgreSQL types.
    pub enum ColumnType ("column type") {
        /// UTF-8 text.
        Text => "text",
        /// 64-bit signed integer.
        Integer => "integer",
        /// 64-bit float.
        Real => "real",
        /// Bytes.
        Blob => "blob",
        /// true/false.
        Boolean => "boolean",
        /// RFC 3339 UTC timestamp.
        Timestamp => "timestamp",
    }
}

/// An index of a declared table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IndexDecl {
    /// Indexed columns, in order (declared or auto columns).
    pub columns: Vec<String>,
    /// Whether the combination of values must be unique (default `false`).
    pub unique: bool,
}

impl TableDecl {
    /// Whether `column` is declared or added by the host.
    pub fn has_column(&self, column: &str) -> bool {
        AUTO_COLUMNS.contains(&column) || self.columns.iter().any(|c| c.name == column)
    }
}
