//! SQLite's RETURNING does not see the target's alias: `UPDATE t AS a …
//! RETURNING a.qty` fails with "no such column: a.qty" (still so in 3.51),
//! while PostgreSQL accepts it. The guard aliases every target with its
//! logical name, so on SQLite it drops that qualifier inside RETURNING,
//! where it can only mean the target (SQLite's RETURNING cannot reference
//! other tables), to keep `RETURNING mod_probe_items.qty` portable.

use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, Ident, ObjectNamePart, Query, SelectItem, SelectItemQualifiedWildcardKind, VisitMut,
    VisitorMut,
};

/// Drops `alias.` from column references and wildcards in `items`, but not
/// inside subqueries, where the qualifier may name something else.
pub(super) fn unqualify(items: &mut [SelectItem], alias: Option<&Ident>) {
    let Some(alias) = alias else {
        return;
    };
    let mut visitor = Unqualify {
        alias,
        subqueries: 0,
    };
    for item in items.iter_mut() {
        if let SelectItem::QualifiedWildcard(
            SelectItemQualifiedWildcardKind::ObjectName(name),
            options,
        ) = item
            && let [ObjectNamePart::Identifier(qualifier)] = name.0.as_slice()
            && same_name(qualifier, alias)
        {
            *item = SelectItem::Wildcard(options.clone());
            continue;
        }
        let _ = item.visit(&mut visitor);
    }
}

struct Unqualify<'a> {
    alias: &'a Ident,
    subqueries: usize,
}

impl VisitorMut for Unqualify<'_> {
    type Break = ();

    fn pre_visit_query(&mut self, _query: &mut Query) -> ControlFlow<()> {
        self.subqueries += 1;
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _query: &mut Query) -> ControlFlow<()> {
        self.subqueries -= 1;
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if self.subqueries == 0
            && let Expr::CompoundIdentifier(parts) = expr
            && let [qualifier, column] = parts.as_slice()
            && same_name(qualifier, self.alias)
        {
            *expr = Expr::Identifier(column.clone());
        }
        ControlFlow::Continue(())
    }
}

/// SQLite compares names case-insensitively, quoted or not.
fn same_name(a: &Ident, b: &Ident) -> bool {
    a.value.eq_ignore_ascii_case(&b.value)
}
