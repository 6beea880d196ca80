//! The checks `email.send` makes on a module's message, and the mail the
//! worker composes from what they accept: exactly one recipient, the host's
//! headers only, each once, and no line break that is not CRLF — so no
//! address, subject or text can add a recipient or a header, or end the
//! SMTP DATA phase early. Anything accepted must compose: a message that
//! is queued and then cannot be built is a message lost.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modgate_host::fuzzing::{check_email, compose_email};

/// The input: recipient, subject and text, separated by NUL bytes (which
/// no field may contain, so every other byte, line breaks included, can
/// appear in each).
#[derive(Debug)]
struct Message<'a> {
    to: &'a str,
    subject: &'a str,
    text: &'a str,
}

const HOST_HEADERS: &[&str] =
    &["from", "to", "subject", "message-id", "date", "mime-version", "content-type", "content-transfer-encoding"];

fuzz_target!(|data: &[u8]| {
    let Ok(data) = std::str::from_utf8(data) else { return };
    let mut fields = data.splitn(3, '\0');
    let message = Message {
        to: fields.next().unwrap_or_default(),
        subject: fields.next().unwrap_or_default(),
        text: fields.next().unwrap_or_default(),
    };
    if check_email(message.to, message.subject, message.text).is_err() {
        return;
    }
    assert_eq!(message.to.matches('@').count(), 1, "accepted {:?}", message.to);
    assert!(!message.to.contains([',', ';', ' ', '<', '>', '\r', '\n']), "accepted {:?}", message.to);
    let mail = compose_email("Shop <shop@modgate.example>", message.to, message.subject, message.text)
        .unwrap_or_else(|e| panic!("accepted but cannot be composed ({e}): {message:?}"));
    for (i, byte) in mail.iter().enumerate() {
        match byte {
            b'\n' => assert!(i > 0 && mail[i - 1] == b'\r', "bare LF at {i}: {message:?}"),
            b'\r' => assert_eq!(mail.get(i + 1), Some(&b'\n'), "bare CR at {i}: {message:?}"),
            _ => {}
        }
    }
    let text = String::from_utf8_lossy(&mail);
    let (head, _body) = text.split_once("\r\n\r\n").expect("a header and a body");
    let mut seen = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            continue; // a folded continuation of the previous header
        }
        let (name, value) = line.split_once(':').unwrap_or_else(|| panic!("header line {line:?}: {message:?}"));
        let name = name.to_ascii_lowercase();
        assert!(HOST_HEADERS.contains(&name.as_str()), "header {name:?} in the mail: {message:?}");
        assert!(!seen.contains(&name), "header {name:?} twice: {message:?}");
        if name == "to" {
            assert_eq!(value.trim(), message.to, "the To header");
        }
        seen.push(name);
    }
});
