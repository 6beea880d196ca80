//! Placeholders as authors write them — `?`, `?N` and `$N` — sent by a real
//! guest into a real database on each backend: each style binds the values
//! in the right places; mixing styles and a wrong number of values are
//! `invalid` before the database sees the statement.

use modgate_host::engine::{ErrorCode, InvocationError};
use modgate_tests::{acme, on_both_backends};

use super::{PROBE, guest_code, install_probe, probe};

/// The guest's message of a failed probe (the host's error, unchanged).
fn message(result: &Result<(), InvocationError>) -> String {
    match result {
        Err(e) => e.to_string(),
        Ok(()) => "accepted".to_owned(),
    }
}

on_both_backends! {
    async fn every_placeholder_style_binds_its_values(host) {
        install_probe(&host.lifecycle, PROBE, &acme()).await;
        for (style, insert) in [
            ("positional", "INSERT INTO mod_probe_items (name, qty, note) VALUES (?, ?, ?)"),
            ("question", "INSERT INTO mod_probe_items (name, qty, note) VALUES (?1, ?2, ?3)"),
            ("dollar", "INSERT INTO mod_probe_items (name, qty, note) VALUES ($1, $2, $3)"),
        ] {
            let settings = format!("param {style}\nparam-int 7\nparam-null\nexec\n{insert}");
            probe(&host.lifecycle, "probe", &acme(), &settings).await.unwrap_or_else(|e| panic!("{style}: {e}"));
        }
        for select in [
            "SELECT name FROM mod_probe_items WHERE name = ? AND qty = ? AND note IS NULL",
            "SELECT name FROM mod_probe_items WHERE name = ?1 AND qty = ?2 AND note IS NULL",
            "SELECT name FROM mod_probe_items WHERE name = $1 AND qty = $2 AND note IS NULL",
            "SELECT name FROM mod_probe_items WHERE qty = $2 AND name = $1",
        ] {
            for style in ["positional", "question", "dollar"] {
                let settings = format!("expect-rows 1\nparam {style}\nparam-int 7\nquery\n{select}");
                probe(&host.lifecycle, "probe", &acme(), &settings).await.unwrap_or_else(|e| panic!("{select} ({style}): {e}"));
            }
        }
        let repeated = "expect-rows 3\nparam-int 7\nquery\nSELECT name FROM mod_probe_items WHERE qty = $1 OR qty + $1 = 0";
        probe(&host.lifecycle, "probe", &acme(), repeated).await.expect("a $N may repeat");
        let literal = "expect-rows 1\nparam dollar\nquery\nSELECT '$1', '?' FROM mod_probe_items WHERE name = $1";
        probe(&host.lifecycle, "probe", &acme(), literal).await.expect("placeholders in literals are text");
    }
}

on_both_backends! {
    async fn mixed_styles_and_wrong_value_counts_are_invalid(host) {
        install_probe(&host.lifecycle, PROBE, &acme()).await;
        for (settings, expected) in [
            (
                "param a\nparam-int 1\nquery\nSELECT name FROM mod_probe_items WHERE name = ? AND qty = $2",
                "mixes placeholder styles `?` and `$N`",
            ),
            (
                "param a\nparam-int 1\nquery\nSELECT name FROM mod_probe_items WHERE name = ?1 AND qty = $2",
                "mixes placeholder styles `?N` and `$N`",
            ),
            (
                "param a\nquery\nSELECT name FROM mod_probe_items WHERE name = ? AND qty = ?",
                "2 `?` placeholder(s) but 1 param(s) were passed",
            ),
            (
                "param a\nparam b\nquery\nSELECT name FROM mod_probe_items WHERE name = $1",
                "$2 is never used",
            ),
            (
                "param a\nparam b\nquery\nSELECT name FROM mod_probe_items WHERE name = $2",
                "$1 is never used",
            ),
            (
                "param a\nquery\nSELECT name FROM mod_probe_items WHERE name = $2",
                "placeholder `$2` has no value: 1 param(s) were passed",
            ),
        ] {
            let result = probe(&host.lifecycle, "probe", &acme(), settings).await;
            let text = message(&result);
            assert!(text.contains(expected), "{settings}: {text}");
            assert_eq!(guest_code(result), Some(ErrorCode::Invalid), "{settings}");
        }
    }
}
