//! Placeholders: the guest's `?N` (every style the guest may write is
//! `?N` by now, see `param_style`), the host's own values, and their
//! renumbering into the backend's placeholders.

use std::collections::HashMap;
use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Statement, Value, ValueWithSpan, VisitMut, VisitorMut};

use super::Bind;
use super::refusal::{SqlRefusal, invalid};
use crate::storage::Backend;

/// Stand-ins for host values until renumbering. A NUL byte cannot occur in
/// a placeholder the tokenizer produced (the guard refuses NUL in SQL), so
/// a guest cannot forge them.
const NEW_ID: &str = "\u{0}new-id";
const NOW: &str = "\u{0}now";
const NEW_ID_PREFIX: &str = "\u{0}new-id-prefix";

/// A placeholder for a fresh ULID (one per occurrence).
pub(super) fn new_id_marker() -> Expr {
    Expr::value(Value::Placeholder(NEW_ID.to_owned()))
}

/// A placeholder for the start of a fresh ULID, completed per row in SQL
/// (see [`Bind::NewIdPrefix`]).
pub(super) fn new_id_prefix_marker() -> Expr {
    Expr::value(Value::Placeholder(NEW_ID_PREFIX.to_owned()))
}

/// A placeholder for the statement's timestamp.
pub(super) fn now_marker() -> Expr {
    Expr::value(Value::Placeholder(NOW.to_owned()))
}

/// The 0-based param index a guest placeholder refers to. Only `?N` with
/// 1 ≤ N ≤ `count` is accepted (`?` and `$N` were rewritten to `?N`
/// before parsing): `:name`, `@name`, `$name` and `?0` are usage errors.
pub(super) fn guest_param(text: &str, count: usize) -> Result<usize, SqlRefusal> {
    let digits = text.strip_prefix('?').unwrap_or("");
    let number =
        if !digits.is_empty() && digits.len() <= 6 && digits.bytes().all(|b| b.is_ascii_digit()) {
            digits.parse::<usize>().ok()
        } else {
            None
        };
    match number {
        None => Err(invalid(format!(
            "placeholder `{text}` is not supported: write `?` (one per value, in order), or number \
             them from 1 as `?1, ?2, …` or `$1, $2, …`"
        ))),
        Some(0) => Err(invalid(
            "placeholder `?0` is not valid: placeholders are numbered from ?1",
        )),
        Some(n) if n > count => Err(invalid(format!(
            "placeholder `{text}` has no param: {count} param(s) were passed"
        ))),
        Some(n) => Ok(n - 1),
    }
}

/// Replaces every placeholder in `statement` by the backend's numbered
/// placeholder (SQLite `?k`, PostgreSQL `$k`, numbered in order of first
/// appearance) or, for a NULL guest param, by the literal `NULL`
/// (PostgreSQL cannot infer a type for an untyped NULL parameter). Returns
/// what to bind to each output placeholder.
pub(super) fn renumber(
    statement: &mut Statement,
    backend: Backend,
    null_params: &[bool],
) -> Result<Vec<Bind>, SqlRefusal> {
    let mut renumber = Renumber {
        backend,
        null_params,
        binds: Vec::new(),
        assigned: HashMap::new(),
    };
    match statement.visit(&mut renumber) {
        ControlFlow::Continue(()) => Ok(renumber.binds),
        ControlFlow::Break(refusal) => Err(refusal),
    }
}

struct Renumber<'a> {
    backend: Backend,
    null_params: &'a [bool],
    binds: Vec<Bind>,
    /// Guest param index → output placeholder number (1-based).
    assigned: HashMap<usize, usize>,
}

impl Renumber<'_> {
    fn push(&mut self, bind: Bind) -> usize {
        self.binds.push(bind);
        self.binds.len()
    }

    fn output(&self, k: usize) -> Value {
        Value::Placeholder(match self.backend {
            Backend::Sqlite => format!("?{k}"),
            Backend::Postgres => format!("${k}"),
        })
    }
}

impl VisitorMut for Renumber<'_> {
    type Break = SqlRefusal;

    fn pre_visit_value(&mut self, value: &mut ValueWithSpan) -> ControlFlow<SqlRefusal> {
        let Value::Placeholder(text) = &value.value else {
            return ControlFlow::Continue(());
        };
        let k = match text.as_str() {
            NEW_ID => self.push(Bind::NewId),
            NOW => self.push(Bind::Now),
            NEW_ID_PREFIX => self.push(Bind::NewIdPrefix),
            _ => {
                let index = match guest_param(text, self.null_params.len()) {
                    Ok(index) => index,
                    Err(refusal) => return ControlFlow::Break(refusal),
                };
                if self.null_params[index] {
                    value.value = Value::Null;
                    return ControlFlow::Continue(());
                }
                match self.assigned.get(&index) {
                    Some(k) => *k,
                    None => {
                        let k = self.push(Bind::Param(index));
                        self.assigned.insert(index, k);
                        k
                    }
                }
            }
        };
        value.value = self.output(k);
        ControlFlow::Continue(())
    }
}
