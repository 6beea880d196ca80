//! A small JSON reader and writer, so a module can read a hook's records,
//! its settings or another module's event payload without serde (which
//! would add tens of KiB to every component that uses it).
//!
//! - [`parse`] reads a whole document into a [`JsonValue`]; the accessors
//!   ([`JsonValue::get_str`], [`JsonValue::get_i64`], ...) pick fields out.
//! - [`string`] writes a string literal; [`JsonValue`]'s `Display` writes a
//!   value back as compact JSON.
//!
//! The reader is strict (RFC 8259, no comments or trailing commas) and
//! refuses what a lenient one would have to guess at: an object with the
//! same key twice, a lone UTF-16 surrogate, nesting deeper than
//! [`MAX_DEPTH`] (a guest's stack is small). Numbers keep their text, so an
//! integer larger than 2^53 is read exactly by [`JsonNumber::as_i64`].
//!
//! ```
//! use modgate_sdk::json;
//!
//! let record = json::parse(r#"{"id":"r-1","rating":4,"tags":["a"]}"#).unwrap();
//! assert_eq!(record.get_str("id"), Some("r-1"));
//! assert_eq!(record.get_i64("rating"), Some(4));
//! assert_eq!(record.get_str("missing"), None);
//! assert_eq!(json::string("say \"hi\""), r#""say \"hi\"""#);
//! ```

mod parse;
#[cfg(test)]
mod tests;

use std::fmt;

pub use parse::{JsonError, MAX_DEPTH, parse};

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonValue {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written.
    Number(JsonNumber),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<JsonValue>),
    /// An object's members in document order (keys are distinct).
    Object(Vec<(String, JsonValue)>),
}

/// A JSON number, kept as its text: read it as the type you expect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonNumber(String);

impl JsonNumber {
    /// The number as written in the document, e.g. `4`, `-0.5`, `1e3`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as an `i64`, when written as an integer (no fraction, no
    /// exponent) that fits.
    pub fn as_i64(&self) -> Option<i64> {
        self.0.parse().ok()
    }

    /// The number as an `f64` (the nearest one), when it is finite.
    pub fn as_f64(&self) -> Option<f64> {
        self.0.parse::<f64>().ok().filter(|n| n.is_finite())
    }
}

impl JsonValue {
    /// The member `key` of an object; `None` for a missing key or when this
    /// is not an object.
    pub fn get(&self, key: &str) -> Option<&JsonValue> {
        match self {
            JsonValue::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            JsonValue::String(text) => Some(text),
            _ => None,
        }
    }

    /// The number as an `i64`, if this is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            JsonValue::Number(number) => number.as_i64(),
            _ => None,
        }
    }

    /// The number as an `f64`, if this is a finite number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            JsonValue::Number(number) => number.as_f64(),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            JsonValue::Bool(value) => Some(*value),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&[JsonValue]> {
        match self {
            JsonValue::Array(elements) => Some(elements),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, JsonValue::Null)
    }

    /// The string member `key` of an object (see [`get`](Self::get)).
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(JsonValue::as_str)
    }

    /// The integer member `key` of an object.
    pub fn get_i64(&self, key: &str) -> Option<i64> {
        self.get(key).and_then(JsonValue::as_i64)
    }

    /// The numeric member `key` of an object, as an `f64`.
    pub fn get_f64(&self, key: &str) -> Option<f64> {
        self.get(key).and_then(JsonValue::as_f64)
    }

    /// The boolean member `key` of an object.
    pub fn get_bool(&self, key: &str) -> Option<bool> {
        self.get(key).and_then(JsonValue::as_bool)
    }
}

/// Writes the value as compact JSON (numbers as they were written).
impl fmt::Display for JsonValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonValue::Null => f.write_str("null"),
            JsonValue::Bool(value) => write!(f, "{value}"),
            JsonValue::Number(number) => f.write_str(number.as_str()),
            JsonValue::String(text) => f.write_str(&string(text)),
            JsonValue::Array(elements) => {
                f.write_str("[")?;
                for (i, element) in elements.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{element}")?;
                }
                f.write_str("]")
            }
            JsonValue::Object(members) => {
                f.write_str("{")?;
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{}:{value}", string(key))?;
                }
                f.write_str("}")
            }
        }
    }
}

/// `text` as a JSON string literal, quotes included. Control characters are
/// escaped, and so are `<`, `>` and `&` (as `\u003c`, ...: the same string
/// to any JSON reader), so the JSON can never be read as markup.
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '<' || c == '>' || c == '&' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
