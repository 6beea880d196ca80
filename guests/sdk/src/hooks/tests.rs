use super::*;
use crate::ErrorCode;

fn call(when: When, records: &[&str]) -> HookCall {
    HookCall {
        entity: "review".to_owned(),
        when,
        action: None,
        records: records.iter().map(|r| (*r).to_owned()).collect(),
        previous: None,
        customer_id: None,
    }
}

fn rejected(outcome: Outcome) -> Vec<String> {
    match outcome {
        Outcome::Reject(messages) => messages,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[test]
fn a_record_is_parsed_into_its_fields() {
    let call = call(When::BeforeCreate, &[r#"{"body":"Nice mug","rating":5}"#]);
    let record = call.record(0).unwrap();
    assert_eq!(record.get_str("body"), Some("Nice mug"));
    assert_eq!(record.get_i64("rating"), Some(5));
}

#[test]
fn a_missing_or_non_object_record_is_invalid() {
    let call = call(When::AfterRead, &["[1]", "not json"]);
    for (index, expected) in [
        (0, "record 0 is not a JSON object"),
        (1, "invalid JSON at byte 0: expected a value"),
        (2, "the after-read hook got 2 record(s), not one at index 2"),
    ] {
        let error = call.record(index).unwrap_err();
        assert_eq!(error.code, ErrorCode::Invalid);
        assert_eq!(error.message, expected);
    }
}

#[test]
fn the_previous_record_is_there_only_for_updates() {
    let mut update = call(When::BeforeUpdate, &[r#"{"rating":2}"#]);
    update.previous = Some(r#"{"rating":5}"#.to_owned());
    let previous = update.previous_record().unwrap().unwrap();
    assert_eq!(previous.get_i64("rating"), Some(5));
    assert!(
        call(When::BeforeCreate, &["{}"])
            .previous_record()
            .unwrap()
            .is_none()
    );
}

#[test]
fn moment_names_are_the_manifest_names() {
    let named = [
        (When::BeforeCreate, "before-create", true),
        (When::BeforeUpdate, "before-update", true),
        (When::BeforeDelete, "before-delete", true),
        (When::AfterCreate, "after-create", false),
        (When::AfterUpdate, "after-update", false),
        (When::AfterDelete, "after-delete", false),
        (When::AfterRead, "after-read", false),
        (When::OnAction, "on-action", true),
    ];
    for (when, name, before) in named {
        assert_eq!(when.name(), name);
        assert_eq!(when.is_before(), before, "{name}");
    }
}

#[test]
fn a_rejection_message_is_kept_as_written_when_valid() {
    let messages = rejected(Outcome::reject("Please remove \"scam\" from your review."));
    assert_eq!(messages, ["Please remove \"scam\" from your review."]);
}

#[test]
fn a_rejection_message_loses_its_control_characters_and_line_breaks() {
    let messages = rejected(Outcome::reject("bad\u{7}bell\r\nsecond line\u{85}"));
    assert_eq!(messages, ["bad bell second line"]);
}

#[test]
fn a_long_rejection_message_is_cut_to_the_limit() {
    let messages = rejected(Outcome::reject("é".repeat(MAX_REJECT_MESSAGE_CHARS + 20)));
    assert_eq!(messages[0].chars().count(), MAX_REJECT_MESSAGE_CHARS);
    let exact = "x".repeat(MAX_REJECT_MESSAGE_CHARS);
    assert_eq!(rejected(Outcome::reject(exact.clone())), [exact]);
}

#[test]
fn a_rejection_keeps_at_most_the_allowed_number_of_messages() {
    let many = (0..MAX_REJECT_MESSAGES + 3).map(|i| format!("problem {i}"));
    let messages = rejected(Outcome::reject_all(many));
    assert_eq!(messages.len(), MAX_REJECT_MESSAGES);
    assert_eq!(messages[0], "problem 0");
    assert_eq!(messages[MAX_REJECT_MESSAGES - 1], "problem 9");
}

#[test]
fn adjust_one_changes_one_field_of_the_first_record() {
    let Outcome::Adjust(changes) = Outcome::adjust_one("body", json::string("Nice mug")) else {
        panic!("expected an adjustment");
    };
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].index, 0);
    assert_eq!(changes[0].changes.len(), 1);
    assert_eq!(changes[0].changes[0].field, "body");
    assert_eq!(changes[0].changes[0].value, "\"Nice mug\"");
}

#[test]
fn a_record_change_names_its_record_by_position() {
    let change = RecordChange::new(7, vec![FieldChange::new("review_count", "3")]);
    assert_eq!(change.index, 7);
    assert_eq!(change.changes[0].value, "3");
    assert_eq!(RecordChange::new(usize::MAX, Vec::new()).index, u32::MAX);
}

#[test]
fn the_trait_is_the_export() {
    struct Allowing;
    impl Hooks for Allowing {
        fn handle(call: HookCall) -> Result<Outcome, Error> {
            Ok(if call.when.is_before() {
                Outcome::Allow
            } else {
                Outcome::reject("late")
            })
        }
    }
    let outcome = <Allowing as Guest>::handle(call(When::BeforeDelete, &["{}"])).unwrap();
    assert!(matches!(outcome, Outcome::Allow));
}

#[test]
fn rejection_messages_lose_bidirectional_controls() {
    let Outcome::Reject(messages) = Outcome::reject("fine\u{202E}txt.exe\u{2066}\u{061C} here") else {
        panic!("a rejection")
    };
    assert_eq!(messages, ["finetxt.exe here"]);
}
