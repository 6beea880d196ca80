//! Exactly-once effects for at-least-once deliveries.
//!
//! The host delivers an event until its handler succeeds, so a handler can
//! run more than once for the same event: after a timeout that struck after
//! the write, or concurrently when a retry overlaps a slow first attempt. A
//! [`Ledger`] makes the handler's writes happen once per event id:
//!
//! 1. it looks the event id up in the ledger table; found: the effect was
//!    applied before, nothing runs ([`Once::AlreadyApplied`]);
//! 2. otherwise it inserts the id and runs the effect's statements in one
//!    `exec-batch`, one transaction: the id is recorded if and only if the
//!    effect happened ([`Once::Applied`]).
//!
//! Two attempts racing past step 1 both reach step 2; the ledger table's
//! UNIQUE `event_id` makes the second batch fail and roll back as a whole.
//! That error is returned, the delivery is retried, and the retry finds the
//! id in step 1. The key is the event id, never the payload: two distinct
//! events with equal payloads (the same price change twice) both apply.
//!
//! The ledger table is one of the module's own tables (permission
//! `write:own-tables`) with a text column `event_id` declared UNIQUE:
//!
//! ```toml
//! [[tables]]
//! name = "mod_wishlist_ledger"
//! columns = [{ name = "event_id", type = "text", nullable = false, unique = true }]
//! ```

use crate::Error;
use crate::names::check_module_table;
use crate::tables::{self, Rows, Statement, Value};

/// What [`Ledger::once`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Once {
    /// The effect ran now, and the event id was recorded with it.
    Applied,
    /// The event id was already recorded: the effect ran on an earlier
    /// delivery and nothing ran now.
    AlreadyApplied,
}

/// A module table recording the ids of the events whose effect was applied.
///
/// ```ignore
/// use modgate_sdk::ledger::Ledger;
/// use modgate_sdk::tables::{Statement, Value};
///
/// const LEDGER: Ledger = Ledger::new("mod_wishlist_ledger");
///
/// LEDGER.once(&event.id, &[Statement {
///     sql: "INSERT INTO mod_wishlist_digest (product_id, event_id) VALUES (?, ?)".into(),
///     params: vec![Value::Text(product), Value::Text(event.id.clone())],
/// }])?;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Ledger {
    table: &'static str,
}

impl Ledger {
    /// The ledger kept in `table`: one of the module's own tables (named in
    /// SQL as `mod_<module>_<suffix>`) with a UNIQUE text column `event_id`.
    /// The name is checked by [`Ledger::once`], before any host call.
    pub const fn new(table: &'static str) -> Self {
        Ledger { table }
    }

    /// The ledger table's name.
    pub fn table(&self) -> &'static str {
        self.table
    }

    /// Runs `effect` (INSERT, UPDATE or DELETE statements) unless the event
    /// `event_id` was recorded already; records it atomically with the
    /// effect. Costs one operation per statement of the batch (`exec-batch`
    /// takes at most 16 statements: the record and up to 15 of the
    /// effect's), plus one query when the batch fails (to tell a
    /// redelivery, [`Once::AlreadyApplied`], from a failure).
    ///
    /// An error — a refused statement, a failing effect — means nothing took
    /// effect: return it from the handler, so the delivery is retried.
    pub fn once(&self, event_id: &str, effect: &[Statement]) -> Result<Once, Error> {
        self.once_in(&HostTables, event_id, effect)
    }

    fn once_in(
        &self,
        store: &impl Store,
        event_id: &str,
        effect: &[Statement],
    ) -> Result<Once, Error> {
        check_module_table(self.table).map_err(|e| Error::invalid(format!("ledger: {e}")))?;
        if event_id.is_empty() {
            return Err(Error::invalid("ledger: the event id is empty"));
        }
        // The batch first: a first delivery (the common case) then costs
        // one host call. A redelivery's batch fails on the UNIQUE record and
        // changes nothing; the lookup tells that apart from a real failure.
        let Err(failed) = store.exec_batch(&batch(self.table, event_id, effect)) else {
            return Ok(Once::Applied);
        };
        let seen = store.query(&lookup_sql(self.table), &[Value::Text(event_id.to_owned())])?;
        if seen.rows.is_empty() { Err(failed) } else { Ok(Once::AlreadyApplied) }
    }
}

fn lookup_sql(table: &str) -> String {
    format!("SELECT 1 FROM {table} WHERE event_id = ?")
}

fn record_sql(table: &str) -> String {
    format!("INSERT INTO {table} (event_id) VALUES (?)")
}

/// The id's record first, then the effect, as one batch.
fn batch(table: &str, event_id: &str, effect: &[Statement]) -> Vec<Statement> {
    let record = Statement {
        sql: record_sql(table),
        params: vec![Value::Text(event_id.to_owned())],
    };
    std::iter::once(record)
        .chain(effect.iter().cloned())
        .collect()
}

/// The two table calls the ledger makes; the host's, or a fake in tests
/// (imports cannot be called natively).
trait Store {
    fn query(&self, sql: &str, params: &[Value]) -> Result<Rows, Error>;
    fn exec_batch(&self, statements: &[Statement]) -> Result<Vec<u64>, Error>;
}

struct HostTables;

impl Store for HostTables {
    fn query(&self, sql: &str, params: &[Value]) -> Result<Rows, Error> {
        tables::query(sql, params)
    }

    fn exec_batch(&self, statements: &[Statement]) -> Result<Vec<u64>, Error> {
        tables::exec_batch(statements)
    }
}

#[cfg(test)]
mod tests;
