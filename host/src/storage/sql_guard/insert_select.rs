//! INSERT … SELECT keeps the host's columns the host's: the guest's query
//! becomes a derived table, and the host's values are added to each row it
//! yields:
//!
//! ```sql
//! INSERT INTO t (a, b, id, created_at, updated_at)
//! SELECT "_q".*, <id prefix> || SUBSTR(CAST(10000000 + row_number() OVER () AS TEXT), 2),
//!        <now>, <now>
//! FROM (<the guest's query>) AS "_q" WHERE true
//! ```
//!
//! The host never sees these rows, so it cannot bind one ULID per row as it
//! does for VALUES; instead it binds the first 19 characters of a fresh
//! ULID and the statement appends the row's number as 7 digits (digits are
//! Crockford base-32 too): every row gets a distinct 26-character id,
//! ordered by time like any other. Only allowlisted functions are used, on
//! both backends alike. `WHERE true` keeps SQLite's parser from reading a
//! following `ON CONFLICT` as a join constraint (its documented upsert
//! ambiguity).

use std::ops::ControlFlow;

use sqlparser::ast::{
    Query, SetExpr, Statement, TableFactor, Value, ValueWithSpan, VisitMut, VisitorMut,
};
use sqlparser::parser::Parser;

use super::dialect::GuestDialect;
use super::placeholders::{new_id_prefix_marker, now_marker};
use super::refusal::{SqlRefusal, invalid};
use crate::storage::Backend;

/// The wrapper; `?1` stands for the id prefix, `?2` for the timestamp, and
/// the derived table's body is replaced by the guest's query.
const TEMPLATE: &str = "SELECT \"_q\".*, ?1 || substr(CAST(10000000 + row_number() OVER () AS text), 2), \
                        ?2, ?2 FROM (SELECT 1) AS \"_q\" WHERE true";

/// Wraps `source` (already checked) so each row also carries `id`,
/// `created_at` and `updated_at`, in that order.
pub(super) fn add_host_columns(
    source: &mut Box<Query>,
    backend: Backend,
) -> Result<(), SqlRefusal> {
    let mut wrapper = template(backend).ok_or_else(template_broken)?;
    let derived = derived_body(&mut wrapper).ok_or_else(template_broken)?;
    std::mem::swap(derived, source);
    *source = wrapper;
    Ok(())
}

/// The parsed template with the host's markers in place.
fn template(backend: Backend) -> Option<Box<Query>> {
    let parsed = Parser::parse_sql(&GuestDialect::new(backend), TEMPLATE).ok()?;
    let Ok::<[_; 1], _>([Statement::Query(mut query)]) = parsed.try_into() else {
        return None;
    };
    let _ = VisitMut::visit(query.as_mut(), &mut Markers);
    Some(query)
}

/// The body of the template's derived table.
fn derived_body(query: &mut Query) -> Option<&mut Box<Query>> {
    let SetExpr::Select(select) = query.body.as_mut() else {
        return None;
    };
    match &mut select.from.first_mut()?.relation {
        TableFactor::Derived { subquery, .. } => Some(subquery),
        _ => None,
    }
}

/// Turns the template's `?1` / `?2` into the host's markers.
struct Markers;

impl VisitorMut for Markers {
    type Break = ();

    fn pre_visit_value(&mut self, value: &mut ValueWithSpan) -> ControlFlow<()> {
        if let Value::Placeholder(text) = &value.value {
            let marker = match text.as_str() {
                "?1" => new_id_prefix_marker(),
                _ => now_marker(),
            };
            if let sqlparser::ast::Expr::Value(marker) = marker {
                *value = marker;
            }
        }
        ControlFlow::Continue(())
    }
}

/// The template is a constant; this cannot happen, but module input must
/// never be able to panic the host.
fn template_broken() -> SqlRefusal {
    invalid("INSERT … SELECT could not be prepared; use INSERT … VALUES")
}
