use super::*;

fn number(text: &str) -> JsonValue {
    JsonValue::Number(JsonNumber(text.to_owned()))
}

#[test]
fn a_hook_record_reads_into_its_fields() {
    let record = parse(
        r#" { "id": "r-1", "rating": 5, "price": 12.5, "gift": false, "note": null, "tags": ["a", "b"] } "#,
    )
    .unwrap();
    assert_eq!(record.get_str("id"), Some("r-1"));
    assert_eq!(record.get_i64("rating"), Some(5));
    assert_eq!(record.get_f64("price"), Some(12.5));
    assert_eq!(record.get_bool("gift"), Some(false));
    assert!(record.get("note").is_some_and(JsonValue::is_null));
    let tags: Vec<&str> = record
        .get("tags")
        .and_then(JsonValue::as_array)
        .unwrap()
        .iter()
        .filter_map(JsonValue::as_str)
        .collect();
    assert_eq!(tags, ["a", "b"]);
}

#[test]
fn a_field_of_another_type_reads_as_absent() {
    let record = parse(r#"{"rating":"5","id":7,"half":4.5}"#).unwrap();
    assert_eq!(record.get_i64("rating"), None);
    assert_eq!(record.get_str("id"), None);
    assert_eq!(record.get_i64("half"), None);
    assert_eq!(record.get_f64("id"), Some(7.0));
    assert_eq!(parse("[1]").unwrap().get("0"), None);
}

#[test]
fn numbers_keep_their_text_so_large_integers_stay_exact() {
    let value = parse("9007199254740993").unwrap();
    assert_eq!(value.as_i64(), Some(9_007_199_254_740_993));
    assert_eq!(parse("-0.5e2").unwrap(), number("-0.5e2"));
    assert_eq!(parse("-0.5e2").unwrap().as_f64(), Some(-50.0));
    assert_eq!(parse("1e400").unwrap().as_f64(), None, "not finite");
    assert_eq!(
        parse("1e2").unwrap().as_i64(),
        None,
        "an exponent is not an integer's form"
    );
}

#[test]
fn escapes_are_unescaped() {
    let value = parse(r#""a\"b\\c\/d\n\t\u00e9\ud83c\udf75""#).unwrap();
    assert_eq!(value.as_str(), Some("a\"b\\c/d\n\té🍵"));
}

#[test]
fn malformed_documents_are_refused_with_the_place() {
    for (text, reason) in [
        ("", "expected a value, found the end"),
        ("{", "expected a member name (a string)"),
        (r#"{"a" 1}"#, "expected `:` after the member name"),
        (r#"{"a":1,}"#, "expected a member name (a string)"),
        ("[1,]", "expected a value"),
        ("[1 2]", "expected `,` or `]`"),
        ("01", "unexpected text after the value"),
        ("1.", "expected a digit after `.`"),
        ("1e", "expected a digit in the exponent"),
        ("-", "expected a digit"),
        ("+1", "expected a value"),
        ("nul", "expected a value"),
        ("\"abc", "unterminated string"),
        ("\"a\nb\"", "control character in a string (escape it)"),
        (r#""\x""#, "unknown escape"),
        (r#""\u12""#, "expected four hex digits after \\u"),
        (r#""\ud800""#, "lone UTF-16 surrogate"),
        (r#""\udc00""#, "lone UTF-16 surrogate"),
        (r#""\ud800\u0041""#, "lone UTF-16 surrogate"),
        ("{} x", "unexpected text after the value"),
        ("{'a':1}", "expected a member name (a string)"),
    ] {
        let error = parse(text).unwrap_err();
        assert_eq!(error.reason, reason, "{text:?}");
    }
    assert_eq!(parse("[1 2]").unwrap_err().offset, 3);
}

#[test]
fn a_member_name_given_twice_is_refused_not_guessed() {
    let error = parse(r#"{"price":1,"price":2}"#).unwrap_err();
    assert_eq!(error.reason, "a member name appears twice");
    assert_eq!(error.offset, 11);
}

#[test]
fn nesting_is_bounded() {
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(parse(&ok).is_ok());
    let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    assert_eq!(parse(&deep).unwrap_err().reason, "nested too deeply");
    let objects = format!(
        "{}1{}",
        r#"{"a":"#.repeat(MAX_DEPTH + 1),
        "}".repeat(MAX_DEPTH + 1)
    );
    assert_eq!(parse(&objects).unwrap_err().reason, "nested too deeply");
}

#[test]
fn a_json_error_is_an_invalid_error() {
    let error: crate::Error = parse("{").unwrap_err().into();
    assert_eq!(error.code, crate::ErrorCode::Invalid);
    assert_eq!(
        error.message,
        "invalid JSON at byte 1: expected a member name (a string)"
    );
}

#[test]
fn values_are_written_back_as_compact_json() {
    let text = r#"{ "a": [1, -2.5e3, true, null], "b": {"c": "x\"<y>"} }"#;
    let value = parse(text).unwrap();
    assert_eq!(
        value.to_string(),
        r#"{"a":[1,-2.5e3,true,null],"b":{"c":"x\"\u003cy\u003e"}}"#
    );
    assert_eq!(parse(&value.to_string()).unwrap(), value);
}

#[test]
fn strings_are_escaped_so_they_stay_one_json_string() {
    assert_eq!(string("plain"), "\"plain\"");
    assert_eq!(string("a\"b\\c"), r#""a\"b\\c""#);
    assert_eq!(string("line\nbreak\ttab\r"), r#""line\nbreak\ttab\r""#);
    assert_eq!(string("\u{0}\u{7}\u{7f}"), r#""\u0000\u0007\u007f""#);
    assert_eq!(string("<b>&"), r#""\u003cb\u003e\u0026""#);
    assert_eq!(string("é🍵"), "\"é🍵\"");
    for text in ["a\"b", "\u{1}x", "<script>", "é🍵\\"] {
        assert_eq!(parse(&string(text)).unwrap().as_str(), Some(text));
    }
}
