use std::cell::{Cell, RefCell};

use super::*;
use crate::ErrorCode;

const LEDGER: Ledger = Ledger::new("mod_shop_ledger");

/// An in-memory ledger table with the UNIQUE `event_id` the host enforces.
#[derive(Default)]
struct FakeTables {
    recorded: RefCell<Vec<String>>,
    /// The SQL of every effect statement that took effect.
    applied: RefCell<Vec<String>>,
    lookups: RefCell<Vec<(String, String)>>,
    /// Batches refused for another reason than the record (a bad effect).
    refuse_batches: Cell<bool>,
}

fn text(value: &Value) -> String {
    match value {
        Value::Text(t) => t.clone(),
        other => panic!("expected text, got {other:?}"),
    }
}

impl Store for FakeTables {
    fn query(&self, sql: &str, params: &[Value]) -> Result<Rows, Error> {
        let id = text(&params[0]);
        self.lookups.borrow_mut().push((sql.to_owned(), id.clone()));
        let found = self.recorded.borrow().contains(&id);
        Ok(Rows {
            columns: vec!["1".to_owned()],
            rows: if found {
                vec![vec![Value::Integer(1)]]
            } else {
                Vec::new()
            },
        })
    }

    fn exec_batch(&self, statements: &[Statement]) -> Result<Vec<u64>, Error> {
        let id = text(&statements[0].params[0]);
        if self.refuse_batches.get() {
            return Err(Error::new(
                ErrorCode::Forbidden,
                "tables.exec-batch: statement 2: mod_other_effects is not a table of this module",
            ));
        }
        if self.recorded.borrow().contains(&id) {
            return Err(Error::invalid(
                "tables.exec-batch: statement 1: UNIQUE constraint failed: event_id",
            ));
        }
        self.recorded.borrow_mut().push(id);
        self.applied
            .borrow_mut()
            .extend(statements[1..].iter().map(|s| s.sql.clone()));
        Ok(vec![1; statements.len()])
    }
}

fn effect(payload: &str) -> Statement {
    Statement {
        sql: "INSERT INTO mod_shop_effects (payload) VALUES (?)".to_owned(),
        params: vec![Value::Text(payload.to_owned())],
    }
}

#[test]
fn the_lookup_and_the_record_name_the_ledger_table_and_bind_the_id() {
    assert_eq!(
        lookup_sql("mod_shop_ledger"),
        "SELECT 1 FROM mod_shop_ledger WHERE event_id = ?"
    );
    let batch = batch("mod_shop_ledger", "01JEVENT", &[effect("a"), effect("b")]);
    assert_eq!(batch.len(), 3);
    assert_eq!(
        batch[0].sql,
        "INSERT INTO mod_shop_ledger (event_id) VALUES (?)"
    );
    assert_eq!(text(&batch[0].params[0]), "01JEVENT");
    assert_eq!(text(&batch[1].params[0]), "a");
    assert_eq!(text(&batch[2].params[0]), "b");
}

#[test]
fn a_first_delivery_applies_the_effect_and_records_the_id() {
    let tables = FakeTables::default();
    assert_eq!(
        LEDGER.once_in(&tables, "e-1", &[effect("x")]).unwrap(),
        Once::Applied
    );
    assert_eq!(*tables.recorded.borrow(), ["e-1"]);
    assert_eq!(tables.applied.borrow().len(), 1);
    assert!(tables.lookups.borrow().is_empty(), "one host call on the common path");
}

#[test]
fn a_redelivered_event_is_already_applied_and_runs_no_effect() {
    let tables = FakeTables::default();
    LEDGER.once_in(&tables, "e-1", &[effect("x")]).unwrap();
    assert_eq!(
        LEDGER.once_in(&tables, "e-1", &[effect("x")]).unwrap(),
        Once::AlreadyApplied
    );
    assert_eq!(tables.applied.borrow().len(), 1);
    assert_eq!(
        *tables.lookups.borrow(),
        [(lookup_sql("mod_shop_ledger"), "e-1".to_owned())],
        "the failed batch is told apart by a lookup"
    );
}

#[test]
fn distinct_events_with_equal_payloads_both_apply() {
    let tables = FakeTables::default();
    assert_eq!(
        LEDGER.once_in(&tables, "e-1", &[effect("same")]).unwrap(),
        Once::Applied
    );
    assert_eq!(
        LEDGER.once_in(&tables, "e-2", &[effect("same")]).unwrap(),
        Once::Applied
    );
    assert_eq!(tables.applied.borrow().len(), 2);
}

#[test]
fn a_batch_refused_for_another_reason_returns_its_error_and_records_nothing() {
    let tables = FakeTables::default();
    tables.refuse_batches.set(true);
    let refused = LEDGER.once_in(&tables, "e-1", &[effect("x")]).unwrap_err();
    assert_eq!(refused.code, ErrorCode::Forbidden);
    assert!(tables.recorded.borrow().is_empty());
    tables.refuse_batches.set(false);
    assert_eq!(
        LEDGER.once_in(&tables, "e-1", &[effect("x")]).unwrap(),
        Once::Applied,
        "the retry applies it"
    );
}

#[test]
fn an_event_without_an_effect_is_still_recorded() {
    let tables = FakeTables::default();
    assert_eq!(LEDGER.once_in(&tables, "e-1", &[]).unwrap(), Once::Applied);
    assert_eq!(
        LEDGER.once_in(&tables, "e-1", &[]).unwrap(),
        Once::AlreadyApplied
    );
}

#[test]
fn a_table_outside_the_module_namespace_is_refused_before_any_call() {
    let tables = FakeTables::default();
    for bad in [
        "ledger",
        "mod_shop_ledger; DELETE FROM mod_shop_items",
        "Mod_shop_ledger",
        "modgate_events",
    ] {
        let error = Ledger::new(bad).once_in(&tables, "e-1", &[]).unwrap_err();
        assert_eq!(error.code, ErrorCode::Invalid, "{bad}");
        assert!(
            error.message.starts_with("ledger: table name"),
            "{}",
            error.message
        );
    }
    assert!(tables.lookups.borrow().is_empty());
}

#[test]
fn an_empty_event_id_is_refused_before_any_call() {
    let tables = FakeTables::default();
    assert_eq!(
        LEDGER.once_in(&tables, "", &[]).unwrap_err().code,
        ErrorCode::Invalid
    );
    assert!(tables.lookups.borrow().is_empty());
}
