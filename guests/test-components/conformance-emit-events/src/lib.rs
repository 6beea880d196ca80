//! Conformance for world `modgate:host/emit-events`: `emit` returns a fresh
//! ULID per event; a name that is not a lowercase slug of at most 64
//! characters (a dot, a core event's or another module's name, control
//! characters, spaces, upper case, `_`, a leading `-`, empty, too long) is
//! `forbidden`, and a payload that is not JSON or is over 64 KiB is
//! `invalid`.
//!
//! Module name `conformance`; permission `emit:events`; no tables.
//! Settings: `tenant=<id>` runs the checks (the install's `{...}` does
//! nothing). Emits `mod.conformance.item-added` twice (payload `{"n":1}`)
//! and `mod.conformance.<64 × a>` once (payload `{}`).

use conformance_kit::{check, expect_code, is_ulid, param};
use modgate_sdk::events::emit;
use modgate_sdk::{Error, ErrorCode, Module};

/// The largest payload the host accepts by default.
const MAX_PAYLOAD: usize = 64 * 1024;

struct EmitEvents;

impl Module for EmitEvents {
    fn activate(settings: &str) -> Result<(), Error> {
        if settings.trim_start().starts_with('{') {
            return Ok(());
        }
        param(settings, "tenant")?;

        let first = emit("item-added", r#"{"n":1}"#)?;
        check(is_ulid(&first), "emit returns the event id, a ULID")?;
        let second = emit("item-added", r#"{"n":1}"#)?;
        check(
            is_ulid(&second) && second != first,
            "each emit gets its own id, equal payloads too",
        )?;
        emit(&"a".repeat(64), "{}")?;

        let long = "a".repeat(65);
        let refused_names = [
            ("order.paid", "a core event's name"),
            ("mod.other.item-added", "another module's full name"),
            ("other.item-added", "a dotted name"),
            ("a\u{7}b", "a control character"),
            ("a\nb", "a newline"),
            ("a b", "a space"),
            (long.as_str(), "a 65-character name"),
            ("", "an empty name"),
            ("Item-Added", "upper case"),
            ("-x", "a leading dash"),
            ("x_y", "an underscore"),
        ];
        for (name, what) in refused_names {
            expect_code(
                emit(name, r#"{"n":1}"#),
                ErrorCode::Forbidden,
                &format!("emitting {what}"),
            )?;
        }

        let oversized = format!("\"{}\"", "x".repeat(MAX_PAYLOAD + 1 - 2));
        check(
            oversized.len() == MAX_PAYLOAD + 1,
            "the oversized payload is 64 KiB + 1 byte",
        )?;
        let refused_payloads = [
            ("not json", "a payload that is not JSON"),
            ("", "an empty payload"),
            (oversized.as_str(), "a JSON payload over 64 KiB"),
        ];
        for (payload, what) in refused_payloads {
            expect_code(emit("item-added", payload), ErrorCode::Invalid, what)?;
        }
        Ok(())
    }
}

modgate_sdk::export_module!(EmitEvents);
