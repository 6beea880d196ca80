//! The tables a module may name, their declared columns, and how a name in
//! its SQL resolves to one.

use std::collections::BTreeMap;

use modgate_manifest::AUTO_COLUMNS;

use sqlparser::ast::{Ident, ObjectName, ObjectNamePart, TableAlias, TableAliasWithoutColumns};

use super::refusal::{SqlRefusal, forbidden};

/// Where one of a module's tables physically lives for one tenant.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhysicalTable {
    /// The schema (PostgreSQL: the tenant's schema, e.g. `mg_t_acme`);
    /// `None` on SQLite, where the tenant is part of the table name.
    pub schema: Option<String>,
    /// The table's name inside that schema (SQLite: `acme__mod_probe_items`,
    /// PostgreSQL: `mod_probe_items`).
    pub table: String,
}

impl PhysicalTable {
    /// The quoted, possibly schema-qualified name the rewritten SQL uses.
    pub(super) fn object_name(&self) -> ObjectName {
        let mut parts = Vec::with_capacity(2);
        if let Some(schema) = &self.schema {
            parts.push(Ident::with_quote('"', schema.as_str()));
        }
        parts.push(Ident::with_quote('"', self.table.as_str()));
        ObjectName::from(parts)
    }
}

/// One declared table as the guard sees it: where it lives and which
/// columns the manifest declares.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScopedTable {
    /// Where the table lives for the current tenant.
    pub physical: PhysicalTable,
    /// The declared columns, in manifest order (lowercase, as the manifest
    /// requires), without the host-managed `id`, `created_at`, `updated_at`.
    pub columns: Vec<String>,
}

impl ScopedTable {
    /// Whether `column` (already case-folded as the guest's quoting asks) is
    /// a declared or host-managed column.
    pub(super) fn has_column(&self, column: &str) -> bool {
        self.columns.iter().any(|c| c == column) || AUTO_COLUMNS.contains(&column)
    }

    /// Every column in table order as the host creates it: `id`, the
    /// declared ones, `created_at`, `updated_at` (what `SELECT *` gives).
    pub(super) fn all_columns(&self) -> Vec<String> {
        std::iter::once(AUTO_COLUMNS[0].to_owned())
            .chain(self.columns.iter().cloned())
            .chain(AUTO_COLUMNS[1..].iter().map(|c| (*c).to_owned()))
            .collect()
    }
}

/// A module's declared tables: the logical name the guest writes → where
/// the table lives for the current tenant and its declared columns. The
/// only relations a statement may name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableScope {
    tables: BTreeMap<String, ScopedTable>,
}

impl TableScope {
    /// A scope of `(logical name, table)` pairs. Logical names are the
    /// manifest's (lowercase) table names, e.g. `mod_probe_items`.
    pub fn new(tables: impl IntoIterator<Item = (String, ScopedTable)>) -> Self {
        Self {
            tables: tables.into_iter().collect(),
        }
    }

    /// Where the table the guest calls `logical` lives, if it is declared.
    pub fn physical(&self, logical: &str) -> Option<&PhysicalTable> {
        self.tables.get(logical).map(|t| &t.physical)
    }

    /// The declared table the guest calls `logical`, if any.
    pub(super) fn table(&self, logical: &str) -> Option<&ScopedTable> {
        self.tables.get(logical)
    }

    /// The declared logical names, sorted.
    pub fn logical_names(&self) -> impl Iterator<Item = &str> {
        self.tables.keys().map(String::as_str)
    }

    /// Resolves a relation named in the guest's SQL to a declared table.
    ///
    /// An unquoted name matches case-insensitively (both databases fold
    /// it); a quoted one must match exactly, so `"MOD_PROBE_ITEMS"` is not
    /// `mod_probe_items`. Multi-part names are refused outright: a schema
    /// prefix is the one way a name could escape the tenant's tables.
    pub(super) fn resolve(&self, name: &ObjectName) -> Result<(&str, &ScopedTable), SqlRefusal> {
        let [ObjectNamePart::Identifier(ident)] = name.0.as_slice() else {
            return Err(forbidden(format!(
                "table `{name}`: qualified table names are not allowed; name one of this \
                 module's tables on its own ({})",
                self.declared_list()
            )));
        };
        let found = match ident.quote_style {
            None => self.tables.get_key_value(&ident.value.to_ascii_lowercase()),
            Some(_) => self.tables.get_key_value(&ident.value),
        };
        found
            .map(|(logical, physical)| (logical.as_str(), physical))
            .ok_or_else(|| {
                let hint = if ident.quote_style.is_some() {
                    " (quoted names must match the declared name exactly)"
                } else {
                    ""
                };
                forbidden(format!(
                    "table `{name}` is not one of this module's tables{hint}; declared tables: {}",
                    self.declared_list()
                ))
            })
    }

    /// Whether `name` is exactly the rewritten name of a declared table: the
    /// final check on the rewritten statement.
    pub(super) fn is_physical(&self, name: &ObjectName) -> bool {
        self.tables
            .values()
            .any(|t| t.physical.object_name() == *name)
    }

    pub(super) fn declared_list(&self) -> String {
        if self.tables.is_empty() {
            return "none".to_owned();
        }
        self.logical_names().collect::<Vec<_>>().join(", ")
    }
}

/// The alias added to a rewritten FROM item that had none, so that
/// `mod_probe_items.qty` keeps resolving after the name changed.
pub(super) fn logical_alias(logical: &str) -> TableAlias {
    TableAlias {
        explicit: true,
        name: Ident::with_quote('"', logical),
        columns: vec![],
        at: None,
    }
}

/// [`logical_alias`] for an INSERT target.
pub(super) fn logical_insert_alias(logical: &str) -> TableAliasWithoutColumns {
    TableAliasWithoutColumns {
        explicit: true,
        alias: Ident::with_quote('"', logical),
    }
}
