//! WITH: non-recursive CTEs at the start of a statement's query (or of an
//! INSERT's SELECT), each built only from declared tables and the CTEs
//! defined before it.
//!
//! Every CTE is renamed to a fresh host-chosen name (`"_cte1"`, …) and
//! every reference the guard resolves to it is rewritten to that name
//! (aliased with the name the guest wrote, so `t.col` keeps working). The
//! database therefore never resolves a CTE name by its own rules: a
//! reference the guard took for a CTE cannot reach a table that happens to
//! have the same name under another case or quoting rule, and a reference
//! the guard did not take for a CTE was resolved to a declared table or
//! refused. That makes these safe by construction:
//! - a CTE referring to itself or to a later CTE (SQLite runs a
//!   self-referencing CTE recursively even without RECURSIVE): the name is
//!   not visible yet, so it is refused;
//! - `WITH RECURSIVE`: refused outright (unbounded work);
//! - a CTE body that reads anything but declared tables and earlier CTEs:
//!   the body is walked like any query.
//!
//! Refused on top of that, because they only make a statement misleading:
//! CTE names that look like tables (`mod_…`, `modgate_…`, `sqlite_…`,
//! `pg_…` — the module's own, other modules', the host's and the
//! catalogs'), and WITH anywhere but the start of the statement's query.
//! Data-modifying CTEs (`WITH d AS (DELETE …)`) are refused by the query
//! walk: they would write without the host-managed columns.

use sqlparser::ast::{Cte, Ident, ObjectName, ObjectNamePart, With};

use super::checker::{Checker, Outcome};
use super::from::plain_alias;
use super::names::Columns;
use super::refusal::{SqlRefusal, forbidden, invalid};

/// Beginnings of CTE names that are refused: they belong to tables.
const RESERVED_PREFIXES: [&str; 4] = ["mod_", "modgate_", "sqlite_", "pg_"];

/// What every renamed CTE's name starts with.
pub(super) const RENAMED_PREFIX: &str = "_cte";

/// A CTE visible to the rest of the statement.
#[derive(Debug, Clone)]
pub(super) struct CteName {
    /// The name the guest gave it.
    pub(super) guest: String,
    /// Its name in the rewritten statement.
    renamed: String,
    /// Its output columns.
    pub(super) columns: Columns,
}

impl CteName {
    /// The rewritten name, for references.
    pub(super) fn object_name(&self) -> ObjectName {
        ObjectName::from(vec![Ident::with_quote('"', self.renamed.as_str())])
    }
}

impl Checker<'_> {
    /// Checks and renames the CTEs of a WITH, making each visible to the
    /// ones after it and to the rest of the query.
    pub(super) fn with_clause(&mut self, with: &mut With) -> Outcome {
        let With {
            with_token: _,
            recursive,
            cte_tables,
        } = with;
        if *recursive {
            return Err(forbidden(
                "WITH RECURSIVE is not allowed (a module's statement must do bounded work): use a \
                 plain WITH, or subqueries",
            ));
        }
        let names: Vec<String> = cte_tables
            .iter()
            .map(|cte| cte.alias.name.value.clone())
            .collect();
        for cte in cte_tables.iter() {
            reserved_name(&cte.alias.name)?;
        }
        for (index, cte) in cte_tables.iter_mut().enumerate() {
            let Cte {
                alias,
                query,
                from,
                materialized: _,
                closing_paren_token: _,
            } = cte;
            if from.is_some() {
                return Err(forbidden("CTE … FROM is not supported"));
            }
            plain_alias(alias)?;
            if names[..index]
                .iter()
                .any(|n| n.eq_ignore_ascii_case(&alias.name.value))
            {
                self.defer(invalid(format!(
                    "CTE `{}` is defined twice in this WITH: give each CTE its own name",
                    alias.name
                )));
            }
            self.pending_ctes = names[index..].to_vec();
            let output = self.query(query)?;
            self.pending_ctes.clear();
            let columns = if alias.columns.is_empty() {
                output
            } else {
                if let Some(count) = output.count()
                    && count != alias.columns.len()
                {
                    self.defer(invalid(format!(
                        "CTE `{}` names {} column(s) but its query returns {count}",
                        alias.name,
                        alias.columns.len()
                    )));
                }
                Columns::named(alias.columns.iter().map(|c| c.name.value.clone()))
            };
            self.renamed_ctes += 1;
            let renamed = format!("{RENAMED_PREFIX}{}", self.renamed_ctes);
            let guest =
                std::mem::replace(&mut alias.name, Ident::with_quote('"', renamed.as_str()));
            self.ctes.push(CteName {
                guest: guest.value,
                renamed,
                columns,
            });
        }
        Ok(())
    }

    /// The visible CTE a FROM name refers to (matched ASCII
    /// case-insensitively; the rewrite makes the guard's reading the
    /// database's). The latest definition wins.
    pub(super) fn visible_cte(&self, name: &ObjectName) -> Option<&CteName> {
        let [ObjectNamePart::Identifier(ident)] = name.0.as_slice() else {
            return None;
        };
        self.ctes
            .iter()
            .rev()
            .find(|cte| cte.guest.eq_ignore_ascii_case(&ident.value))
    }

    /// The refusal for a FROM name that is a CTE of the WITH being walked
    /// but not defined yet: itself, or a later one.
    pub(super) fn not_yet_defined(&self, name: &ObjectName) -> Option<SqlRefusal> {
        let [ObjectNamePart::Identifier(ident)] = name.0.as_slice() else {
            return None;
        };
        self.pending_ctes
            .iter()
            .any(|pending| pending.eq_ignore_ascii_case(&ident.value))
            .then(|| {
                forbidden(format!(
                    "CTE `{ident}` is used before it is defined: a CTE may read only the module's \
                     tables and the CTEs defined before it (recursive CTEs are not allowed)"
                ))
            })
    }
}

/// Refuses CTE names that look like tables.
fn reserved_name(name: &Ident) -> Outcome {
    let lower = name.value.to_ascii_lowercase();
    if RESERVED_PREFIXES.iter().any(|p| lower.starts_with(p)) {
        return Err(forbidden(format!(
            "CTE name `{name}` is not allowed: names beginning with {} belong to tables (this \
             module's, other modules', the host's, the database's), so a CTE may not take one; \
             rename the CTE",
            RESERVED_PREFIXES.join(", ")
        )));
    }
    Ok(())
}
