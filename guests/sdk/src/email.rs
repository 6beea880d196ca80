//! Sending email (permission `email:send`, which the operator must
//! acknowledge at install).
//!
//! A module chooses the recipient, the subject and the plain text, nothing
//! else: the host sets From (per tenant), Date, Message-ID and every other
//! header, so there is no Cc, Bcc, Reply-To or custom header to inject.
//!
//! - [`send`] queues a message to an address the module knows (an operator's
//!   inbox from the settings, say).
//! - [`send_to_customer`] queues a message to a customer of the current
//!   tenant, addressed by the host: the module never learns the address.
//!
//! **What the host checks**, before anything is queued (a refusal is
//! `invalid` and its message names the field):
//!
//! - `to`: one bare ASCII address, `local@domain.tld`, at most 254 bytes —
//!   no display name (`Ada <a@b.example>`), second recipient, comment,
//!   group, quoted local part, domain literal (`a@[127.0.0.1]`), source
//!   route, `%`, or single-label domain (`a@localhost`); an
//!   internationalised domain only in its `xn--` form;
//! - `subject`: one line: no control characters (C0 or C1), no line or
//!   paragraph separator (U+2028, U+2029), and not too long (the host's
//!   limit, about 200 characters; [`one_line`] makes any text a valid line,
//!   keeping it short is yours);
//! - `text`: plain text of at most 64 KiB; line breaks are `\n`, `\r\n` or
//!   `\r` (all sent as `\r\n`), TAB and form feed are allowed, every other
//!   control character (NUL included) is not;
//! - a customer id: 1 to 128 characters, no control characters.
//!
//! **Cost.** Each call is one operation of the invocation's budget and
//! counts against the module's rate limit for the tenant: past it a call is
//! `rate-limited`, and nothing was queued. In an event handler, return that
//! error, so the event is delivered again later.
//!
//! **Once per event.** A message queued while an event is handled is queued
//! once per (event, recipient, subject, text): when a redelivered event
//! sends the same message again, the call succeeds (`Ok`, `Ok(true)`) and
//! queues nothing new. So a handler can send from a retry without mailing
//! twice — as long as it builds the same subject and text from the event.
//! (A redelivery still spends an operation per call, but a message that is
//! already queued spends no rate.)
//!
//! Queued messages are delivered by the host's mail worker, with retries;
//! `Ok` means queued, not delivered.

use crate::Error;
use crate::bindings::modgate::host::email as host;

/// Queues a plain-text message to the address `to`.
///
/// `invalid` (naming the field) when `to` is not one bare address, the
/// subject not one line, or the text not plain text (see the [module
/// docs](self)); `rate-limited` past the module's rate limit for the tenant.
/// Inside an event handler, sending the same message again for the same
/// event queues nothing new and still returns `Ok`.
///
/// ```ignore
/// modgate_sdk::email::send("ops@shop.example", "Stock low: p-1", "3 left.\n")?;
/// ```
pub fn send(to: &str, subject: &str, text: &str) -> Result<(), Error> {
    host::send(&host::Message {
        to: to.to_owned(),
        subject: subject.to_owned(),
        text: text.to_owned(),
    })
}

/// Queues a plain-text message to the customer `customer_id` of the current
/// tenant, at the address the host keeps for them.
///
/// `Ok(true)`: queued. `Ok(false)`: not queued, because the customer does
/// not exist, opted out of email or was erased — on purpose the module
/// cannot tell which, so it learns nothing about a customer it may not know.
/// `false` is an ordinary answer, not a failure: log it at `debug` and go on.
///
/// `invalid` (naming the field) for an empty customer id, one longer than
/// 128 characters or one with control characters, or a subject or text the
/// host refuses (see the [module docs](self)); `rate-limited` past the
/// module's rate limit for the tenant. Inside an event handler, sending the
/// same message to the same customer again for the same event queues
/// nothing new and returns `Ok(true)` again.
pub fn send_to_customer(customer_id: &str, subject: &str, text: &str) -> Result<bool, Error> {
    host::send_to_customer(customer_id, subject, text)
}

/// `text` as one line a subject may carry: every control character (C0 or
/// C1, line breaks included) and the line and paragraph separators become a
/// space, runs of whitespace shrink to one space, and the ends are trimmed.
/// For putting text the module does not control — a product name, a
/// customer's input — into a subject. The length is left as it is.
///
/// ```
/// use modgate_sdk::email::one_line;
/// assert_eq!(one_line("Blue\r\nBcc: x@y.example"), "Blue Bcc: x@y.example");
/// ```
pub fn one_line(text: &str) -> String {
    let mut line = String::with_capacity(text.len());
    for c in text.chars() {
        let blank = c.is_control() || c.is_whitespace();
        if !blank {
            line.push(c);
        } else if !line.is_empty() && !line.ends_with(' ') {
            line.push(' ');
        }
    }
    if line.ends_with(' ') {
        line.pop();
    }
    line
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn line_breaks_cannot_start_a_header() {
        assert_eq!(
            one_line("Sale\r\nBcc: x@y.example"),
            "Sale Bcc: x@y.example"
        );
        assert_eq!(one_line("a\nb\rc"), "a b c");
    }

    #[test]
    fn control_characters_and_separators_become_spaces() {
        for (input, expected) in [
            ("a\0b", "a b"),
            ("a\u{7}b", "a b"),
            ("a\u{7f}b", "a b"),
            ("a\u{85}b", "a b"),
            ("a\u{9b}b", "a b"),
            ("a\u{2028}b", "a b"),
            ("a\u{2029}b", "a b"),
            ("a\tb", "a b"),
        ] {
            assert_eq!(one_line(input), expected, "{input:?}");
        }
    }

    #[test]
    fn whitespace_runs_shrink_and_ends_are_trimmed() {
        assert_eq!(one_line("  Blue \r\n\t mug  "), "Blue mug");
        assert_eq!(one_line("\n\n"), "");
        assert_eq!(one_line(""), "");
    }

    #[test]
    fn other_text_is_kept_as_it_is() {
        assert_eq!(
            one_line("Prix baissé : tasse « bleue » 🍵"),
            "Prix baissé : tasse « bleue » 🍵"
        );
    }
}
