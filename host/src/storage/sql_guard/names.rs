//! What a column reference can mean: the columns each FROM item provides
//! (a declared table, a CTE, a subquery), grouped by query level.
//!
//! Knowledge is deliberately one-sided: a declared table's columns are
//! known exactly (the manifest's plus the host's), but a subquery's output
//! is only as known as its SELECT list (`count(*)` has no portable name),
//! so an item can be *incomplete*. A name missing from a complete item is
//! certainly wrong; a name missing from an incomplete one is left to the
//! database. The check refuses only what is certainly wrong.

use sqlparser::ast::{Expr, Ident, SelectItem, SelectItemQualifiedWildcardKind};

use super::scope::ScopedTable;
use modgate_manifest::AUTO_COLUMNS;

/// The columns a FROM item, or a query's output, provides.
#[derive(Debug, Clone, Default)]
pub(super) struct Columns {
    /// One entry per column, in order; `None` for one the database names
    /// (an expression without an alias).
    list: Vec<Option<String>>,
    /// Whether `list` is all of them (false after `*` over an incomplete
    /// item, or when nothing is known).
    complete: bool,
    /// Whether names follow a declared table's rules: a quoted name must
    /// match exactly (PostgreSQL's rule; SQLite would fold it, so the same
    /// statement is refused on both). Other names match ASCII
    /// case-insensitively and the database judges the rest.
    exact: bool,
}

/// Whether a column is among [`Columns`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lookup {
    Found,
    /// Certainly not there.
    Missing,
    /// Not among the known names, but there may be others.
    Unsure,
}

impl Columns {
    /// A declared table's columns (what `SELECT *` gives).
    pub(super) fn declared(table: &ScopedTable) -> Self {
        Self {
            list: table.all_columns().into_iter().map(Some).collect(),
            complete: true,
            exact: true,
        }
    }

    /// Nothing known.
    pub(super) fn unknown() -> Self {
        Self::default()
    }

    /// `count` columns the database names (VALUES rows).
    pub(super) fn unnamed(count: usize) -> Self {
        Self {
            list: vec![None; count],
            complete: true,
            exact: false,
        }
    }

    /// Columns named by an alias list (`AS t(a, b)`, `WITH t(a, b)`).
    pub(super) fn named(names: impl IntoIterator<Item = String>) -> Self {
        Self {
            list: names.into_iter().map(Some).collect(),
            complete: true,
            exact: false,
        }
    }

    /// The same names, but maybe not all of them (an alias column list
    /// may rename only the first columns).
    pub(super) fn incomplete(mut self) -> Self {
        self.complete = false;
        self
    }

    /// How many columns there are, when known.
    pub(super) fn count(&self) -> Option<usize> {
        self.complete.then_some(self.list.len())
    }

    pub(super) fn lookup(&self, column: &Ident) -> Lookup {
        let found = self.list.iter().flatten().any(|name| {
            if self.exact && column.quote_style.is_some() {
                *name == column.value
            } else {
                name.eq_ignore_ascii_case(&column.value)
            }
        });
        if found {
            Lookup::Found
        } else if self.complete && self.list.iter().all(Option::is_some) {
            Lookup::Missing
        } else {
            Lookup::Unsure
        }
    }

    /// `self` followed by `more` (a `*` over several items).
    fn extend(&mut self, more: &Columns) {
        self.list.extend(more.list.iter().cloned());
        self.complete &= more.complete;
    }

    /// The names, for messages; a declared table's split into the
    /// manifest's and the host's.
    fn describe(&self) -> String {
        let names: Vec<&str> = self.list.iter().flatten().map(String::as_str).collect();
        let more = if self.complete && names.len() == self.list.len() {
            ""
        } else {
            ", …"
        };
        if self.exact {
            let declared: Vec<&str> = names
                .iter()
                .copied()
                .filter(|n| !AUTO_COLUMNS.contains(n))
                .collect();
            format!(
                "declared columns: {}; host columns: {}",
                if declared.is_empty() {
                    "none".to_owned()
                } else {
                    declared.join(", ")
                },
                AUTO_COLUMNS.join(", ")
            )
        } else if names.is_empty() {
            "columns: unnamed".to_owned()
        } else {
            format!("columns: {}{more}", names.join(", "))
        }
    }
}

/// What a FROM item is, for messages.
#[derive(Debug, Clone)]
pub(super) enum Source {
    /// A declared table (its logical name).
    Table(String),
    /// A CTE of the statement (its name as the guest wrote it).
    Cte(String),
    /// A subquery in FROM.
    Subquery,
    /// A parenthesised join with an alias.
    Join,
}

/// One FROM item of a query level.
#[derive(Debug, Clone)]
pub(super) struct Item {
    /// The name the query knows it by (alias, table or CTE name); `None`
    /// for a subquery without an alias.
    pub(super) name: Option<String>,
    pub(super) source: Source,
    pub(super) columns: Columns,
}

impl Item {
    /// Whether `qualifier` (as in `qualifier.column`) names this item.
    pub(super) fn is_named(&self, qualifier: &Ident) -> bool {
        self.name
            .as_deref()
            .is_some_and(|name| name.eq_ignore_ascii_case(&qualifier.value))
    }

    /// E.g. `i (mod_probe_items: declared columns: name, qty; host columns:
    /// id, created_at, updated_at)`, for messages.
    pub(super) fn describe(&self) -> String {
        let what = match (&self.source, self.name.as_deref()) {
            (Source::Table(table), Some(name)) if name == table => table.clone(),
            (Source::Table(table), Some(name)) => format!("{name} = {table}"),
            (Source::Table(table), None) => table.clone(),
            (Source::Cte(cte), Some(name)) if name.eq_ignore_ascii_case(cte) => {
                format!("CTE {cte}")
            }
            (Source::Cte(cte), Some(name)) => format!("{name} = CTE {cte}"),
            (Source::Cte(cte), None) => format!("CTE {cte}"),
            (Source::Subquery, Some(name)) => format!("subquery {name}"),
            (Source::Subquery, None) => "a subquery".to_owned(),
            (Source::Join, Some(name)) => format!("join {name}"),
            (Source::Join, None) => "a join".to_owned(),
        };
        format!("{what} ({})", self.columns.describe())
    }
}

/// The names one query level (a SELECT, or the target and FROM items of an
/// UPDATE/DELETE, …) makes visible to its expressions.
#[derive(Debug, Clone, Default)]
pub(super) struct Level {
    pub(super) items: Vec<Item>,
    /// SELECT-list aliases, usable by name in WHERE (SQLite), GROUP BY,
    /// HAVING and ORDER BY of the same SELECT.
    pub(super) aliases: Vec<String>,
    /// Whether every unqualified name must be accepted: the ORDER BY of a
    /// set operation or of VALUES, whose names only the database knows.
    pub(super) open: bool,
    /// Whether a join merges columns (USING, NATURAL): `*` then gives fewer
    /// columns than its items have.
    pub(super) merges_columns: bool,
}

impl Level {
    /// A level of these FROM items.
    pub(super) fn of(items: Vec<Item>, merges_columns: bool) -> Self {
        Self {
            items,
            merges_columns,
            ..Self::default()
        }
    }

    /// A level whose unqualified names the guard cannot know.
    pub(super) fn open() -> Self {
        Self {
            open: true,
            ..Self::default()
        }
    }

    /// The item `qualifier` names, if any.
    pub(super) fn item(&self, qualifier: &Ident) -> Option<&Item> {
        self.items.iter().find(|item| item.is_named(qualifier))
    }

    /// The columns a SELECT list over this level produces.
    pub(super) fn output(&self, projection: &[SelectItem]) -> Columns {
        let mut output = Columns {
            list: Vec::new(),
            complete: true,
            exact: false,
        };
        for item in projection {
            match item {
                SelectItem::UnnamedExpr(Expr::Identifier(ident)) => {
                    output.list.push(Some(ident.value.clone()));
                }
                SelectItem::UnnamedExpr(Expr::CompoundIdentifier(parts)) => {
                    output.list.push(parts.last().map(|p| p.value.clone()));
                }
                SelectItem::UnnamedExpr(_) => output.list.push(None),
                SelectItem::ExprWithAlias { alias, .. } => {
                    output.list.push(Some(alias.value.clone()));
                }
                SelectItem::Wildcard(_) => {
                    for from in &self.items {
                        output.extend(&from.columns);
                    }
                    output.complete &= !self.merges_columns;
                }
                SelectItem::QualifiedWildcard(
                    SelectItemQualifiedWildcardKind::ObjectName(name),
                    _,
                ) => match name.0.as_slice() {
                    [part] => match part.as_ident().and_then(|q| self.item(q)) {
                        Some(from) => output.extend(&from.columns),
                        None => output.complete = false,
                    },
                    _ => output.complete = false,
                },
                SelectItem::QualifiedWildcard(SelectItemQualifiedWildcardKind::Expr(_), _)
                | SelectItem::ExprWithAliases { .. } => output.complete = false,
            }
        }
        output.exact = false;
        output
    }
}
