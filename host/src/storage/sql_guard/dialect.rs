//! The dialect the guard parses (and re-parses) with: the backend's own
//! sqlparser dialect, with two deliberate differences.
//!
//! - `?N` is the placeholder syntax on every backend (the public contract),
//!   but sqlparser's PostgreSQL dialect tokenises `?` as a JSONB operator
//!   because it enables geometric types. Turning geometric types off makes
//!   the tokenizer produce `Token::Placeholder("?N")`, inside the tokenizer,
//!   so `?1` in a string literal or comment stays untouched (which a textual
//!   substitution could not guarantee). The JSONB `?`/`?|`/`?&` operators
//!   and geometric literals are lost; modules need neither.
//! - INSERT target aliases (`INSERT INTO t AS a`) are accepted on SQLite too:
//!   the guard adds them when rewriting and must re-parse its own output;
//!   SQLite itself has accepted this syntax since 3.24.
//!
//! Everything else is delegated to the wrapped dialect. Only the methods one
//! of the two wrapped dialects overrides need delegating: for every other
//! method both use the trait default, which is what the wrapper gets too.
//! [`Dialect::dialect`] reports the wrapped type so the parser's
//! `dialect_of!(… is PostgreSqlDialect)` checks keep behaving the same.
//! A unit test compares parses of wrapper and wrapped dialect.

use core::any::TypeId;

use sqlparser::ast::{Expr, Statement};
use sqlparser::dialect::{Dialect, PostgreSqlDialect, Precedence, SQLiteDialect};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};

use crate::storage::Backend;

static SQLITE: SQLiteDialect = SQLiteDialect {};
static POSTGRES: PostgreSqlDialect = PostgreSqlDialect {};

/// The guard's dialect for one backend (see the module docs).
#[derive(Debug, Clone, Copy)]
pub(crate) struct GuestDialect {
    backend: Backend,
}

impl GuestDialect {
    pub(crate) fn new(backend: Backend) -> Self {
        Self { backend }
    }

    /// The wrapped sqlparser dialect.
    pub(super) fn inner(&self) -> &'static dyn Dialect {
        match self.backend {
            Backend::Sqlite => &SQLITE,
            Backend::Postgres => &POSTGRES,
        }
    }
}

impl Dialect for GuestDialect {
    fn dialect(&self) -> TypeId {
        self.inner().dialect()
    }

    fn supports_geometric_types(&self) -> bool {
        false
    }

    fn supports_insert_table_alias(&self) -> bool {
        true
    }

    fn identifier_quote_style(&self, identifier: &str) -> Option<char> {
        self.inner().identifier_quote_style(identifier)
    }

    fn is_delimited_identifier_start(&self, ch: char) -> bool {
        self.inner().is_delimited_identifier_start(ch)
    }

    fn is_identifier_start(&self, ch: char) -> bool {
        self.inner().is_identifier_start(ch)
    }

    fn is_identifier_part(&self, ch: char) -> bool {
        self.inner().is_identifier_part(ch)
    }

    fn is_custom_operator_part(&self, ch: char) -> bool {
        self.inner().is_custom_operator_part(ch)
    }

    fn is_reserved_for_identifier(&self, kw: Keyword) -> bool {
        self.inner().is_reserved_for_identifier(kw)
    }

    fn is_table_alias(&self, kw: &Keyword, parser: &mut Parser) -> bool {
        self.inner().is_table_alias(kw, parser)
    }

    fn get_next_precedence(&self, parser: &Parser) -> Option<Result<u8, ParserError>> {
        self.inner().get_next_precedence(parser)
    }

    fn prec_value(&self, prec: Precedence) -> u8 {
        self.inner().prec_value(prec)
    }

    fn parse_statement(&self, parser: &mut Parser) -> Option<Result<Statement, ParserError>> {
        self.inner().parse_statement(parser)
    }

    fn parse_infix(
        &self,
        parser: &mut Parser,
        expr: &Expr,
        precedence: u8,
    ) -> Option<Result<Expr, ParserError>> {
        self.inner().parse_infix(parser, expr, precedence)
    }

    fn supports_unicode_string_literal(&self) -> bool {
        self.inner().supports_unicode_string_literal()
    }

    fn supports_filter_during_aggregation(&self) -> bool {
        self.inner().supports_filter_during_aggregation()
    }

    fn supports_group_by_expr(&self) -> bool {
        self.inner().supports_group_by_expr()
    }

    fn supports_alter_user_as_alter_role(&self) -> bool {
        self.inner().supports_alter_user_as_alter_role()
    }

    fn allow_extract_custom(&self) -> bool {
        self.inner().allow_extract_custom()
    }

    fn allow_extract_single_quotes(&self) -> bool {
        self.inner().allow_extract_single_quotes()
    }

    fn supports_create_index_with_clause(&self) -> bool {
        self.inner().supports_create_index_with_clause()
    }

    fn supports_explain_with_utility_options(&self) -> bool {
        self.inner().supports_explain_with_utility_options()
    }

    fn supports_listen_notify(&self) -> bool {
        self.inner().supports_listen_notify()
    }

    fn supports_exclude_constraint(&self) -> bool {
        self.inner().supports_exclude_constraint()
    }

    fn supports_factorial_operator(&self) -> bool {
        self.inner().supports_factorial_operator()
    }

    fn supports_bitwise_shift_operators(&self) -> bool {
        self.inner().supports_bitwise_shift_operators()
    }

    fn supports_comment_on(&self) -> bool {
        self.inner().supports_comment_on()
    }

    fn supports_load_extension(&self) -> bool {
        self.inner().supports_load_extension()
    }

    fn supports_named_fn_args_with_colon_operator(&self) -> bool {
        self.inner().supports_named_fn_args_with_colon_operator()
    }

    fn supports_named_fn_args_with_expr_name(&self) -> bool {
        self.inner().supports_named_fn_args_with_expr_name()
    }

    fn supports_empty_projections(&self) -> bool {
        self.inner().supports_empty_projections()
    }

    fn supports_nested_comments(&self) -> bool {
        self.inner().supports_nested_comments()
    }

    fn supports_string_escape_constant(&self) -> bool {
        self.inner().supports_string_escape_constant()
    }

    fn supports_numeric_literal_underscores(&self) -> bool {
        self.inner().supports_numeric_literal_underscores()
    }

    fn supports_array_typedef_with_brackets(&self) -> bool {
        self.inner().supports_array_typedef_with_brackets()
    }

    fn supports_order_by_using_operator(&self) -> bool {
        self.inner().supports_order_by_using_operator()
    }

    fn supports_set_names(&self) -> bool {
        self.inner().supports_set_names()
    }

    fn supports_alter_column_type_using(&self) -> bool {
        self.inner().supports_alter_column_type_using()
    }

    fn supports_left_associative_joins_without_parens(&self) -> bool {
        self.inner()
            .supports_left_associative_joins_without_parens()
    }

    fn supports_notnull_operator(&self) -> bool {
        self.inner().supports_notnull_operator()
    }

    fn supports_interval_options(&self) -> bool {
        self.inner().supports_interval_options()
    }

    fn supports_create_table_like_parenthesized(&self) -> bool {
        self.inner().supports_create_table_like_parenthesized()
    }

    fn supports_select_wildcard_with_alias(&self) -> bool {
        self.inner().supports_select_wildcard_with_alias()
    }

    fn supports_comma_separated_trim(&self) -> bool {
        self.inner().supports_comma_separated_trim()
    }

    fn supports_xml_expressions(&self) -> bool {
        self.inner().supports_xml_expressions()
    }

    fn supports_aliased_function_args(&self) -> bool {
        self.inner().supports_aliased_function_args()
    }

    fn supports_comment_optimizer_hint(&self) -> bool {
        self.inner().supports_comment_optimizer_hint()
    }

    fn supports_start_transaction_modifier(&self) -> bool {
        self.inner().supports_start_transaction_modifier()
    }

    fn supports_in_empty_list(&self) -> bool {
        self.inner().supports_in_empty_list()
    }

    fn supports_limit_comma(&self) -> bool {
        self.inner().supports_limit_comma()
    }

    fn supports_asc_desc_in_column_definition(&self) -> bool {
        self.inner().supports_asc_desc_in_column_definition()
    }

    fn supports_dollar_placeholder(&self) -> bool {
        self.inner().supports_dollar_placeholder()
    }
}
