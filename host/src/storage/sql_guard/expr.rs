//! The walk over expressions: columns, literals, placeholders, operators,
//! casts, function calls and the subqueries inside expressions.

use sqlparser::ast::{
    CaseWhen, CeilFloorKind, DateTimeField, Expr, Function, FunctionArg, FunctionArgExpr,
    FunctionArgumentClause, FunctionArgumentList, FunctionArguments, Ident, ObjectNamePart, Value,
    ValueWithSpan, WindowFrame, WindowFrameBound, WindowSpec, WindowType,
};

use super::allowlist::{
    NILADIC_FUNCTIONS, SPECIAL_IDENTIFIERS, allowed_function_list, is_allowed_binary_operator,
    is_allowed_cast, is_allowed_function, is_allowed_unary_operator, is_comparison,
};
use super::checker::{Checker, Outcome};
use super::placeholders::guest_param;
use super::refusal::forbidden;

impl Checker<'_> {
    pub(super) fn expr(&mut self, expr: &mut Expr) -> Outcome {
        self.nested(|this| this.expr_inner(expr))
    }

    fn expr_inner(&mut self, expr: &mut Expr) -> Outcome {
        match expr {
            Expr::Identifier(ident) => {
                column_name(ident)?;
                self.column_ref(None, ident);
                Ok(())
            }
            Expr::CompoundIdentifier(parts) => {
                // `t.col` only: a third part would be a schema (PostgreSQL
                // `schema.table.column`) or a composite field.
                if parts.len() > 2 {
                    return Err(forbidden(format!(
                        "`{}`: column references may have at most one qualifier (table.column)",
                        parts
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(".")
                    )));
                }
                parts.iter().try_for_each(column_name)?;
                match parts.as_slice() {
                    [qualifier, column] => self.column_ref(Some(qualifier), column),
                    [column] => self.column_ref(None, column),
                    _ => {}
                }
                Ok(())
            }
            Expr::IsFalse(inner)
            | Expr::IsNotFalse(inner)
            | Expr::IsTrue(inner)
            | Expr::IsNotTrue(inner)
            | Expr::IsNull(inner)
            | Expr::IsNotNull(inner)
            | Expr::IsUnknown(inner)
            | Expr::IsNotUnknown(inner)
            | Expr::Nested(inner) => self.expr(inner),
            Expr::IsDistinctFrom(left, right) | Expr::IsNotDistinctFrom(left, right) => {
                self.expr(left)?;
                self.expr(right)
            }
            Expr::InList {
                expr,
                list,
                negated: _,
            } => {
                self.expr(expr)?;
                list.iter_mut().try_for_each(|item| self.expr(item))
            }
            Expr::InSubquery {
                expr,
                subquery,
                negated: _,
            } => {
                self.expr(expr)?;
                self.query(subquery).map(drop)
            }
            Expr::Between {
                expr,
                negated: _,
                low,
                high,
            } => {
                self.expr(expr)?;
                self.expr(low)?;
                self.expr(high)
            }
            Expr::BinaryOp { left, op, right } => {
                if !is_allowed_binary_operator(op) {
                    return Err(forbidden(format!("operator `{op}` is not allowed")));
                }
                self.expr(left)?;
                self.expr(right)
            }
            Expr::Like {
                negated: _,
                any,
                expr,
                pattern,
                escape_char,
            }
            | Expr::ILike {
                negated: _,
                any,
                expr,
                pattern,
                escape_char,
            } => {
                if *any {
                    return Err(forbidden("LIKE ANY (…) is not supported"));
                }
                self.expr(expr)?;
                self.expr(pattern)?;
                escape_char.as_deref_mut().map_or(Ok(()), |e| self.expr(e))
            }
            Expr::AnyOp {
                left,
                compare_op,
                right,
                is_some: _,
            }
            | Expr::AllOp {
                left,
                compare_op,
                right,
            } => {
                if !is_comparison(compare_op) {
                    return Err(forbidden(format!(
                        "operator `{compare_op}` is not allowed with ANY/ALL"
                    )));
                }
                self.expr(left)?;
                self.expr(right)
            }
            Expr::UnaryOp { op, expr } => {
                if !is_allowed_unary_operator(op) {
                    return Err(forbidden(format!("operator `{op}` is not allowed")));
                }
                self.expr(expr)
            }
            Expr::Cast {
                kind,
                expr,
                data_type,
                format,
            } => {
                use sqlparser::ast::CastKind;
                if !matches!(kind, CastKind::Cast | CastKind::DoubleColon) || format.is_some() {
                    return Err(forbidden("only CAST(x AS type) and x::type are supported"));
                }
                if !is_allowed_cast(data_type) {
                    return Err(forbidden(format!(
                        "cast to `{data_type}` is not allowed: cast only to integer, bigint, smallint, \
                         real, double precision, float, numeric, decimal, text, varchar, char, blob, \
                         bytea or boolean"
                    )));
                }
                self.expr(expr)
            }
            Expr::Ceil { expr, field } | Expr::Floor { expr, field } => {
                if !matches!(
                    field,
                    CeilFloorKind::DateTimeField(DateTimeField::NoDateTime)
                ) {
                    return Err(forbidden("CEIL/FLOOR take a single number"));
                }
                self.expr(expr)
            }
            Expr::Position { expr, r#in } => {
                self.expr(expr)?;
                self.expr(r#in)
            }
            Expr::Substring {
                expr,
                substring_from,
                substring_for,
                special: _,
                shorthand: _,
            } => {
                self.expr(expr)?;
                for part in [substring_from, substring_for].into_iter().flatten() {
                    self.expr(part)?;
                }
                Ok(())
            }
            Expr::Trim {
                trim_where: _,
                trim_what,
                expr,
                trim_characters,
            } => {
                self.expr(expr)?;
                if let Some(what) = trim_what {
                    self.expr(what)?;
                }
                trim_characters
                    .iter_mut()
                    .flatten()
                    .try_for_each(|c| self.expr(c))
            }
            Expr::Collate { expr, collation } => {
                if !matches!(collation.0.as_slice(), [ObjectNamePart::Identifier(_)]) {
                    return Err(forbidden(format!(
                        "collation `{collation}` must be a single name"
                    )));
                }
                self.expr(expr)
            }
            Expr::Value(value) => self.value(value),
            Expr::Function(function) => self.function(function),
            Expr::Case {
                case_token: _,
                end_token: _,
                operand,
                conditions,
                else_result,
            } => {
                if let Some(operand) = operand {
                    self.expr(operand)?;
                }
                for CaseWhen { condition, result } in conditions.iter_mut() {
                    self.expr(condition)?;
                    self.expr(result)?;
                }
                else_result.as_deref_mut().map_or(Ok(()), |e| self.expr(e))
            }
            Expr::Exists {
                subquery,
                negated: _,
            } => self.query(subquery).map(drop),
            Expr::Subquery(subquery) => self.query(subquery).map(drop),
            Expr::Tuple(items) => items.iter_mut().try_for_each(|item| self.expr(item)),
            other => Err(forbidden(format!(
                "expression `{}` is not supported in module SQL",
                variant_name(other)
            ))),
        }
    }

    fn value(&mut self, value: &ValueWithSpan) -> Outcome {
        match &value.value {
            Value::Number(..)
            | Value::SingleQuotedString(_)
            | Value::EscapedStringLiteral(_)
            | Value::DollarQuotedString(_)
            | Value::HexStringLiteral(_)
            | Value::Boolean(_)
            | Value::Null => Ok(()),
            Value::Placeholder(text) => {
                if let Err(refusal) = guest_param(text, self.params) {
                    self.defer(refusal);
                }
                Ok(())
            }
            other => Err(forbidden(format!(
                "literal `{other}` is not supported: use a parameter (`?`, `?N` or `$N`)"
            ))),
        }
    }

    fn function(&mut self, function: &mut Function) -> Outcome {
        let Function {
            name,
            uses_odbc_syntax,
            parameters,
            args,
            within_group,
            filter,
            null_treatment,
            over,
        } = function;
        let [ObjectNamePart::Identifier(ident)] = name.0.as_slice() else {
            return Err(forbidden(format!(
                "function `{name}` is not allowed: schema-qualified functions cannot be called"
            )));
        };
        let folded = match ident.quote_style {
            None => ident.value.to_ascii_lowercase(),
            Some(_) => ident.value.clone(),
        };
        let allowed = match args {
            FunctionArguments::None => NILADIC_FUNCTIONS.contains(&folded.as_str()),
            FunctionArguments::Subquery(_) => false,
            FunctionArguments::List(_) => is_allowed_function(&folded),
        };
        if !allowed {
            return Err(forbidden(format!(
                "function `{name}` is not allowed; allowed functions: {}, and CURRENT_TIMESTAMP, \
                 CURRENT_DATE, CURRENT_TIME",
                allowed_function_list()
            )));
        }
        if *uses_odbc_syntax
            || !matches!(parameters, FunctionArguments::None)
            || !within_group.is_empty()
            || null_treatment.is_some()
        {
            return Err(forbidden(format!(
                "this form of calling `{name}` is not supported"
            )));
        }
        if let FunctionArguments::List(FunctionArgumentList {
            duplicate_treatment: _,
            args,
            clauses,
        }) = args
        {
            for arg in args.iter_mut() {
                match arg {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(expr)) => self.expr(expr)?,
                    FunctionArg::Unnamed(FunctionArgExpr::Wildcard) if folded == "count" => {}
                    _ => {
                        return Err(forbidden(format!(
                            "arguments of this form are not supported in `{name}`"
                        )));
                    }
                }
            }
            for clause in clauses.iter_mut() {
                match clause {
                    FunctionArgumentClause::OrderBy(exprs) => self.order_by_exprs(exprs)?,
                    _ => {
                        return Err(forbidden(format!(
                            "this clause is not supported in `{name}`"
                        )));
                    }
                }
            }
        }
        if let Some(filter) = filter {
            self.expr(filter)?;
        }
        match over {
            None | Some(WindowType::NamedWindow(_)) => Ok(()),
            Some(WindowType::WindowSpec(spec)) => self.window_spec(spec),
        }
    }

    pub(super) fn window_spec(&mut self, spec: &mut WindowSpec) -> Outcome {
        let WindowSpec {
            window_name: _,
            partition_by,
            order_by,
            window_frame,
        } = spec;
        partition_by.iter_mut().try_for_each(|e| self.expr(e))?;
        self.order_by_exprs(order_by)?;
        if let Some(WindowFrame {
            units: _,
            start_bound,
            end_bound,
        }) = window_frame
        {
            for bound in std::iter::once(start_bound).chain(end_bound.as_mut()) {
                if let WindowFrameBound::Preceding(Some(e)) | WindowFrameBound::Following(Some(e)) =
                    bound
                {
                    self.expr(e)?;
                }
            }
        }
        Ok(())
    }
}

/// Refuses the bare words PostgreSQL evaluates as functions
/// (`current_user`, `current_schema`, …); quoted, they are plain columns.
fn column_name(ident: &Ident) -> Outcome {
    if ident.quote_style.is_none()
        && SPECIAL_IDENTIFIERS.contains(&ident.value.to_ascii_lowercase().as_str())
    {
        return Err(forbidden(format!(
            "`{}` is not allowed: it reveals the database session (quote it if it is a column: \"{}\")",
            ident.value, ident.value
        )));
    }
    Ok(())
}

/// The expression's kind (its AST variant), for messages: printing the
/// expression itself could echo a lot of SQL back.
fn variant_name(expr: &Expr) -> String {
    format!("{expr:?}")
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}
