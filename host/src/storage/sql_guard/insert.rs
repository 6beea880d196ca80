//! The statement level of the walk for INSERT: its target, the forms
//! supported (`INSERT INTO <table> (<columns>) VALUES …` and `… SELECT …`,
//! with ON CONFLICT and RETURNING), the column list checked against the
//! declaration, and the host-managed columns added to every row.

use modgate_manifest::AUTO_COLUMNS;
use sqlparser::ast::{
    ConflictTarget, DoUpdate, Ident, Insert, ObjectName, OnConflict, OnConflictAction, OnInsert,
    Query, SetExpr, TableObject, Values,
};

use super::checker::{Checker, Outcome, Shape};
use super::dml::{no_hints, updated_at_now, writable_column};
use super::names::{Columns, Item, Level, Source};
use super::placeholders::{new_id_marker, now_marker};
use super::refusal::{SqlRefusal, forbidden, invalid};
use super::scope::logical_insert_alias;
use super::{Verb, insert_select, returning};
use crate::storage::Backend;

impl Checker<'_> {
    pub(super) fn insert(&mut self, insert: &mut Insert) -> Result<Shape, SqlRefusal> {
        let Insert {
            insert_token: _,
            optimizer_hints,
            or: _,
            ignore,
            into: _,
            table,
            table_alias,
            columns,
            overwrite,
            source,
            assignments,
            partitioned,
            after_columns,
            has_table_keyword,
            on,
            returning,
            output,
            replace_into: _,
            priority,
            insert_alias,
            settings,
            format_clause,
            multi_table_insert_type,
            multi_table_into_clauses,
            multi_table_when_clauses,
            multi_table_else_clause,
        } = insert;
        no_hints(optimizer_hints.is_empty())?;
        if *ignore
            || *overwrite
            || !assignments.is_empty()
            || partitioned.is_some()
            || !after_columns.is_empty()
            || *has_table_keyword
            || output.is_some()
            || priority.is_some()
            || insert_alias.is_some()
            || settings.is_some()
            || format_clause.is_some()
            || multi_table_insert_type.is_some()
            || !multi_table_into_clauses.is_empty()
            || !multi_table_when_clauses.is_empty()
            || multi_table_else_clause.is_some()
        {
            return Err(forbidden(
                "this INSERT form is not supported: write INSERT INTO <table> (<columns>) VALUES (…) \
                 or INSERT INTO <table> (<columns>) SELECT …",
            ));
        }
        let TableObject::TableName(name) = table else {
            return Err(forbidden(
                "INSERT may only target one of the module's tables by name",
            ));
        };
        let (logical, target_columns) = {
            let (logical, declared) = self.scope.resolve(name)?;
            *name = declared.physical.object_name();
            (logical.to_owned(), Columns::declared(declared))
        };
        let alias = table_alias
            .get_or_insert_with(|| logical_insert_alias(&logical))
            .alias
            .clone();
        for column in columns.iter() {
            writable_column(column)?;
        }
        for column in columns.iter() {
            self.target_column(&logical, column, "the INSERT column list");
        }
        let mut from_select = false;
        let rows = match source.as_deref_mut() {
            None => {
                self.defer(invalid(
                    "INSERT … DEFAULT VALUES is not supported: list the columns and use VALUES (…)",
                ));
                None
            }
            Some(query) => match plain_values(query) {
                Some(values) => {
                    for row in values.rows.iter_mut() {
                        for value in row.iter_mut() {
                            self.expr(value)?;
                        }
                    }
                    Some(&mut values.rows)
                }
                None => {
                    let output = self.top_query(query)?;
                    if let Some(count) = output.count()
                        && count != columns.len()
                        && !columns.is_empty()
                    {
                        self.defer(invalid(format!(
                            "INSERT lists {} column(s) but its SELECT returns {count}: select one \
                             value per listed column",
                            columns.len()
                        )));
                    }
                    from_select = true;
                    None
                }
            },
        };
        if columns.is_empty() {
            self.defer(invalid(
                "INSERT needs an explicit column list: INSERT INTO <table> (<columns>) VALUES (…)",
            ));
        }
        // ON CONFLICT … DO UPDATE and RETURNING see the target under its
        // alias (DO UPDATE also sees `excluded`, the row proposed).
        let target = Item {
            name: Some(alias.value.clone()),
            source: Source::Table(logical.clone()),
            columns: target_columns,
        };
        if let Some(on) = on {
            self.on_insert(on, &target)?;
        }
        if let Some(items) = returning.as_mut() {
            self.levels.push(Level::of(vec![target], false));
            self.select_items(items)?;
            self.levels.pop();
        }
        if let Some(rows) = rows {
            if rows.iter().any(|row| row.len() != columns.len()) {
                self.defer(invalid(
                    "every VALUES row must have one value per listed column",
                ));
            }
            for row in rows.iter_mut() {
                row.extend([new_id_marker(), now_marker(), now_marker()]);
            }
        }
        if from_select && let Some(query) = source.as_mut() {
            insert_select::add_host_columns(query, self.backend)?;
        }
        if source.is_some() {
            columns.extend(
                AUTO_COLUMNS
                    .iter()
                    .map(|c| ObjectName::from(vec![Ident::new(*c)])),
            );
        }
        if self.backend == Backend::Sqlite
            && let Some(items) = returning.as_mut()
        {
            returning::unqualify(items, Some(&alias));
        }
        Ok(Shape {
            verb: Verb::Insert,
            returns_rows: returning.is_some(),
        })
    }

    fn on_insert(&mut self, on: &mut OnInsert, target: &Item) -> Outcome {
        let OnInsert::OnConflict(OnConflict {
            conflict_target,
            action,
        }) = on
        else {
            return Err(forbidden(
                "ON DUPLICATE KEY UPDATE is not supported: use ON CONFLICT (…) DO …",
            ));
        };
        let Source::Table(logical) = &target.source else {
            return Ok(());
        };
        match conflict_target {
            Some(ConflictTarget::OnConstraint(_)) => {
                return Err(forbidden(
                    "ON CONFLICT ON CONSTRAINT is not allowed: name the conflicting columns, ON CONFLICT (<columns>)",
                ));
            }
            Some(ConflictTarget::Columns(columns)) => {
                for column in columns.iter() {
                    self.target_ident(logical, column, "ON CONFLICT (…)");
                }
            }
            None => {}
        }
        if let OnConflictAction::DoUpdate(DoUpdate {
            assignments,
            selection,
        }) = action
        {
            let excluded = Item {
                name: Some("excluded".to_owned()),
                ..target.clone()
            };
            self.levels
                .push(Level::of(vec![target.clone(), excluded], false));
            self.assignments(logical, assignments)?;
            if let Some(selection) = selection {
                self.expr(selection)?;
            }
            self.levels.pop();
            assignments.push(updated_at_now());
        }
        Ok(())
    }
}

/// The VALUES of `INSERT … VALUES`, if the source is exactly that.
fn plain_values(query: &mut Query) -> Option<&mut Values> {
    let Query {
        with,
        body,
        order_by,
        limit_clause,
        fetch,
        locks,
        for_clause,
        settings,
        format_clause,
        pipe_operators,
    } = query;
    let plain = with.is_none()
        && order_by.is_none()
        && limit_clause.is_none()
        && fetch.is_none()
        && locks.is_empty()
        && for_clause.is_none()
        && settings.is_none()
        && format_clause.is_none()
        && pipe_operators.is_empty();
    match body.as_mut() {
        SetExpr::Values(values) if plain && !values.explicit_row => Some(values),
        _ => None,
    }
}
