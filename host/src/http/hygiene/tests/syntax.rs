use crate::http::hygiene::syntax::{folded, is_valid_name, is_valid_value};

#[test]
fn pseudo_headers_spaces_upper_case_and_look_alike_letters_are_not_field_names() {
    for name in [
        ":status",
        ":authority",
        "set-cookie ",
        " set-cookie",
        "set cookie",
        "set\tcookie",
        "set-cookie:",
        "Set-Cookie",
        "\u{0455}et-cookie", // Cyrillic dze, looks like `s`
        "set-c\u{043e}okie", // Cyrillic o
        "x-a\r\nset-cookie",
        "",
    ] {
        assert!(!is_valid_name(name.as_bytes()), "{name:?}");
    }
    for name in [
        "set-cookie",
        "x-module-version",
        "x_custom",
        "etag",
        "x-a.b~c",
    ] {
        assert!(is_valid_name(name.as_bytes()), "{name:?}");
    }
}

#[test]
fn values_must_be_visible_ascii_spaces_or_tabs() {
    for value in [
        &b"caf\xe9"[..],
        b"a\x00b",
        b"a\rb",
        b"a\nb",
        b"\x7f",
        b"\xc3\xa9",
    ] {
        assert!(!is_valid_value(value), "{value:?}");
    }
    for value in [
        &b""[..],
        b"text/html; charset=utf-8",
        b"\"v1\"",
        b"a\tb",
        b" padded ",
    ] {
        assert!(is_valid_value(value), "{value:?}");
    }
}

#[test]
fn underscores_fold_into_dashes() {
    assert_eq!(folded("set_cookie"), "set-cookie");
    assert_eq!(folded("x_accel_redirect"), "x-accel-redirect");
    assert_eq!(folded("etag"), "etag");
}
