//! Conformance for world `modgate:host/hooks`: the host calls `handle` for
//! each approved hook with the entity, the moment, the action and the
//! records, and applies the outcome. The behaviour depends only on the
//! call, never on the entity or the tenant, so a suite can predict every
//! answer. Imports nothing but `log` (no permission).
//!
//! | moment | answer |
//! |---|---|
//! | `before-create` | record 0's `title` contains `forbidden` (case-sensitive): reject `["title contains a forbidden word"]`; otherwise adjust record 0's `title` to the title in upper case (Rust's `to_uppercase`) |
//! | `before-update` | allow |
//! | `before-delete` | record 0's `locked` is `true`: reject `["deleting is not allowed by conformance"]`; otherwise allow |
//! | `after-read` | adjust every record `i`: `note` = `"seen <id>"`, `<id>` being the record's `id` (a string as is, a number as written); a record without one is left unchanged |
//! | `on-action` | adjust record 0's `quantity` (an integer) to twice its value |
//! | `after-create`, `after-update`, `after-delete` | log `after-<moment> <entity> <id>` at info, e.g. `after-create item i-1`, and allow |
//!
//! A `before-create` record without a string `title`, or an `on-action`
//! record without an integer `quantity` (or one whose double overflows),
//! fails the hook with `invalid`.
//!
//! The manifest the suite installs it with (every moment of one entity; the
//! integrator registers `item` with `id` (string), `title` (string,
//! adjustable), `locked` (boolean), `note` (string, adjustable) and
//! `quantity` (integer, adjustable), and the action `double`):
//!
//! ```toml
//! name = "conformance"
//! version = "0.1.0"
//! compatible-core = "^1.0"
//!
//! [[hooks]]
//! entity = "item"
//! when = "before-create"
//!
//! [[hooks]]
//! entity = "item"
//! when = "before-update"
//!
//! [[hooks]]
//! entity = "item"
//! when = "before-delete"
//!
//! [[hooks]]
//! entity = "item"
//! when = "after-create"
//!
//! [[hooks]]
//! entity = "item"
//! when = "after-update"
//!
//! [[hooks]]
//! entity = "item"
//! when = "after-delete"
//!
//! [[hooks]]
//! entity = "item"
//! when = "after-read"
//!
//! [[hooks]]
//! entity = "item"
//! when = "on-action"
//! action = "double"
//! ```

use modgate_sdk::json::{self, JsonValue};
use modgate_sdk::{Error, FieldChange, HookCall, Hooks, Module, Outcome, RecordChange, When, log};

struct Conformance;

impl Module for Conformance {
    fn activate(_settings: &str) -> Result<(), Error> {
        Ok(())
    }
}

impl Hooks for Conformance {
    fn handle(call: HookCall) -> Result<Outcome, Error> {
        match call.when {
            When::BeforeCreate => before_create(&call.record(0)?),
            When::BeforeUpdate => Ok(Outcome::Allow),
            When::BeforeDelete => Ok(before_delete(&call.record(0)?)),
            When::AfterRead => after_read(&call),
            When::OnAction => on_action(&call.record(0)?),
            When::AfterCreate | When::AfterUpdate | When::AfterDelete => {
                let id = id_text(&call.record(0)?).unwrap_or_default();
                log::info(&format!("{} {} {id}", call.when.name(), call.entity));
                Ok(Outcome::Allow)
            }
        }
    }
}

fn before_create(record: &JsonValue) -> Result<Outcome, Error> {
    let title = record
        .get_str("title")
        .ok_or_else(|| Error::invalid("conformance: the record has no string `title`"))?;
    if title.contains("forbidden") {
        return Ok(Outcome::Reject(vec![
            "title contains a forbidden word".to_owned(),
        ]));
    }
    Ok(Outcome::adjust_one(
        "title",
        json::string(&title.to_uppercase()),
    ))
}

fn before_delete(record: &JsonValue) -> Outcome {
    if record.get_bool("locked") == Some(true) {
        Outcome::Reject(vec!["deleting is not allowed by conformance".to_owned()])
    } else {
        Outcome::Allow
    }
}

fn after_read(call: &HookCall) -> Result<Outcome, Error> {
    let mut changes = Vec::new();
    for index in 0..call.records.len() {
        if let Some(id) = id_text(&call.record(index)?) {
            let note = json::string(&format!("seen {id}"));
            changes.push(RecordChange::new(
                index,
                vec![FieldChange::new("note", note)],
            ));
        }
    }
    Ok(Outcome::Adjust(changes))
}

fn on_action(record: &JsonValue) -> Result<Outcome, Error> {
    let doubled = record
        .get_i64("quantity")
        .and_then(|quantity| quantity.checked_mul(2))
        .ok_or_else(|| {
            Error::invalid("conformance: the record has no integer `quantity` to double")
        })?;
    Ok(Outcome::adjust_one("quantity", doubled.to_string()))
}

/// The record's `id`: a string as is, a number as written.
fn id_text(record: &JsonValue) -> Option<String> {
    match record.get("id")? {
        JsonValue::String(id) => Some(id.clone()),
        JsonValue::Number(id) => Some(id.as_str().to_owned()),
        _ => None,
    }
}

modgate_sdk::export_module!(Conformance);

#[cfg(test)]
mod tests {
    use super::*;

    fn call(when: When, records: &[&str]) -> HookCall {
        HookCall {
            entity: "item".to_owned(),
            when,
            action: (when == When::OnAction).then(|| "double".to_owned()),
            records: records.iter().map(|r| (*r).to_owned()).collect(),
            previous: None,
            customer_id: None,
        }
    }

    /// `(index, [(field, value)])` of an adjustment.
    fn adjusted(outcome: Outcome) -> Vec<(u32, Vec<(String, String)>)> {
        let Outcome::Adjust(changes) = outcome else {
            panic!("expected an adjustment, got {outcome:?}")
        };
        changes
            .into_iter()
            .map(|c| {
                (
                    c.index,
                    c.changes.into_iter().map(|f| (f.field, f.value)).collect(),
                )
            })
            .collect()
    }

    fn rejected(outcome: Outcome) -> Vec<String> {
        let Outcome::Reject(messages) = outcome else {
            panic!("expected a rejection, got {outcome:?}")
        };
        messages
    }

    fn change(field: &str, value: &str) -> Vec<(String, String)> {
        vec![(field.to_owned(), value.to_owned())]
    }

    #[test]
    fn before_create_upper_cases_the_title_or_rejects_a_forbidden_one() {
        let outcome = Conformance::handle(call(
            When::BeforeCreate,
            &[r#"{"id":"i-1","title":"Blue mug"}"#],
        ));
        assert_eq!(
            adjusted(outcome.unwrap()),
            [(0, change("title", r#""BLUE MUG""#))]
        );
        let outcome = Conformance::handle(call(
            When::BeforeCreate,
            &[r#"{"title":"a forbidden mug"}"#],
        ));
        assert_eq!(
            rejected(outcome.unwrap()),
            ["title contains a forbidden word"]
        );
        let outcome = Conformance::handle(call(When::BeforeCreate, &[r#"{"title":"Forbidden"}"#]));
        assert_eq!(
            adjusted(outcome.unwrap()),
            [(0, change("title", r#""FORBIDDEN""#))],
            "case-sensitive"
        );
    }

    #[test]
    fn before_delete_rejects_only_locked_records() {
        let locked =
            Conformance::handle(call(When::BeforeDelete, &[r#"{"id":"i-1","locked":true}"#]));
        assert_eq!(
            rejected(locked.unwrap()),
            ["deleting is not allowed by conformance"]
        );
        for record in [r#"{"locked":false}"#, r#"{"locked":"true"}"#, "{}"] {
            let outcome = Conformance::handle(call(When::BeforeDelete, &[record])).unwrap();
            assert!(matches!(outcome, Outcome::Allow), "{record}");
        }
    }

    #[test]
    fn after_read_notes_every_record_with_its_id() {
        let outcome = Conformance::handle(call(
            When::AfterRead,
            &[r#"{"id":"i-1"}"#, r#"{"id":7}"#, r#"{"x":1}"#],
        ));
        assert_eq!(
            adjusted(outcome.unwrap()),
            [
                (0, change("note", r#""seen i-1""#)),
                (1, change("note", r#""seen 7""#))
            ]
        );
    }

    #[test]
    fn on_action_doubles_the_quantity() {
        let outcome = Conformance::handle(call(When::OnAction, &[r#"{"id":"i-1","quantity":21}"#]));
        assert_eq!(adjusted(outcome.unwrap()), [(0, change("quantity", "42"))]);
        let error = Conformance::handle(call(
            When::OnAction,
            &[r#"{"quantity":9223372036854775807}"#],
        ))
        .unwrap_err();
        assert_eq!(error.code, modgate_sdk::ErrorCode::Invalid);
    }

    #[test]
    fn before_update_allows() {
        let outcome =
            Conformance::handle(call(When::BeforeUpdate, &[r#"{"title":"forbidden"}"#])).unwrap();
        assert!(matches!(outcome, Outcome::Allow));
    }
}
