//! The allowlist walk over a parsed statement: checks every node and
//! rewrites table names in the same pass. This file holds the walker's
//! state and the dispatch on the statement; `dml.rs`, `query.rs`,
//! `from.rs` and `expr.rs` continue it.
//!
//! The walk is an allowlist: each node type is destructured exhaustively
//! (so a sqlparser upgrade that adds a field fails to compile here instead
//! of slipping through) and anything not explicitly accepted is refused.
//!
//! Forbidden beats Invalid: a security refusal returns at once, while a
//! usage error is remembered and the walk goes on, so a hostile statement
//! that is also malformed in some later respect is reported as Forbidden.

use sqlparser::ast::Statement;

use super::Verb;
use super::cte::CteName;
use super::names::Level;
use super::refusal::{SqlRefusal, forbidden, invalid};
use super::scope::TableScope;
use crate::storage::Backend;

pub(super) type Outcome = Result<(), SqlRefusal>;

/// What the statement is, once accepted.
#[derive(Debug, Clone, Copy)]
pub(super) struct Shape {
    pub(super) verb: Verb,
    pub(super) returns_rows: bool,
}

/// The walker's state.
pub(super) struct Checker<'a> {
    pub(super) scope: &'a TableScope,
    pub(super) backend: Backend,
    /// How many params the guest passed: `?N` must have 1 ≤ N ≤ this.
    pub(super) params: usize,
    max_depth: usize,
    depth: usize,
    deferred: Option<SqlRefusal>,
    /// The query levels around the node being walked, innermost last:
    /// what column references can name (see `columns`).
    pub(super) levels: Vec<Level>,
    /// The CTEs visible at the node being walked, in definition order.
    pub(super) ctes: Vec<CteName>,
    /// Names of the CTEs of the WITH being walked that are not visible yet
    /// (the one being defined and later ones), for a precise refusal.
    pub(super) pending_ctes: Vec<String>,
    /// How many CTEs were renamed so far (each gets a fresh name).
    pub(super) renamed_ctes: usize,
}

impl<'a> Checker<'a> {
    pub(super) fn new(
        scope: &'a TableScope,
        backend: Backend,
        params: usize,
        max_depth: usize,
    ) -> Self {
        Self {
            scope,
            backend,
            params,
            max_depth,
            depth: 0,
            deferred: None,
            levels: Vec::new(),
            ctes: Vec::new(),
            pending_ctes: Vec::new(),
            renamed_ctes: 0,
        }
    }

    /// Runs `f` one nesting level deeper. The depth bound keeps this walk
    /// (and the later visitor passes and rendering) off the stack limit:
    /// sqlparser bounds parenthesis nesting but not left-deep chains such
    /// as `1+1+1+…`.
    pub(super) fn nested<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, SqlRefusal>,
    ) -> Result<T, SqlRefusal> {
        if self.depth >= self.max_depth {
            return Err(invalid(format!(
                "statement is nested too deeply (more than {} levels of expressions and subqueries); \
                 simplify it, e.g. use IN (…) instead of long OR chains",
                self.max_depth
            )));
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    /// Remembers a usage error; the first one is reported if nothing
    /// Forbidden turns up.
    pub(super) fn defer(&mut self, refusal: SqlRefusal) {
        if self.deferred.is_none() {
            self.deferred = Some(refusal);
        }
    }

    /// The deferred usage error, if any.
    pub(super) fn finish(self) -> Outcome {
        self.deferred.map_or(Ok(()), Err)
    }

    /// Checks and rewrites one statement. `leading_keyword` is the
    /// statement's first word as the guest wrote it, for messages.
    pub(super) fn statement(
        &mut self,
        statement: &mut Statement,
        leading_keyword: &str,
    ) -> Result<Shape, SqlRefusal> {
        match statement {
            Statement::Query(query) => {
                self.top_query(query)?;
                Ok(Shape {
                    verb: Verb::Select,
                    returns_rows: true,
                })
            }
            Statement::Insert(insert) => self.insert(insert),
            Statement::Update(update) => self.update(update),
            Statement::Delete(delete) => self.delete(delete),
            _ => Err(not_dml(leading_keyword)),
        }
    }
}

/// The refusal for anything but SELECT / INSERT / UPDATE / DELETE.
pub(super) fn not_dml(leading_keyword: &str) -> SqlRefusal {
    forbidden(format!(
        "`{leading_keyword}` statements are not allowed: a module may only run SELECT, INSERT, \
         UPDATE and DELETE on its own tables (its tables come from its manifest)"
    ))
}
