//! Turning the checked, rewritten AST into SQL text, and making sure the
//! database will see exactly what was checked.
//!
//! sqlparser's `Display` is not an escaper for hostile input: when quoting
//! a string or identifier it leaves a quote alone if a backslash precedes
//! it or another quote follows it ("already escaped"), so a string whose
//! value is `x\'` would print as `'x\''` and end early on SQLite. Hence:
//! 1. every quoted literal and identifier is checked to print as plain
//!    quote-doubling would print it, and refused otherwise; on PostgreSQL
//!    strings containing a backslash are printed as `E'…'`, whose meaning
//!    does not depend on `standard_conforming_strings`;
//! 2. every relation in the result must be a declared table's physical
//!    name or a CTE the statement defines under a name the guard gave it,
//!    and every function call allowlisted (a second, independent look at
//!    what the walk accepted);
//! 3. the printed SQL is parsed again and must give back the same AST.

use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, Ident, ObjectName, ObjectNamePart, Query, Statement, Value, ValueWithSpan, Visit,
    VisitMut, Visitor, VisitorMut, escape_quoted_string, visit_expressions, visit_relations,
};
use sqlparser::parser::Parser;

use super::allowlist::{NILADIC_FUNCTIONS, is_allowed_function};
use super::cte::RENAMED_PREFIX;
use super::dialect::GuestDialect;
use super::refusal::{SqlRefusal, forbidden, invalid};
use super::scope::TableScope;
use crate::storage::Backend;

/// Prints `statement` for `backend` after the checks above.
pub(super) fn render(
    statement: &mut Statement,
    backend: Backend,
    scope: &TableScope,
) -> Result<String, SqlRefusal> {
    if let ControlFlow::Break(refusal) = statement.visit(&mut LiteralSafety { backend }) {
        return Err(refusal);
    }
    verify(statement, scope)?;
    let sql = statement.to_string();
    let dialect = GuestDialect::new(backend);
    let faithful = matches!(
        Parser::parse_sql(&dialect, &sql).as_deref(),
        Ok([reparsed]) if reparsed == statement
    );
    if !faithful {
        return Err(forbidden(
            "the statement cannot be rewritten faithfully for the database; simplify it \
             (pass values as parameters rather than literals)",
        ));
    }
    Ok(sql)
}

struct LiteralSafety {
    backend: Backend,
}

impl VisitorMut for LiteralSafety {
    type Break = SqlRefusal;

    fn pre_visit_value(&mut self, value: &mut ValueWithSpan) -> ControlFlow<SqlRefusal> {
        let safe = match &value.value {
            Value::SingleQuotedString(s)
                if self.backend == Backend::Postgres && s.contains('\\') =>
            {
                value.value = Value::EscapedStringLiteral(s.clone());
                true
            }
            Value::SingleQuotedString(s) => prints_doubled(s, '\''),
            // Printed with full escaping of `'` and `\`.
            Value::EscapedStringLiteral(_) => self.backend == Backend::Postgres,
            Value::DollarQuotedString(d) => {
                let tag = d.tag.as_deref().unwrap_or("");
                self.backend == Backend::Postgres && !d.value.contains(&format!("${tag}$"))
            }
            Value::HexStringLiteral(h) => h.bytes().all(|b| b.is_ascii_hexdigit()),
            Value::Number(n, _) => n
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".+-_".contains(&b)),
            Value::Placeholder(p) => p.bytes().all(|b| b.is_ascii_digit() || b"?$".contains(&b)),
            Value::Boolean(_) | Value::Null => true,
            _ => false,
        };
        if safe {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(invalid(
                "a literal in this statement cannot be passed through safely (quotes combined with \
                 backslashes or doubled quotes): pass the value as a parameter (?N) instead",
            ))
        }
    }

    fn pre_visit_ident(&mut self, ident: &mut Ident) -> ControlFlow<SqlRefusal> {
        let safe = match ident.quote_style {
            None => ident
                .value
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$'),
            Some(q @ ('"' | '`' | '\'')) => prints_doubled(&ident.value, q),
            Some('[') => !ident.value.contains(']'),
            Some(_) => false,
        };
        if safe {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(invalid(format!(
                "identifier `{}` cannot be passed through safely: avoid quotes in names",
                ident.value.escape_debug()
            )))
        }
    }
}

/// Whether sqlparser prints `value` inside `quote`s by doubling every
/// quote, the only escaping SQLite and PostgreSQL share.
fn prints_doubled(value: &str, quote: char) -> bool {
    let doubled: String = value
        .chars()
        .flat_map(|c| if c == quote { vec![c, c] } else { vec![c] })
        .collect();
    escape_quoted_string(value, quote).to_string() == doubled
}

/// Relations and function calls, looked at again on the final AST.
fn verify(statement: &Statement, scope: &TableScope) -> Result<(), SqlRefusal> {
    let mut ctes = RenamedCtes(Vec::new());
    let _ = Visit::visit(statement, &mut ctes);
    let relations = visit_relations(statement, |name| {
        if scope.is_physical(name) || ctes.0.contains(name) {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(forbidden(format!(
                "relation `{name}` is not one of this module's tables"
            )))
        }
    });
    if let ControlFlow::Break(refusal) = relations {
        return Err(refusal);
    }
    let functions = visit_expressions(statement, |expr| {
        let Expr::Function(function) = expr else {
            return ControlFlow::Continue(());
        };
        let allowed = match function.name.0.as_slice() {
            [ObjectNamePart::Identifier(ident)] => {
                let folded = match ident.quote_style {
                    None => ident.value.to_ascii_lowercase(),
                    Some(_) => ident.value.clone(),
                };
                is_allowed_function(&folded) || NILADIC_FUNCTIONS.contains(&folded.as_str())
            }
            _ => false,
        };
        if allowed {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(forbidden(format!(
                "function `{}` is not allowed",
                function.name
            )))
        }
    });
    match functions {
        ControlFlow::Continue(()) => Ok(()),
        ControlFlow::Break(refusal) => Err(refusal),
    }
}

/// The CTEs a statement defines under names the guard gave them (`"_cteN"`):
/// the only relations besides declared tables a rewritten statement may
/// name.
struct RenamedCtes(Vec<ObjectName>);

impl Visitor for RenamedCtes {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        for cte in query.with.iter().flat_map(|with| &with.cte_tables) {
            let name = &cte.alias.name;
            if name.quote_style == Some('"') && name.value.starts_with(RENAMED_PREFIX) {
                self.0.push(ObjectName::from(vec![name.clone()]));
            }
        }
        ControlFlow::Continue(())
    }
}
