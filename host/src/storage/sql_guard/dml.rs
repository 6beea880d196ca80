//! The statement level of the walk for UPDATE and DELETE (INSERT is in
//! `insert.rs`): their targets, the query level their expressions see, and
//! the host-managed columns (never writable; `updated_at` is set by the
//! guard).

use modgate_manifest::AUTO_COLUMNS;
use sqlparser::ast::{
    Assignment, AssignmentTarget, Delete, FromTable, Ident, ObjectName, ObjectNamePart,
    TableFactor, Update, UpdateTableFromKind,
};

use super::checker::{Checker, Outcome, Shape};
use super::names::{Item, Level, Source};
use super::placeholders::now_marker;
use super::refusal::{SqlRefusal, forbidden, invalid};
use super::{Verb, returning};
use crate::storage::Backend;

impl Checker<'_> {
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
        let (mut items, mut merges_columns) = self.walk_from(std::slice::from_mut(table))?;
        let logical = target_table(&items);
        match from {
            None => {}
            Some(UpdateTableFromKind::AfterSet(from)) => {
                let (more, merges) = self.walk_from(from)?;
                items.extend(more);
                merges_columns |= merges;
            }
            Some(UpdateTableFromKind::BeforeSet(_)) => {
                return Err(forbidden("UPDATE … FROM must follow SET"));
            }
        }
        self.levels.push(Level::of(items, merges_columns));
        if let Some(UpdateTableFromKind::AfterSet(from)) = from {
            self.join_constraints(from)?;
        }
        self.assignments(&logical, assignments)?;
        if let Some(selection) = selection {
            self.expr(selection)?;
        }
        if let Some(items) = returning.as_mut() {
            self.select_items(items)?;
        }
        self.levels.pop();
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
        let (mut items, mut merges_columns) = self.walk_from(std::slice::from_mut(target))?;
        if matches!(from, FromTable::WithoutKeyword(_)) {
            self.defer(invalid("write DELETE FROM <table>"));
        }
        if let Some(using) = using {
            let (more, merges) = self.walk_from(using)?;
            items.extend(more);
            merges_columns |= merges;
        }
        self.levels.push(Level::of(items, merges_columns));
        if let Some(using) = using {
            self.join_constraints(using)?;
        }
        if let Some(selection) = selection {
            self.expr(selection)?;
        }
        if let Some(items) = returning.as_mut() {
            self.select_items(items)?;
        }
        self.levels.pop();
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

    /// SET lists of the declared table `logical`: no host-managed column
    /// may be written, and every column must be declared.
    pub(super) fn assignments(&mut self, logical: &str, assignments: &mut [Assignment]) -> Outcome {
        for Assignment { target, value } in assignments.iter_mut() {
            let columns = match target {
                AssignmentTarget::ColumnName(column) => std::slice::from_ref(column),
                AssignmentTarget::Tuple(columns) => columns.as_slice(),
            };
            for column in columns {
                writable_column(column)?;
                self.target_column(logical, column, "SET");
            }
            self.expr(value)?;
        }
        Ok(())
    }
}

/// The declared table a DML statement targets: its first FROM item.
fn target_table(items: &[Item]) -> String {
    match items.first() {
        Some(Item {
            source: Source::Table(logical),
            ..
        }) => logical.clone(),
        _ => String::new(),
    }
}

pub(super) fn no_hints(empty: bool) -> Outcome {
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
pub(super) fn writable_column(column: &ObjectName) -> Outcome {
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
pub(super) fn updated_at_now() -> Assignment {
    Assignment {
        target: AssignmentTarget::ColumnName(ObjectName::from(vec![Ident::new("updated_at")])),
        value: now_marker(),
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
