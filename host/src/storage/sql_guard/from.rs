//! The walk over FROM: every relation must be a visible CTE or a declared
//! table, and is rewritten (CTE: to its new name; table: to its physical
//! name), aliased with the name the guest wrote when the guest gave no
//! alias; derived tables and joins are walked into; table functions and
//! every other kind of FROM item are refused. Each item's columns are
//! collected for the column check.

use sqlparser::ast::{
    Join, JoinConstraint, JoinOperator, ObjectName, ObjectNamePart, TableAlias,
    TableAliasColumnDef, TableFactor, TableWithJoins,
};

use super::checker::{Checker, Outcome};
use super::names::{Columns, Item, Level, Source};
use super::refusal::{SqlRefusal, forbidden};
use super::scope::logical_alias;

impl Checker<'_> {
    /// Walks FROM items: rewrites table and CTE names, walks derived
    /// tables, and returns what each item provides to column references,
    /// plus whether a join merges columns (USING / NATURAL). Join
    /// constraints are walked afterwards by [`Self::join_constraints`],
    /// once the query level they read is in place.
    pub(super) fn walk_from(
        &mut self,
        items: &mut [TableWithJoins],
    ) -> Result<(Vec<Item>, bool), SqlRefusal> {
        let mut out = Vec::new();
        let mut merges_columns = false;
        for item in items.iter_mut() {
            merges_columns |= self.table_with_joins(item, &mut out)?;
        }
        Ok((out, merges_columns))
    }

    fn table_with_joins(
        &mut self,
        item: &mut TableWithJoins,
        out: &mut Vec<Item>,
    ) -> Result<bool, SqlRefusal> {
        let TableWithJoins { relation, joins } = item;
        let mut merges_columns = self.table_factor(relation, out)?;
        for Join {
            relation,
            global,
            join_operator,
        } in joins.iter_mut()
        {
            if *global {
                return Err(forbidden("GLOBAL joins are not supported"));
            }
            merges_columns |= self.table_factor(relation, out)?;
            match constraint(join_operator)? {
                JoinConstraint::Using(columns) => {
                    for column in columns.iter() {
                        single_part(column, "USING column")?;
                    }
                    merges_columns = true;
                }
                JoinConstraint::Natural => merges_columns = true,
                JoinConstraint::On(_) | JoinConstraint::None => {}
            }
        }
        Ok(merges_columns)
    }

    /// Walks the ON expressions and USING columns of FROM items already
    /// walked by [`Self::walk_from`], in the current query level.
    pub(super) fn join_constraints(&mut self, items: &mut [TableWithJoins]) -> Outcome {
        for TableWithJoins { relation, joins } in items.iter_mut() {
            self.nested_join_constraints(relation)?;
            for Join {
                relation,
                global: _,
                join_operator,
            } in joins.iter_mut()
            {
                self.nested_join_constraints(relation)?;
                match constraint(join_operator)? {
                    JoinConstraint::On(expr) => self.expr(expr)?,
                    JoinConstraint::Using(columns) => {
                        for column in columns.iter() {
                            if let [ObjectNamePart::Identifier(ident)] = column.0.as_slice() {
                                self.column_ref(None, ident);
                            }
                        }
                    }
                    JoinConstraint::Natural | JoinConstraint::None => {}
                }
            }
        }
        Ok(())
    }

    /// An unaliased parenthesised join's constraints (an aliased one's were
    /// walked with the join, see [`Self::table_factor`]).
    fn nested_join_constraints(&mut self, factor: &mut TableFactor) -> Outcome {
        match factor {
            TableFactor::NestedJoin {
                table_with_joins,
                alias: None,
            } => self.join_constraints(std::slice::from_mut(table_with_joins.as_mut())),
            _ => Ok(()),
        }
    }

    /// One FROM item; pushes what it provides onto `out` and says whether
    /// a join inside it merges columns.
    fn table_factor(
        &mut self,
        factor: &mut TableFactor,
        out: &mut Vec<Item>,
    ) -> Result<bool, SqlRefusal> {
        self.nested(|this| match factor {
            TableFactor::Table {
                name,
                alias,
                args,
                with_hints,
                version,
                with_ordinality,
                partitions,
                json_path,
                sample,
                index_hints,
            } => {
                if args.is_some() || *with_ordinality {
                    return Err(forbidden(format!(
                        "table-valued function `{name}(…)` in FROM is not allowed: FROM may only contain \
                         the module's tables, subqueries and joins of those"
                    )));
                }
                if !with_hints.is_empty()
                    || version.is_some()
                    || !partitions.is_empty()
                    || json_path.is_some()
                    || sample.is_some()
                    || !index_hints.is_empty()
                {
                    return Err(forbidden("table hints, samples, partitions and versions are not supported"));
                }
                if let Some(alias) = alias {
                    plain_alias(alias)?;
                }
                out.push(this.relation(name, alias)?);
                Ok(false)
            }
            TableFactor::Derived {
                lateral,
                subquery,
                alias,
                sample,
            } => {
                if sample.is_some() {
                    return Err(forbidden("TABLESAMPLE is not supported"));
                }
                if let Some(alias) = alias {
                    plain_alias(alias)?;
                }
                // Only a LATERAL subquery sees the FROM items before it.
                if *lateral {
                    this.levels.push(Level::of(out.clone(), false));
                }
                let output = this.query(subquery);
                if *lateral {
                    this.levels.pop();
                }
                let output = output?;
                out.push(Item {
                    name: alias.as_ref().map(|a| a.name.value.clone()),
                    source: Source::Subquery,
                    columns: renamed_columns(alias.as_ref(), output),
                });
                Ok(false)
            }
            TableFactor::NestedJoin {
                table_with_joins,
                alias,
            } => {
                let Some(alias) = alias else {
                    return this.table_with_joins(table_with_joins, out);
                };
                plain_alias(alias)?;
                // The alias hides the joined items from the query, but
                // not from the join's own constraints: walk them now.
                let mut inner = Vec::new();
                let merges_columns = this.table_with_joins(table_with_joins, &mut inner)?;
                this.levels.push(Level::of(inner, merges_columns));
                let walked =
                    this.join_constraints(std::slice::from_mut(table_with_joins.as_mut()));
                this.levels.pop();
                walked?;
                out.push(Item {
                    name: Some(alias.name.value.clone()),
                    source: Source::Join,
                    columns: renamed_columns(Some(alias), Columns::unknown()),
                });
                Ok(false)
            }
            _ => Err(forbidden(
                "table functions (UNNEST, json_each, generate_series, LATERAL functions, …) are not \
                 allowed: FROM may only contain the module's tables, subqueries and joins of those",
            )),
        })
    }

    /// A relation named in FROM: a visible CTE, or a declared table. Its
    /// name is rewritten (CTE: its new name; table: its physical name) and
    /// it is aliased with the name the guest used when it had no alias, so
    /// qualified column references keep resolving.
    fn relation(
        &mut self,
        name: &mut ObjectName,
        alias: &mut Option<TableAlias>,
    ) -> Result<Item, SqlRefusal> {
        if let Some(cte) = self.visible_cte(name) {
            let (renamed, guest, columns) =
                (cte.object_name(), cte.guest.clone(), cte.columns.clone());
            if alias.is_none()
                && let [ObjectNamePart::Identifier(ident)] = name.0.as_slice()
            {
                *alias = Some(TableAlias {
                    explicit: true,
                    name: ident.clone(),
                    columns: vec![],
                    at: None,
                });
            }
            *name = renamed;
            return Ok(Item {
                name: alias.as_ref().map(|a| a.name.value.clone()),
                source: Source::Cte(guest),
                columns: renamed_columns(alias.as_ref(), columns),
            });
        }
        if let Some(refusal) = self.not_yet_defined(name) {
            return Err(refusal);
        }
        let (logical, table) = self.scope.resolve(name)?;
        let (logical, columns) = (logical.to_owned(), Columns::declared(table));
        *name = table.physical.object_name();
        let alias = alias.get_or_insert_with(|| logical_alias(&logical));
        Ok(Item {
            name: Some(alias.name.value.clone()),
            source: Source::Table(logical),
            columns: renamed_columns(Some(alias), columns),
        })
    }
}

/// The join's constraint, once the join kind is known to be supported.
fn constraint(operator: &mut JoinOperator) -> Result<&mut JoinConstraint, SqlRefusal> {
    match operator {
        JoinOperator::Join(c)
        | JoinOperator::Inner(c)
        | JoinOperator::Left(c)
        | JoinOperator::LeftOuter(c)
        | JoinOperator::Right(c)
        | JoinOperator::RightOuter(c)
        | JoinOperator::FullOuter(c)
        | JoinOperator::CrossJoin(c) => Ok(c),
        _ => Err(forbidden(
            "only [INNER|LEFT|RIGHT|FULL|CROSS] JOIN is supported",
        )),
    }
}

/// An item's columns under `alias`: an alias column list (`AS t(a, b)`)
/// renames them.
fn renamed_columns(alias: Option<&TableAlias>, columns: Columns) -> Columns {
    match alias {
        Some(alias) if !alias.columns.is_empty() => {
            Columns::named(alias.columns.iter().map(|c| c.name.value.clone())).incomplete()
        }
        _ => columns,
    }
}

/// Aliases only rename; column types in them (`AS t(a int)`) and `AT`
/// are other dialects' features.
pub(super) fn plain_alias(alias: &TableAlias) -> Outcome {
    let TableAlias {
        explicit: _,
        name: _,
        columns,
        at,
    } = alias;
    if at.is_some()
        || columns
            .iter()
            .any(|TableAliasColumnDef { name: _, data_type }| data_type.is_some())
    {
        return Err(forbidden("typed alias columns are not supported"));
    }
    Ok(())
}

/// A name that must be a single identifier (a column or FROM-item name).
pub(super) fn single_part(name: &ObjectName, what: &str) -> Outcome {
    match name.0.as_slice() {
        [ObjectNamePart::Identifier(_)] => Ok(()),
        _ => Err(forbidden(format!("{what} `{name}` must be a single name"))),
    }
}
