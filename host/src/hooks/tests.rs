use modgate_manifest::HookWhen;
use serde_json::json;

use super::moment::adjusting;
use super::records::{apply, check_changes, check_record, hook_view};
use crate::bindings::exports::modgate::host::hook_handler::{FieldChange, RecordChange, When};
use crate::hookable::{FieldType, HookableEntity};

fn product() -> HookableEntity {
    HookableEntity::new("product")
        .field("id", FieldType::STRING)
        .field("price_minor", FieldType::INTEGER)
        .adjustable("average_rating", FieldType::NUMBER.or_null())
        .hookable_at([HookWhen::AfterRead])
}

fn change(index: u32, field: &str, value: &str) -> RecordChange {
    RecordChange {
        index,
        changes: vec![FieldChange {
            field: field.to_owned(),
            value: value.to_owned(),
        }],
    }
}

#[test]
fn hooks_see_only_the_fields_they_may_read() {
    let record = json!({ "id": "p1", "price_minor": 100, "cost_minor": 40, "supplier": "secret" });
    assert_eq!(hook_view(&product(), &record), r#"{"id":"p1","price_minor":100}"#);
}

#[test]
fn the_integrators_records_are_type_checked() {
    assert!(check_record(&product(), &json!({ "id": "p1" })).is_ok());
    assert_eq!(check_record(&product(), &json!([1])).unwrap_err(), "is an array, not a JSON object");
    assert_eq!(
        check_record(&product(), &json!({ "price_minor": "100" })).unwrap_err(),
        "field price_minor is a string, registered as an integer"
    );
}

#[test]
fn unknown_and_read_only_fields_are_dropped_the_rest_applied() {
    let changes = vec![
        change(0, "average_rating", "4.5"),
        change(1, "no_such_field", "1"),
        change(1, "price_minor", "1"),
        change(1, "average_rating", "null"),
    ];
    let checked = check_changes(&product(), changes, 2, Ok(())).unwrap();
    let reasons: Vec<(&str, &str)> = checked.dropped.iter().map(|d| (d.field.as_str(), d.reason.as_str())).collect();
    assert_eq!(
        reasons,
        [
            ("no_such_field", "product has no hookable field of that name"),
            ("price_minor", "the field is read-only for hooks")
        ]
    );
    assert_eq!(checked.fields(), ["average_rating"]);
    let mut rows = vec![json!({ "id": "a" }), json!({ "id": "b", "average_rating": 3 })];
    apply(&mut rows, checked);
    assert_eq!(rows, [json!({ "id": "a", "average_rating": 4.5 }), json!({ "id": "b", "average_rating": null })]);
}

#[test]
fn a_wrong_type_bad_json_or_bad_index_invalidates_the_outcome() {
    let invalid = |c: RecordChange| check_changes(&product(), vec![c], 1, Ok(())).unwrap_err();
    assert_eq!(invalid(change(0, "average_rating", "\"4\"")), "the value of average_rating is a string, but the field is a number or null");
    assert!(invalid(change(0, "average_rating", "4,5")).starts_with("the value of average_rating is not JSON"));
    assert_eq!(invalid(change(3, "average_rating", "4")), "changes record 3, but the call had 1");
}

#[test]
fn after_a_write_every_change_is_dropped() {
    let checked = check_changes(&product(), vec![change(0, "average_rating", "1")], 1, adjusting(When::AfterCreate)).unwrap();
    assert!(checked.apply.is_empty());
    assert_eq!(checked.dropped[0].reason, "a committed write cannot be adjusted");
    assert!(adjusting(When::BeforeDelete).is_err() && adjusting(When::AfterRead).is_ok());
}
