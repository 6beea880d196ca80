//! Runs the email call its settings describe and fails `activate` with the
//! host's error unchanged, so tests see the exact error code.
//!
//! Settings: lines separated by `\n`, the first `call send` or
//! `call send-to-customer`; settings that do not start with `call ` (the
//! install's `{}`) do nothing. The other lines, in any order, each at most
//! once:
//!
//! - `to <pct>`: the recipient (`send`);
//! - `customer <pct>`: the customer id (`send-to-customer`);
//! - `subject <pct>`, `text <pct>`: the message (both calls);
//! - `repeat N`: make the call N times (default 1), stopping at the first
//!   error, which is returned;
//! - `expect true` or `expect false` (`send-to-customer` only): fail with
//!   `handler-error` "probe: expected …" when a call answers otherwise.
//!
//! `<pct>` is the value percent-encoded, so it can carry any UTF-8 text:
//! `%XX` (two hex digits, either case) is the byte XX — `%0D` CR, `%0A` LF,
//! `%00` NUL, `%25` a `%` — and every other character stands for itself,
//! spaces and `+` included. The decoded bytes must be UTF-8. A field the
//! call uses must be present; an empty value is written `to` or `to ` (no
//! value). Malformed settings (an unknown line, a malformed escape, a
//! missing field, a bad number) fail with `invalid` "probe: …".
//!
//! Example: `call send\nto a@b.example%0D%0ABcc: x@y.example\nsubject Hi\ntext Hello`.
//!
//! Module name `probe` (any); permission `email:send`; no tables.

mod percent;
mod script;

use modgate_sdk::email::{send, send_to_customer};
use modgate_sdk::{Error, Module};

use script::{Call, Script};

struct Probe;

impl Module for Probe {
    fn activate(settings: &str) -> Result<(), Error> {
        let Some(script) = Script::parse(settings)? else {
            return Ok(());
        };
        for attempt in 1..=script.repeat {
            match &script.call {
                Call::Send { to } => send(to, &script.subject, &script.text)?,
                Call::SendToCustomer { customer, expect } => {
                    let queued = send_to_customer(customer, &script.subject, &script.text)?;
                    if let Some(expected) = expect
                        && queued != *expected
                    {
                        return Err(Error::handler(format!(
                            "probe: expected {expected}, got {queued} on call {attempt}"
                        )));
                    }
                }
            }
        }
        Ok(())
    }
}

modgate_sdk::export_module!(Probe);
