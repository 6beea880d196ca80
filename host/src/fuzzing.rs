//! Entry points for the fuzz targets in `fuzz/` (feature `fuzzing`, never
//! enabled by the workspace build): checks that live inside a capability or
//! a worker and are otherwise reached only through a running module, so a
//! target can drive exactly the code a module's input reaches.

use crate::capabilities::email::EmailLimits;
use crate::storage::Backend;
use crate::storage::sql_guard::dialect::GuestDialect;
use crate::capabilities::email::text::{check_body, check_subject};
use crate::mail::check_address;
use crate::mail::compose::compose;
use crate::mail::messages::ClaimedMail;

/// The checks `email.send` makes on a module's message, in its order, with
/// the default limits: the recipient, the subject, the text. The error
/// names the field.
pub fn check_email(to: &str, subject: &str, text: &str) -> Result<(), String> {
    let limits = EmailLimits::default();
    check_address(to, limits.max_address_bytes).map_err(|p| format!("message.to {p}"))?;
    check_subject(subject, limits.max_subject_chars).map_err(|p| format!("message.subject {p}"))?;
    check_body(text, limits.max_text_bytes).map_err(|p| format!("message.text {p}"))
}

/// The RFC 5322 message the mail worker would hand to the relay for a
/// queued message (what `email.send` accepted), as bytes.
pub fn compose_email(sender: &str, recipient: &str, subject: &str, text: &str) -> Result<Vec<u8>, String> {
    let claim = ClaimedMail {
        id: "01J0000000000000000000FUZZ".to_owned(),
        tenant: "acme".to_owned(),
        module: "fuzz".to_owned(),
        customer_id: None,
        recipient: recipient.to_owned(),
        sender: sender.to_owned(),
        subject: subject.to_owned(),
        body: text.to_owned(),
        message_id: "01J0000000000000000000FUZZ@modgate.invalid".to_owned(),
        attempts: 0,
        token: String::new(),
    };
    compose(&claim).map(|message| message.formatted()).map_err(|e| e.to_string())
}

/// The dialect the SQL guard reads module SQL with and prints the rewritten
/// statement for, on `backend`: a property of the rewritten statement is
/// checked on what this dialect reads.
pub fn sql_dialect(backend: Backend) -> impl sqlparser::dialect::Dialect {
    GuestDialect::new(backend)
}
