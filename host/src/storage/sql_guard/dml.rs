//! The statement level of the walk for INSERT, UPDATE and DELETE: their
//! targets, host-managed columns (never writable; `id`, `created_at`,
//! `updated_at` are added by the guard) and the INSERT forms supported.

use modgate_manifest::AUTO_COLUMNS;
use sqlparser::ast::{
    Assignment, AssignmentTarget, ConflictTarget, Delete, DoUpdate, FromTable, Ident, Insert,
    ObjectName, ObjectNamePart, OnConflict, OnConflictAction, OnInsert, Query, SetExpr,
    TableFactor, TableObject, Update, UpdateTableFromKind, Values,
};

use super::checker::{Checker, Outcome, Shape};
use super::placeholders::{new_id_marker, now_marker};
use super::refusal::{SqlRefusal, forbidden, invalid};
use super::scope::logical_insert_alias;
use super::{Verb, returning};
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
                "this INSERT form is not supported: write INSERT INTO <table> (<columns>) VALUES (…)",
            ));
        }
        let TableObject::TableName(name) = table else {
            return Err(forbidden(
                "INSERT may only target one of the module's tables by name",
            ));
        };
        let (logical, physical) = self.scope.resolve(name)?;
        *name = physical.object_name();
        if table_alias.is_none() {
            *table_alias = Some(logical_insert_alias(logical));
        }
        for column in columns.iter() {
            writable_column(column)?;
        }
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
                    self.query(query)?;
                    self.defer(invalid(
                        "INSERT … SELECT is not supported (the host adds id, created_at and updated_at \
                         per row): use INSERT INTO <table> (<columns>) VALUES (…), (…)",
                    ));
                    None
                }
            },
        };
        if columns.is_empty() {
            self.defer(invalid(
                "INSERT needs an explicit column list: INSERT INTO <table> (<columns>) VALUES (…)",
            ));
        }
        if let Some(on) = on {
            self.on_insert(on)?;
        }
        if let Some(items) = returning.as_mut() {
            self.select_items(items)?;
        }
        if let Some(rows) = rows {
            if rows.iter().any(|row| row.len() != columns.len()) {
                self.defer(invalid(
                    "every VALUES row must have one value per listed column",
                ));
            }
            columns.extend(
                AUTO_COLUMNS
                    .iter()
                    .map(|c| ObjectName::from(vec![Ident::new(*c)])),
            );
            for row in rows.iter_mut() {
                row.extend([new_id_marker(), now_marker(), now_marker()]);
            }
        }
        if self.backend == Backend::Sqlite
            && let Some(items) = returning.as_mut()
        {
            let alias = table_alias.as_ref().map(|a| a.alias.clone());
            returning::unqualify(items, alias.as_ref());
        }
        Ok(Shape {
            verb: Verb::Insert,
            returns_rows: returning.is_some(),
        })
    }

    fn on_insert(&mut self, on: &mut OnInsert) -> Outcome {
        let OnInsert::OnConflict(OnConflict {
            conflict_target,
            action,
        }) = on
        else {
            return Err(forbidden(
                "ON DUPLICATE KEY UPDATE is not supported: use ON CONFLICT (…) DO …",
            ));
        };
        if let Some(ConflictTarget::OnConstraint(_)) = conflict_target {
            return Err(forbidden(
                "ON CONFLICT ON CONSTRAINT is not allowed: name the conflicting columns, ON CONFLICT (<columns>)",
            ));
        }
        if let OnConflictAction::DoUpdate(DoUpdate {
            assignments,
            selection,
        }) = action
        {
            self.assignments(assignments)?;
            if let Some(selection) = selection {
                self.expr(selection)?;
            }
            assignments.push(updated_at_now());
        }
        Ok(())
    }

    pub(super) fn update(&mut self, update: &mut Update) -> Result<Shape, SqlRefusal> {
        let Update {
            update_token: _,
            optimizer_hints,
            table,
            assignments,
            from,
            selection,
            returning,
            output,
            or: _,
            order_by,
            limit,
        } = update;
        no_hints(optimizer_hints.is_empty())?;
        if output.is_some() || !order_by.is_empty() || limit.is_some() {
            return Err(forbidden(
                "UPDATE … ORDER BY / LIMIT / OUTPUT is not supported",
            ));
        }
        if !table.joins.is_empty() || !matches!(table.relation, TableFactor::Table { .. }) {
            return Err(forbidden(
                "UPDATE may only target one of the module's tables; put others in FROM",
            ));
        }
        self.table_with_joins(table)?;
        self.assignments(assignments)?;
        match from {
            None => {}
            Some(UpdateTableFromKind::AfterSet(items)) => {
                for item in items.iter_mut() {
                    self.table_with_joins(item)?;
                }
            }
            Some(UpdateTableFromKind::BeforeSet(_)) => {
                return Err(forbidden("UPDATE … FROM must follow SET"));
            }
        }
        if let Some(selection) = selection {
            self.expr(selection)?;
        }
        if let Some(items) = returning.as_mut() {
            self.select_items(items)?;
        }
        assignments.push(updated_at_now());
        if self.backend == Backend::Sqlite
            && let Some(items) = returning.as_mut()
        {
            returning::unqualify(items, target_alias(&table.relation));
        }
        Ok(Shape {
            verb: Verb::Update,
            returns_rows: returning.is_some(),
        })
    }

    pub(super) fn delete(&mut self, delete: &mut Delete) -> Result<Shape, SqlRefusal> {
        let Delete {
            delete_token: _,
            optimizer_hints,
            tables,
            from,
            using,
            selection,
            returning,
            output,
            order_by,
            limit,
        } = delete;
        no_hints(optimizer_hints.is_empty())?;
        if !tables.is_empty() || output.is_some() || !order_by.is_empty() || limit.is_some() {
            return Err(forbidden(
                "this DELETE form is not supported: write DELETE FROM <table> WHERE …",
            ));
        }
        let (FromTable::WithFromKeyword(targets) | FromTable::WithoutKeyword(targets)) = from;
        let [target] = targets.as_mut_slice() else {
            return Err(forbidden(
                "DELETE may only target one of the module's tables; put others in USING",
            ));
        };
        if !target.joins.is_empty() || !matches!(target.relation, TableFactor::Table { .. }) {
            return Err(forbidden(
                "DELETE may only target one of the module's tables; put others in USING",
            ));
        }
        self.table_with_joins(target)?;
        if matches!(from, FromTable::WithoutKeyword(_)) {
            self.defer(invalid("write DELETE FROM <table>"));
        }
        for item in using.iter_mut().flatten() {
            self.table_with_joins(item)?;
        }
        if let Some(selection) = selection {
            self.expr(selection)?;
        }
        if let Some(items) = returning.as_mut() {
            self.select_items(items)?;
        }
        if self.backend == Backend::Sqlite
            && let Some(items) = returning.as_mut()
            && let FromTable::WithFromKeyword(targets) | FromTable::WithoutKeyword(targets) = from
            && let Some(target) = targets.first()
        {
            returning::unqualify(items, target_alias(&target.relation));
        }
        Ok(Shape {
            verb: Verb::Delete,
            returns_rows: returning.is_some(),
        })
    }

    /// SET lists: no host-managed column may be written.
    fn assignments(&mut self, assignments: &mut [Assignment]) -> Outcome {
        for Assignment { target, value } in assignments.iter_mut() {
            match target {
                AssignmentTarget::ColumnName(column) => writable_column(column)?,
                AssignmentTarget::Tuple(columns) => {
                    for column in columns.iter() {
                        writable_column(column)?;
                    }
                }
            }
            self.expr(value)?;
        }
        Ok(())
    }
}

fn no_hints(empty: bool) -> Outcome {
    if empty {
        Ok(())
    } else {
        Err(forbidden("optimizer hints (`/*+ … */`) are not allowed"))
    }
}

/// Refuses writing `id`, `created_at` or `updated_at`. Every part of the
/// name is checked (PostgreSQL reads `SET id.x = …` as a field of `id`),
/// and case-insensitively even when quoted: SQLite matches quoted column
/// names case-insensitively.
fn writable_column(column: &ObjectName) -> Outcome {
    for part in &column.0 {
        let ObjectNamePart::Identifier(ident) = part else {
            return Err(forbidden(format!("`{column}` is not a column name")));
        };
        let lower = ident.value.to_ascii_lowercase();
        if AUTO_COLUMNS.contains(&lower.as_str()) {
            return Err(forbidden(format!(
                "column `{}` is host-managed: the host sets id, created_at and updated_at itself; \
                 leave them out of INSERT column lists and SET clauses",
                ident.value
            )));
        }
    }
    Ok(())
}

/// `updated_at = <now>`, appended to every SET list.
fn updated_at_now() -> Assignment {
    Assignment {
        target: AssignmentTarget::ColumnName(ObjectName::from(vec![Ident::new("updated_at")])),
        value: now_marker(),
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

/// The name a DML target is known by inside the statement (after the
/// rewrite always an alias).
fn target_alias(relation: &TableFactor) -> Option<&Ident> {
    match relation {
        TableFactor::Table {
            alias: Some(alias), ..
        } => Some(&alias.name),
        _ => None,
    }
}
