//! What module SQL may call: functions, cast targets and operators.
//!
//! Everything here is side-effect free, reads no state outside the row
//! (no settings, users, files, sequences, catalogs) and exists on SQLite
//! and PostgreSQL alike, with a few single-backend exceptions noted below
//! that are harmless where they exist and an error where they do not.
//! Functions that allocate an attacker-chosen amount of memory
//! (`randomblob`, `zeroblob`, `printf`/`format`, `repeat`, `lpad`) are out.

use sqlparser::ast::{BinaryOperator, DataType, UnaryOperator};

/// Aggregates (`total` and `group_concat` are SQLite's, `string_agg`
/// PostgreSQL's and SQLite ≥ 3.44's).
pub(super) const AGGREGATE_FUNCTIONS: &[&str] = &[
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "total",
    "group_concat",
    "string_agg",
];

/// Scalar functions (`ifnull` and `instr` are SQLite's only).
pub(super) const SCALAR_FUNCTIONS: &[&str] = &[
    "abs",
    "coalesce",
    "ifnull",
    "nullif",
    "lower",
    "upper",
    "length",
    "trim",
    "ltrim",
    "rtrim",
    "substr",
    "substring",
    "replace",
    "round",
    "instr",
    "concat",
];

/// Window functions (SQLite ≥ 3.25 and PostgreSQL).
pub(super) const WINDOW_FUNCTIONS: &[&str] = &[
    "row_number",
    "rank",
    "dense_rank",
    "percent_rank",
    "cume_dist",
    "ntile",
    "lag",
    "lead",
    "first_value",
    "last_value",
    "nth_value",
];

/// SQL-standard niladic functions written without parentheses. Only the
/// clock: `CURRENT_USER`, `SESSION_USER`, `USER`, `CURRENT_CATALOG`, … are
/// refused because they disclose who and where the statement runs.
pub(super) const NILADIC_FUNCTIONS: &[&str] =
    &["current_timestamp", "current_date", "current_time"];

/// Bare words PostgreSQL evaluates as functions although they parse as
/// column names (`SELECT current_schema` returns the schema name).
pub(super) const SPECIAL_IDENTIFIERS: &[&str] = &[
    "current_user",
    "current_role",
    "session_user",
    "system_user",
    "user",
    "current_catalog",
    "current_schema",
];

/// Whether `name` (already case-folded) is an allowlisted function called
/// with an argument list.
pub(super) fn is_allowed_function(name: &str) -> bool {
    AGGREGATE_FUNCTIONS.contains(&name)
        || SCALAR_FUNCTIONS.contains(&name)
        || WINDOW_FUNCTIONS.contains(&name)
}

/// All allowlisted function names, for messages.
pub(super) fn allowed_function_list() -> String {
    let mut all: Vec<&str> = AGGREGATE_FUNCTIONS
        .iter()
        .chain(SCALAR_FUNCTIONS)
        .chain(WINDOW_FUNCTIONS)
        .copied()
        .collect();
    all.sort_unstable();
    all.join(", ")
}

/// Whether a CAST / `::` target is a basic type. Everything else is refused:
/// PostgreSQL's `regclass`, `regproc`, `oid`, … turn strings into catalog
/// lookups.
pub(super) fn is_allowed_cast(data_type: &DataType) -> bool {
    matches!(
        data_type,
        DataType::Int(_)
            | DataType::Integer(_)
            | DataType::BigInt(_)
            | DataType::SmallInt(_)
            | DataType::Real
            | DataType::Double(_)
            | DataType::DoublePrecision
            | DataType::Float(_)
            | DataType::Numeric(_)
            | DataType::Decimal(_)
            | DataType::Text
            | DataType::Varchar(_)
            | DataType::Char(_)
            | DataType::Character(_)
            | DataType::CharacterVarying(_)
            | DataType::CharVarying(_)
            | DataType::Blob(_)
            | DataType::Bytea
            | DataType::Boolean
            | DataType::Bool
    )
}

/// Whether a binary operator is allowed. Refused: user-defined operators
/// (`OPERATOR(schema.op)`, custom symbols), which can run any function,
/// and SQLite's `REGEXP`/`MATCH`, which call application functions.
pub(super) fn is_allowed_binary_operator(op: &BinaryOperator) -> bool {
    use BinaryOperator as B;
    matches!(
        op,
        B::Plus
            | B::Minus
            | B::Multiply
            | B::Divide
            | B::Modulo
            | B::StringConcat
            | B::Gt
            | B::Lt
            | B::GtEq
            | B::LtEq
            | B::Eq
            | B::NotEq
            | B::And
            | B::Or
            | B::BitwiseOr
            | B::BitwiseAnd
            | B::PGBitwiseShiftLeft
            | B::PGBitwiseShiftRight
            | B::Arrow
            | B::LongArrow
            | B::Glob
            | B::PGRegexMatch
            | B::PGRegexIMatch
            | B::PGRegexNotMatch
            | B::PGRegexNotIMatch
            | B::PGLikeMatch
            | B::PGILikeMatch
            | B::PGNotLikeMatch
            | B::PGNotILikeMatch
    )
}

/// Whether `op` may compare against `ANY`/`ALL`.
pub(super) fn is_comparison(op: &BinaryOperator) -> bool {
    use BinaryOperator as B;
    matches!(op, B::Gt | B::Lt | B::GtEq | B::LtEq | B::Eq | B::NotEq)
}

/// Whether a unary operator is allowed.
pub(super) fn is_allowed_unary_operator(op: &UnaryOperator) -> bool {
    matches!(
        op,
        UnaryOperator::Plus | UnaryOperator::Minus | UnaryOperator::Not | UnaryOperator::BitwiseNot
    )
}
