//! The column check: every column a statement names must be one the
//! manifest declares (or a host column, or an output column of a CTE or
//! subquery of the statement), checked before the database sees the
//! statement so the error is the same on SQLite and PostgreSQL and names
//! the declared columns.
//!
//! References resolve the way SQL scopes them: `q.col` against the item
//! `q` names, innermost query level first (a correlated subquery reaches
//! outwards); a bare `col` against every item of the innermost level that
//! has it, then the levels around it; SELECT-list aliases count as names
//! in the clauses after the SELECT list. Only certain mistakes are refused
//! (see `names`): the guard does not replace the database's own checks
//! (ambiguity, aliases in WHERE on PostgreSQL, …), it catches unknown names.
//!
//! Unknown columns are usage errors (Invalid), deferred so that a hostile
//! statement is still reported as Forbidden.

use sqlparser::ast::{Ident, ObjectName, ObjectNamePart};

use super::checker::Checker;
use super::names::{Item, Lookup};
use super::refusal::invalid;
use super::scope::ScopedTable;

/// The hint for quoted names that differ only in case.
const QUOTED_HINT: &str = " (quoted names must match the declared name exactly)";

impl Checker<'_> {
    /// Checks a column reference in an expression: `qualifier.column`, or
    /// a bare `column`.
    pub(super) fn column_ref(&mut self, qualifier: Option<&Ident>, column: &Ident) {
        let problem = match qualifier {
            Some(qualifier) => self.qualified_problem(qualifier, column),
            None => self.unqualified_problem(column),
        };
        if let Some(message) = problem {
            self.defer(invalid(message));
        }
    }

    fn qualified_problem(&self, qualifier: &Ident, column: &Ident) -> Option<String> {
        let item = self
            .levels
            .iter()
            .rev()
            .find_map(|level| level.item(qualifier));
        match item {
            None => Some(format!(
                "unknown table or alias `{qualifier}` in `{qualifier}.{column}`: {}",
                self.in_scope()
            )),
            Some(item) if item.columns.lookup(column) == Lookup::Missing => Some(format!(
                "unknown column `{qualifier}.{column}`: it is not a column of {}{}",
                item.describe(),
                hint(column)
            )),
            Some(_) => None,
        }
    }

    fn unqualified_problem(&self, column: &Ident) -> Option<String> {
        if column.quote_style.is_none() && column.value.eq_ignore_ascii_case("default") {
            // sqlparser reads `VALUES (DEFAULT)` as a column named DEFAULT;
            // PostgreSQL would take it, SQLite would not.
            return Some(
                "`DEFAULT` as a value is not supported on every backend: leave the column out of \
                 the column list to get its default"
                    .to_owned(),
            );
        }
        for level in self.levels.iter().rev() {
            if level.open
                || level
                    .aliases
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(&column.value))
                || level
                    .items
                    .iter()
                    .any(|item| item.columns.lookup(column) != Lookup::Missing)
            {
                return None;
            }
        }
        let items: Vec<&Item> = self.levels.iter().flat_map(|l| &l.items).collect();
        if items.is_empty() {
            return Some(format!(
                "unknown column `{column}`: no table is in scope here (VALUES, and a SELECT \
                 without FROM, cannot read columns)"
            ));
        }
        let described: Vec<String> = items.iter().map(|item| item.describe()).collect();
        Some(format!(
            "unknown column `{column}`: it is not a column of {}{}",
            described.join(" or "),
            hint(column)
        ))
    }

    /// Checks the qualifier of `q.*` names a FROM item.
    pub(super) fn wildcard_qualifier(&mut self, name: &ObjectName) {
        let [ObjectNamePart::Identifier(qualifier)] = name.0.as_slice() else {
            return;
        };
        if !self
            .levels
            .iter()
            .any(|level| level.item(qualifier).is_some())
        {
            let message = format!(
                "unknown table or alias `{qualifier}` in `{qualifier}.*`: {}",
                self.in_scope()
            );
            self.defer(invalid(message));
        }
    }

    /// What the innermost levels name, for the unknown-qualifier message.
    fn in_scope(&self) -> String {
        let names: Vec<String> = self
            .levels
            .iter()
            .rev()
            .flat_map(|level| &level.items)
            .filter_map(|item| item.name.clone())
            .collect();
        if names.is_empty() {
            "no table is in scope here".to_owned()
        } else {
            format!("the tables and aliases in scope are {}", names.join(", "))
        }
    }

    /// Checks a column the statement writes or names as a target of the
    /// declared table `logical` (INSERT column lists, SET, ON CONFLICT):
    /// the first part of the name is the column (PostgreSQL reads
    /// `SET a.b` as field `b` of column `a`). `what` says where, for the
    /// message.
    pub(super) fn target_column(&mut self, logical: &str, column: &ObjectName, what: &str) {
        let scope = self.scope;
        let Some(table) = scope.table(logical) else {
            return;
        };
        let Some(ObjectNamePart::Identifier(ident)) = column.0.first() else {
            return;
        };
        self.declared_column(logical, table, ident, what);
    }

    /// [`Self::target_column`] for a plain name.
    pub(super) fn target_ident(&mut self, logical: &str, ident: &Ident, what: &str) {
        let scope = self.scope;
        if let Some(table) = scope.table(logical) {
            self.declared_column(logical, table, ident, what);
        }
    }

    fn declared_column(&mut self, logical: &str, table: &ScopedTable, ident: &Ident, what: &str) {
        let folded = match ident.quote_style {
            None => ident.value.to_ascii_lowercase(),
            Some(_) => ident.value.clone(),
        };
        if !table.has_column(&folded) {
            self.defer(invalid(format!(
                "unknown column `{ident}` in {what}: it is not a column of {logical} (declared \
                 columns: {}){}",
                if table.columns.is_empty() {
                    "none".to_owned()
                } else {
                    table.columns.join(", ")
                },
                hint(ident)
            )));
        }
    }
}

/// The quoting hint, when quoting is the likely mistake (`"Name"`).
fn hint(column: &Ident) -> &'static str {
    if column.quote_style.is_some() && column.value != column.value.to_ascii_lowercase() {
        QUOTED_HINT
    } else {
        ""
    }
}
