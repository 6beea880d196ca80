//! Data hooks: the host calls [`Hooks::handle`] when one of the host
//! integrator's hookable entities (a `review`, a `product`, ...) is
//! created, updated, deleted, read or acted on, for the hooks the manifest
//! declares and the operator approved.
//!
//! ```toml
//! [[hooks]]
//! entity = "review"
//! when = "before-create"
//! ```
//!
//! **What a call carries.** [`HookCall::records`] are JSON objects with only
//! the fields the integrator lets hooks read: exactly one for writes and
//! actions, every row read (in batches) for `after-read`. Read them with
//! [`HookCall::record`], which parses one into a [`JsonValue`].
//!
//! **What a hook may do** depends on [`When`]:
//!
//! | moment | may answer | budget |
//! |---|---|---|
//! | `before-create`, `before-update`, `on-action` | allow, reject, adjust | no data operations |
//! | `before-delete` | allow, reject | no data operations |
//! | `after-create`, `after-update`, `after-delete` | allow (anything else is ignored) | up to 100 operations |
//! | `after-read` | allow, adjust | up to 100 operations for the batch |
//!
//! Before-hooks run inside the integrator's transaction, so they may not
//! touch data: every tables, events, email or commerce call is
//! `budget-exhausted` (settings and the log are free). Decide from the
//! records and the settings alone; do the bookkeeping in an after-hook.
//!
//! **Answers the host refuses.** An adjustment of a field the integrator
//! did not make adjustable is dropped (and logged); a value of the wrong
//! JSON type fails the hook (`invalid`), and so do more than
//! [`MAX_REJECT_MESSAGES`] messages or a message longer than
//! [`MAX_REJECT_MESSAGE_CHARS`] or with control characters, line
//! separators or bidirectional controls. Build
//! rejections with [`Outcome::reject`] and [`Outcome::reject_all`], which
//! keep within those limits whatever text they are given.

use crate::Error;
use crate::bindings::exports::modgate::host::hook_handler::Guest;
pub use crate::bindings::exports::modgate::host::hook_handler::{
    FieldChange, HookCall, Outcome, RecordChange, When,
};
use crate::email::one_line;
use crate::json::{self, JsonValue};

/// The most messages one rejection may carry.
pub const MAX_REJECT_MESSAGES: usize = 10;

/// The longest message of a rejection, in characters.
pub const MAX_REJECT_MESSAGE_CHARS: usize = 500;

/// What a module with `[[hooks]]` implements (feature `hooks`).
///
/// Each call runs in a fresh instance, under the `hook-before` budget for
/// before-hooks and `on-action` (no data operations, a short deadline) or
/// the `hook-after` budget otherwise. An `Err`, a trap or a timeout fails
/// the hook; a failed after-hook cannot undo the write it followed (the
/// failure is logged).
pub trait Hooks {
    /// Decides one hook call. Match on `call.when` (and `call.entity`, when
    /// the manifest hooks several entities).
    fn handle(call: HookCall) -> Result<Outcome, Error>;
}

impl<T: Hooks> Guest for T {
    fn handle(call: HookCall) -> Result<Outcome, Error> {
        T::handle(call)
    }
}

impl HookCall {
    /// The record at `index` of [`records`](HookCall::records), parsed.
    /// `invalid` when there is no such record or it is not a JSON object.
    pub fn record(&self, index: usize) -> Result<JsonValue, Error> {
        let text = self.records.get(index).ok_or_else(|| {
            Error::invalid(format!(
                "the {} hook got {} record(s), not one at index {index}",
                self.when.name(),
                self.records.len()
            ))
        })?;
        match json::parse(text)? {
            record @ JsonValue::Object(_) => Ok(record),
            _ => Err(Error::invalid(format!(
                "record {index} is not a JSON object"
            ))),
        }
    }

    /// The stored record before the change (`before-update`,
    /// `after-update`), parsed; `None` at other moments.
    pub fn previous_record(&self) -> Result<Option<JsonValue>, Error> {
        let Some(text) = &self.previous else {
            return Ok(None);
        };
        match json::parse(text)? {
            record @ JsonValue::Object(_) => Ok(Some(record)),
            _ => Err(Error::invalid("the previous record is not a JSON object")),
        }
    }
}

impl When {
    /// The moment as the manifest writes it, e.g. `before-create`.
    pub fn name(self) -> &'static str {
        match self {
            When::BeforeCreate => "before-create",
            When::BeforeUpdate => "before-update",
            When::BeforeDelete => "before-delete",
            When::AfterCreate => "after-create",
            When::AfterUpdate => "after-update",
            When::AfterDelete => "after-delete",
            When::AfterRead => "after-read",
            When::OnAction => "on-action",
        }
    }

    /// Whether the hook runs before the write or action, inside the
    /// integrator's transaction: its answer counts, and it may not touch
    /// data.
    pub fn is_before(self) -> bool {
        matches!(
            self,
            When::BeforeCreate | When::BeforeUpdate | When::BeforeDelete | When::OnAction
        )
    }
}

impl Outcome {
    /// Refuses with one message for the person who asked. The message is
    /// made a valid one: control characters and line breaks become spaces,
    /// and it is cut at [`MAX_REJECT_MESSAGE_CHARS`].
    ///
    /// ```ignore
    /// return Ok(Outcome::reject(format!("Please remove \"{word}\" from your review.")));
    /// ```
    pub fn reject(message: impl Into<String>) -> Outcome {
        Outcome::reject_all([message])
    }

    /// Refuses with several messages, each made valid as by
    /// [`reject`](Outcome::reject); messages past [`MAX_REJECT_MESSAGES`]
    /// are left out.
    pub fn reject_all<M: Into<String>>(messages: impl IntoIterator<Item = M>) -> Outcome {
        Outcome::Reject(
            messages
                .into_iter()
                .take(MAX_REJECT_MESSAGES)
                .map(|message| reject_message(&message.into()))
                .collect(),
        )
    }

    /// Adjusts one field of the call's first (for writes and actions: its
    /// only) record. `value` is JSON of the field's type, e.g.
    /// `json::string("text")`, `"42"` or `"null"`.
    pub fn adjust_one(field: impl Into<String>, value: impl Into<String>) -> Outcome {
        Outcome::Adjust(vec![RecordChange::new(
            0,
            vec![FieldChange::new(field, value)],
        )])
    }
}

impl RecordChange {
    /// The changes to the record at `index` of the call's records. (An index
    /// past `u32::MAX` cannot be one, and is sent as `u32::MAX`.)
    pub fn new(index: usize, changes: Vec<FieldChange>) -> RecordChange {
        RecordChange {
            index: u32::try_from(index).unwrap_or(u32::MAX),
            changes,
        }
    }
}

impl FieldChange {
    /// A new `value` (JSON of the field's type) for `field`.
    pub fn new(field: impl Into<String>, value: impl Into<String>) -> FieldChange {
        FieldChange {
            field: field.into(),
            value: value.into(),
        }
    }
}

/// `message` as the host accepts it: one line of plain text without
/// bidirectional controls (which can make a message read differently from
/// what it says), at most [`MAX_REJECT_MESSAGE_CHARS`] characters.
fn reject_message(message: &str) -> String {
    let plain: String = message.chars().filter(|&c| !is_bidi_control(c)).collect();
    let line = one_line(&plain);
    match line.char_indices().nth(MAX_REJECT_MESSAGE_CHARS) {
        Some((cut, _)) => line[..cut].trim_end().to_owned(),
        None => line,
    }
}

/// The marks and embedding, override and isolate controls of the Unicode
/// bidirectional algorithm.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests;
