//! Conformance for world `modgate:host/email-send`: `send` queues a message
//! to one bare address; `send-to-customer` answers `true` for a customer of
//! this tenant with an address and `false`, indistinguishably, for one who
//! opted out, was erased, does not exist or belongs to another tenant; every
//! header-injection and address-smuggling shape is `invalid` and the message
//! names the field (display name, second recipient, CRLF, quoted local part,
//! domain literal, single-label domain, `%` hack, non-ASCII, comment, group,
//! source route, empty, over 254 bytes; subjects with line breaks, NUL, C1
//! controls or U+2028; texts with NUL or ESC; customer ids empty, over 128
//! characters or with a control character). Only shapes refused whatever
//! the host's configured limits are tested: no subject or text length.
//!
//! Module name `conformance`; permission `email:send`; no tables.
//! Settings (`key=value;...`; the install's `{...}` does nothing):
//! - `valid=<id>`: a customer of this tenant with an address who consents;
//! - `suppressed=<id>,<id>,...`: customers that must give `false` (opted
//!   out, erased, unknown, another tenant's);
//! - `to=<address>`: an address `send` must accept.
//!
//! Queues exactly two messages: one `send` to `to` and one
//! `send-to-customer` to `valid`, subject `Conformance`. Makes
//! 2 + (number of suppressed ids) + 28 calls, each against the rate limit.

use conformance_kit::{check, param};
use modgate_sdk::email::{send, send_to_customer};
use modgate_sdk::{Error, ErrorCode, Module};

/// The subject and text of every message meant to be accepted.
const SUBJECT: &str = "Conformance";
const TEXT: &str = "Line one.\r\nLine two,\tindented.\n";

struct EmailSend;

impl Module for EmailSend {
    fn activate(settings: &str) -> Result<(), Error> {
        if settings.trim_start().starts_with('{') {
            return Ok(());
        }
        let valid = param(settings, "valid")?;
        let suppressed = param(settings, "suppressed")?;
        let to = param(settings, "to")?;

        send(to, SUBJECT, TEXT)?;
        check(
            send_to_customer(valid, SUBJECT, TEXT)?,
            "send-to-customer queues for a consenting customer with an address",
        )?;
        for customer in suppressed
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            check(
                !send_to_customer(customer, SUBJECT, TEXT)?,
                &format!(
                    "send-to-customer({customer}) is false: opted out, erased, unknown or another tenant's"
                ),
            )?;
        }

        for (address, what) in refused_addresses() {
            expect_invalid(send(&address, SUBJECT, TEXT), "to", &what)?;
        }
        for (subject, what) in REFUSED_SUBJECTS {
            expect_invalid(send(to, subject, TEXT), "subject", what)?;
        }
        expect_invalid(
            send_to_customer(valid, "Hello\r\nBcc: x@y.example", TEXT),
            "subject",
            "a CRLF in a subject to a customer",
        )?;
        for (text, what) in REFUSED_TEXTS {
            expect_invalid(send(to, SUBJECT, text), "text", what)?;
        }
        for (customer, what) in refused_customers() {
            expect_invalid(
                send_to_customer(&customer, SUBJECT, TEXT),
                "customer",
                &what,
            )?;
        }
        Ok(())
    }
}

/// Recipients that are not one bare ASCII address, whatever the limits.
fn refused_addresses() -> Vec<(String, String)> {
    let label = "x".repeat(60);
    let long = format!("a@{label}.{label}.{label}.{label}.{label}.example");
    let fixed = [
        ("Ada <a@b.example>", "a display name"),
        ("<a@b.example>", "an angle-bracketed address"),
        ("a@b.example, c@d.example", "two recipients"),
        ("a@b.example\r\nBcc: x@y.example", "a CRLF-injected Bcc"),
        ("a@b.example\nBcc: x@y.example", "an LF-injected Bcc"),
        ("\"a b\"@b.example", "a quoted local part"),
        ("a@[127.0.0.1]", "a domain literal"),
        ("a@localhost", "a single-label domain"),
        ("a%c.example@b.example", "a % hack"),
        ("a@bücher.example", "a non-ASCII domain"),
        ("ä@b.example", "a non-ASCII local part"),
        ("a(x)@b.example", "a comment"),
        ("team: a@b.example;", "a group"),
        ("@a.example:b@c.example", "a source route"),
        ("a@b.example\0", "a NUL"),
        ("", "an empty address"),
    ];
    let mut refused: Vec<(String, String)> = fixed
        .iter()
        .map(|(address, what)| ((*address).to_owned(), format!("sending to {what}")))
        .collect();
    refused.push((
        long,
        format!("sending to a {}-byte address", 2 + 5 * 61 + 7),
    ));
    refused
}

/// Subjects that are not one line.
const REFUSED_SUBJECTS: [(&str, &str); 5] = [
    ("Hello\r\nBcc: x@y.example", "a CRLF in a subject"),
    ("Hello\nthere", "an LF in a subject"),
    ("Hello\0", "a NUL in a subject"),
    ("Hello\u{85}there", "a C1 control (NEL) in a subject"),
    ("Hello\u{2028}there", "a line separator in a subject"),
];

/// Texts with control characters other than TAB, CR and LF.
const REFUSED_TEXTS: [(&str, &str); 2] = [
    ("Hello\0there", "a NUL in the text"),
    ("Hello\u{1b}[31mthere", "an ESC in the text"),
];

/// Customer ids the host refuses outright.
fn refused_customers() -> [(String, String); 3] {
    [
        (String::new(), "an empty customer id".to_owned()),
        ("c".repeat(129), "a 129-character customer id".to_owned()),
        (
            "cu-1\n".to_owned(),
            "a customer id with a line break".to_owned(),
        ),
    ]
}

/// Fails unless `result` is `invalid` and its message names `field`.
fn expect_invalid<T>(result: Result<T, Error>, field: &str, what: &str) -> Result<(), Error> {
    match result {
        Err(e) if e.code == ErrorCode::Invalid => check(
            e.message.contains(field),
            &format!("{what}: the message names `{field}`: {}", e.message),
        ),
        Err(e) => check(false, &format!("{what}: expected Invalid, got {e}")),
        Ok(_) => check(false, &format!("{what}: expected Invalid, got success")),
    }
}

modgate_sdk::export_module!(EmailSend);
