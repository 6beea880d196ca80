//! The walk over queries: WITH (`cte.rs`), set operations, SELECT and the
//! clauses around it. FROM items are in `from.rs`. Each walk returns the
//! query's output columns, for the column check of whatever reads it.

use sqlparser::ast::{
    Distinct, Fetch, GroupByExpr, LimitClause, LockClause, NamedWindowDefinition, NamedWindowExpr,
    Offset, OrderBy, OrderByExpr, OrderByKind, OrderByOptions, OrderBySort, Query, Select,
    SelectFlavor, SelectItem, SelectItemQualifiedWildcardKind, SetExpr, SetOperator, SetQuantifier,
    Values, WildcardAdditionalOptions,
};

use super::checker::{Checker, Outcome};
use super::from::single_part;
use super::names::{Columns, Level};
use super::refusal::{SqlRefusal, forbidden};

impl Checker<'_> {
    /// A query inside the statement (subquery, derived table, CTE body).
    pub(super) fn query(&mut self, query: &mut Query) -> Result<Columns, SqlRefusal> {
        self.nested(|this| this.query_inner(query, false))
    }

    /// The statement's own query, or an INSERT's SELECT: the only places a
    /// WITH may stand (CTEs are defined once, up front, for the statement).
    pub(super) fn top_query(&mut self, query: &mut Query) -> Result<Columns, SqlRefusal> {
        self.nested(|this| this.query_inner(query, true))
    }

    fn query_inner(&mut self, query: &mut Query, top: bool) -> Result<Columns, SqlRefusal> {
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
        let visible_ctes = self.ctes.len();
        if let Some(with) = with {
            if !top {
                return Err(forbidden(
                    "WITH is only allowed at the start of the statement (or of an INSERT's \
                     SELECT): move the CTEs there, or use a subquery in FROM, \
                     e.g. SELECT … FROM (SELECT …) AS t",
                ));
            }
            if matches!(
                body.as_ref(),
                SetExpr::Insert(_) | SetExpr::Update(_) | SetExpr::Delete(_) | SetExpr::Merge(_)
            ) {
                return Err(forbidden(
                    "WITH before INSERT, UPDATE or DELETE is not supported: put it in the \
                     INSERT's SELECT (INSERT INTO <table> (<columns>) WITH … SELECT …), or use \
                     subqueries",
                ));
            }
            self.with_clause(with)?;
        }
        if for_clause.is_some()
            || settings.is_some()
            || format_clause.is_some()
            || !pipe_operators.is_empty()
        {
            return Err(forbidden(
                "FOR XML/JSON, SETTINGS, FORMAT and pipe operators are not supported",
            ));
        }
        // ORDER BY, LIMIT and FETCH see the body's names: a SELECT's FROM
        // items and aliases, or (set operations, VALUES) output names only
        // the database knows.
        let (level, output) = self.set_expr(body)?;
        self.levels.push(level);
        if let Some(order_by) = order_by {
            self.order_by(order_by)?;
        }
        match limit_clause {
            None => {}
            Some(LimitClause::LimitOffset {
                limit,
                offset,
                limit_by,
            }) => {
                if !limit_by.is_empty() {
                    return Err(forbidden("LIMIT … BY is not supported"));
                }
                if let Some(limit) = limit {
                    self.expr(limit)?;
                }
                if let Some(Offset { value, rows: _ }) = offset {
                    self.expr(value)?;
                }
            }
            Some(LimitClause::OffsetCommaLimit { offset, limit }) => {
                self.expr(offset)?;
                self.expr(limit)?;
            }
        }
        if let Some(Fetch {
            with_ties: _,
            percent,
            quantity,
        }) = fetch
        {
            if *percent {
                return Err(forbidden("FETCH … PERCENT is not supported"));
            }
            if let Some(quantity) = quantity {
                self.expr(quantity)?;
            }
        }
        self.levels.pop();
        for LockClause {
            lock_type: _,
            of,
            nonblock: _,
        } in locks.iter()
        {
            // `FOR UPDATE OF x` names a FROM item of this query (an alias),
            // not a table: it cannot reach anything outside the query.
            if let Some(of) = of
                && of.0.len() != 1
            {
                return Err(forbidden(format!(
                    "FOR UPDATE OF `{of}`: name a FROM item of this query"
                )));
            }
        }
        // The CTEs of this WITH are not visible outside this query.
        self.ctes.truncate(visible_ctes);
        Ok(output)
    }

    /// The names a query's trailing clauses see, and its output columns.
    fn set_expr(&mut self, body: &mut SetExpr) -> Result<(Level, Columns), SqlRefusal> {
        self.nested(|this| match body {
            SetExpr::Select(select) => this.select(select),
            SetExpr::Query(query) => Ok((Level::open(), this.query(query)?)),
            SetExpr::SetOperation {
                left,
                op,
                set_quantifier,
                right,
            } => {
                if !matches!(
                    op,
                    SetOperator::Union | SetOperator::Except | SetOperator::Intersect
                ) || !matches!(
                    set_quantifier,
                    SetQuantifier::All | SetQuantifier::Distinct | SetQuantifier::None
                ) {
                    return Err(forbidden(format!(
                        "`{op} {set_quantifier}` is not supported"
                    )));
                }
                let (_, output) = this.set_expr(left)?;
                this.set_expr(right)?;
                Ok((Level::open(), output))
            }
            SetExpr::Values(values) => {
                this.values(values)?;
                let width = values.rows.first().map_or(0, |row| row.len());
                Ok((Level::open(), Columns::unnamed(width)))
            }
            SetExpr::Insert(_) | SetExpr::Update(_) | SetExpr::Delete(_) | SetExpr::Merge(_) => {
                Err(forbidden(
                    "data-modifying statements inside a query are not allowed",
                ))
            }
            SetExpr::Table(_) => Err(forbidden(
                "`TABLE <name>` is not allowed: use SELECT * FROM <table>",
            )),
        })
    }

    pub(super) fn values(&mut self, values: &mut Values) -> Outcome {
        let Values {
            explicit_row,
            value_keyword,
            rows,
        } = values;
        if *explicit_row || *value_keyword {
            return Err(forbidden(
                "VALUES ROW(…) / VALUE (…) is not supported: use VALUES (…)",
            ));
        }
        for row in rows.iter_mut() {
            for value in row.iter_mut() {
                self.expr(value)?;
            }
        }
        Ok(())
    }

    /// Walks a SELECT: its FROM items first (they are what the other
    /// clauses' column references name), then the rest in one query level.
    /// Returns that level (for ORDER BY) and the output columns.
    fn select(&mut self, select: &mut Select) -> Result<(Level, Columns), SqlRefusal> {
        let Select {
            select_token: _,
            optimizer_hints,
            distinct,
            select_modifiers,
            top,
            top_before_distinct: _,
            projection,
            exclude,
            into,
            from,
            lateral_views,
            prewhere,
            selection,
            connect_by,
            group_by,
            cluster_by,
            distribute_by,
            sort_by,
            having,
            named_window,
            qualify,
            window_before_qualify: _,
            value_table_mode,
            flavor,
        } = select;
        if into.is_some() {
            return Err(forbidden(
                "SELECT … INTO is not allowed (it creates a table): select the rows and INSERT them instead",
            ));
        }
        if !optimizer_hints.is_empty() {
            return Err(forbidden("optimizer hints (`/*+ … */`) are not allowed"));
        }
        if select_modifiers.is_some()
            || top.is_some()
            || exclude.is_some()
            || !lateral_views.is_empty()
            || prewhere.is_some()
            || !connect_by.is_empty()
            || !cluster_by.is_empty()
            || !distribute_by.is_empty()
            || !sort_by.is_empty()
            || qualify.is_some()
            || value_table_mode.is_some()
            || !matches!(flavor, SelectFlavor::Standard)
        {
            return Err(forbidden(
                "this SELECT form is not supported (TOP, LATERAL VIEW, PREWHERE, CONNECT BY, QUALIFY, …)",
            ));
        }
        let (items, merges_columns) = self.walk_from(from)?;
        self.levels.push(Level::of(items, merges_columns));
        self.join_constraints(from)?;
        self.select_items(projection)?;
        let aliases = projection.iter().filter_map(|item| match item {
            SelectItem::ExprWithAlias { alias, .. } => Some(alias.value.clone()),
            _ => None,
        });
        if let Some(level) = self.levels.last_mut() {
            level.aliases.extend(aliases);
        }
        if let Some(Distinct::On(exprs)) = distinct {
            for expr in exprs.iter_mut() {
                self.expr(expr)?;
            }
        }
        if let Some(selection) = selection {
            self.expr(selection)?;
        }
        match group_by {
            GroupByExpr::Expressions(exprs, modifiers) if modifiers.is_empty() => {
                for expr in exprs.iter_mut() {
                    self.expr(expr)?;
                }
            }
            _ => {
                return Err(forbidden(
                    "GROUP BY ALL / ROLLUP / CUBE / GROUPING SETS are not supported",
                ));
            }
        }
        if let Some(having) = having {
            self.expr(having)?;
        }
        for NamedWindowDefinition(_, window) in named_window.iter_mut() {
            if let NamedWindowExpr::WindowSpec(spec) = window {
                self.window_spec(spec)?;
            }
        }
        let level = self.levels.pop().unwrap_or_default();
        let output = level.output(projection);
        Ok((level, output))
    }

    /// A SELECT list or a RETURNING list.
    pub(super) fn select_items(&mut self, items: &mut [SelectItem]) -> Outcome {
        for item in items.iter_mut() {
            match item {
                SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, alias: _ } => {
                    self.expr(expr)?
                }
                SelectItem::Wildcard(options) => plain_wildcard(options)?,
                SelectItem::QualifiedWildcard(
                    SelectItemQualifiedWildcardKind::ObjectName(name),
                    options,
                ) => {
                    single_part(name, "qualified wildcard")?;
                    plain_wildcard(options)?;
                    self.wildcard_qualifier(name);
                }
                SelectItem::QualifiedWildcard(SelectItemQualifiedWildcardKind::Expr(_), _)
                | SelectItem::ExprWithAliases { .. } => {
                    return Err(forbidden("this select-list form is not supported"));
                }
            }
        }
        Ok(())
    }
    pub(super) fn order_by_exprs(&mut self, exprs: &mut [OrderByExpr]) -> Outcome {
        for OrderByExpr {
            expr,
            options,
            with_fill,
        } in exprs.iter_mut()
        {
            let OrderByOptions {
                sort,
                nulls_first: _,
            } = options;
            if matches!(sort, Some(OrderBySort::Using(_))) || with_fill.is_some() {
                return Err(forbidden(
                    "ORDER BY … USING / WITH FILL is not supported: use ASC or DESC",
                ));
            }
            self.expr(expr)?;
        }
        Ok(())
    }

    fn order_by(&mut self, order_by: &mut OrderBy) -> Outcome {
        let OrderBy { kind, interpolate } = order_by;
        match kind {
            OrderByKind::Expressions(exprs) if interpolate.is_none() => self.order_by_exprs(exprs),
            _ => Err(forbidden("ORDER BY ALL / INTERPOLATE is not supported")),
        }
    }
}

fn plain_wildcard(options: &WildcardAdditionalOptions) -> Outcome {
    let WildcardAdditionalOptions {
        wildcard_token: _,
        opt_ilike,
        opt_exclude,
        opt_except,
        opt_replace,
        opt_rename,
        opt_alias,
    } = options;
    if opt_ilike.is_some()
        || opt_exclude.is_some()
        || opt_except.is_some()
        || opt_replace.is_some()
        || opt_rename.is_some()
        || opt_alias.is_some()
    {
        return Err(forbidden(
            "wildcard modifiers (EXCLUDE, EXCEPT, REPLACE, …) are not supported",
        ));
    }
    Ok(())
}
