//! A stored message as RFC 5322 mail: the host's From, the one recipient,
//! the subject, a Date, the Message-ID fixed at queueing, and the text as
//! `text/plain; charset=utf-8`. Nothing else: no header comes from a module.
//!
//! Line breaks are normalised before the text is encoded: `\r\n`, bare `\r`
//! and bare `\n` all become one `\r\n`, so no byte sequence in the text can
//! end the SMTP DATA phase early or start a second message (SMTP
//! smuggling). Lines starting with `.` are dot-stuffed on the wire by the
//! SMTP client.

use lettre::Message;
use lettre::message::Mailbox;
use lettre::message::header::{ContentType, MIME_VERSION_1_0};

use crate::mail::error::MailError;
use crate::mail::messages::ClaimedMail;

/// The mail for `claim`.
pub(crate) fn compose(claim: &ClaimedMail) -> Result<Message, MailError> {
    let corrupt = |message: String| MailError::Corrupt { id: claim.id.clone(), message };
    let from: Mailbox = claim.sender.parse().map_err(|e| corrupt(format!("sender: {e}")))?;
    let to: Mailbox = claim.recipient.parse().map_err(|e| corrupt(format!("recipient: {e}")))?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(claim.subject.clone())
        .message_id(Some(format!("<{}>", claim.message_id)))
        .date_now()
        .header(MIME_VERSION_1_0)
        .header(ContentType::TEXT_PLAIN)
        .body(wire_body(&claim.body))
        .map_err(|e| corrupt(e.to_string()))
}

/// The text as handed to the mail builder: every kind of line break as
/// `\n` (the builder writes each as `\r\n`), without the final one, which
/// the SMTP client's end-of-data sequence supplies — so a text ending in a
/// line break arrives byte for byte.
fn wire_body(text: &str) -> String {
    let mut body = normalise_line_breaks(text);
    if body.ends_with('\n') {
        body.pop();
    }
    body
}

/// Every kind of line break as `\n`.
pub(crate) fn normalise_line_breaks(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(body: &str) -> ClaimedMail {
        ClaimedMail {
            id: "m-1".into(),
            tenant: "acme".into(),
            module: "wishlist".into(),
            customer_id: None,
            recipient: "ada@acme.example".into(),
            sender: "Acme <shop@acme.example>".into(),
            subject: "Price drop".into(),
            body: body.into(),
            message_id: "01abc@acme.example".into(),
            attempts: 0,
            token: "t".into(),
        }
    }

    #[test]
    fn the_host_sets_every_header() {
        let raw = String::from_utf8(compose(&claim("hello")).unwrap().formatted()).unwrap();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap();
        let names: Vec<&str> = head.lines().filter_map(|l| l.split_once(':').map(|(n, _)| n)).collect();
        assert_eq!(names, ["From", "To", "Subject", "Message-ID", "Date", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"]);
        assert!(head.contains("From: Acme <shop@acme.example>\r\n"), "{head}");
        assert!(head.contains("To: ada@acme.example\r\n"), "{head}");
        assert!(head.contains("Message-ID: <01abc@acme.example>\r\n"), "{head}");
        assert_eq!(body, "hello");
    }

    #[test]
    fn every_line_break_becomes_one_crlf() {
        assert_eq!(normalise_line_breaks("a\r\nb\nc\rd\r\n\r\ne"), "a\nb\nc\nd\n\ne");
        let raw = compose(&claim("a\rb\nc\r\n.\r\nQUIT\n.\n")).unwrap().formatted();
        let body = &raw[raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4..];
        assert_eq!(body, b"a\r\nb\r\nc\r\n.\r\nQUIT\r\n.", "the last line break is the end-of-data sequence's");
    }
}
