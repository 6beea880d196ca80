//! The walk over FROM: every relation must be a declared table and is
//! rewritten to its physical name (aliased with its logical name when the
//! guest gave no alias); derived tables and joins are walked into; table
//! functions and every other kind of FROM item are refused.

use sqlparser::ast::{
    Join, JoinConstraint, JoinOperator, ObjectName, ObjectNamePart, TableAlias,
    TableAliasColumnDef, TableFactor, TableWithJoins,
};

use super::checker::{Checker, Outcome};
use super::refusal::forbidden;
use super::scope::logical_alias;

impl Checker<'_> {
    pub(super) fn table_with_joins(&mut self, item: &mut TableWithJoins) -> Outcome {
        let TableWithJoins { relation, joins } = item;
        self.table_factor(relation)?;
        for Join {
            relation,
            global,
            join_operator,
        } in joins.iter_mut()
        {
            if *global {
                return Err(forbidden("GLOBAL joins are not supported"));
            }
            self.table_factor(relation)?;
            let constraint = match join_operator {
                JoinOperator::Join(c)
                | JoinOperator::Inner(c)
                | JoinOperator::Left(c)
                | JoinOperator::LeftOuter(c)
                | JoinOperator::Right(c)
                | JoinOperator::RightOuter(c)
                | JoinOperator::FullOuter(c)
                | JoinOperator::CrossJoin(c) => c,
                _ => {
                    return Err(forbidden(
                        "only [INNER|LEFT|RIGHT|FULL|CROSS] JOIN is supported",
                    ));
                }
            };
            match constraint {
                JoinConstraint::On(expr) => self.expr(expr)?,
                JoinConstraint::Using(columns) => {
                    for column in columns.iter() {
                        single_part(column, "USING column")?;
                    }
                }
                JoinConstraint::Natural | JoinConstraint::None => {}
            }
        }
        Ok(())
    }

    fn table_factor(&mut self, factor: &mut TableFactor) -> Outcome {
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
                let (logical, physical) = this.scope.resolve(name)?;
                *name = physical.object_name();
                match alias {
                    Some(alias) => plain_alias(alias),
                    None => {
                        *alias = Some(logical_alias(logical));
                        Ok(())
                    }
                }
            }
            TableFactor::Derived {
                lateral: _,
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
                this.query(subquery)
            }
            TableFactor::NestedJoin {
                table_with_joins,
                alias,
            } => {
                if let Some(alias) = alias {
                    plain_alias(alias)?;
                }
                this.table_with_joins(table_with_joins)
            }
            _ => Err(forbidden(
                "table functions (UNNEST, json_each, generate_series, LATERAL functions, …) are not \
                 allowed: FROM may only contain the module's tables, subqueries and joins of those",
            )),
        })
    }
}

/// Aliases only rename; column types in them (`AS t(a int)`) and `AT`
/// are other dialects' features.
fn plain_alias(alias: &TableAlias) -> Outcome {
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
