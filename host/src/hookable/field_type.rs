//! The JSON type of a hookable field: what a hook's adjustment must match.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A JSON type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum JsonKind {
    /// A JSON string.
    String,
    /// A JSON number without a fractional part that fits an `i64`.
    Integer,
    /// Any JSON number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A JSON array.
    Array,
    /// A JSON object.
    Object,
}

/// A field's type: a JSON kind, and whether `null` is also accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldType {
    /// The kind of a present value.
    pub kind: JsonKind,
    /// Whether `null` is a valid value (e.g. a virtual field nobody filled).
    pub nullable: bool,
}

impl FieldType {
    /// A string.
    pub const STRING: FieldType = FieldType::of(JsonKind::String);
    /// An integer.
    pub const INTEGER: FieldType = FieldType::of(JsonKind::Integer);
    /// A number.
    pub const NUMBER: FieldType = FieldType::of(JsonKind::Number);
    /// A boolean.
    pub const BOOLEAN: FieldType = FieldType::of(JsonKind::Boolean);
    /// An array.
    pub const ARRAY: FieldType = FieldType::of(JsonKind::Array);
    /// An object.
    pub const OBJECT: FieldType = FieldType::of(JsonKind::Object);

    const fn of(kind: JsonKind) -> FieldType {
        FieldType { kind, nullable: false }
    }

    /// The same type, also accepting `null`.
    pub const fn or_null(self) -> FieldType {
        FieldType { kind: self.kind, nullable: true }
    }

    /// Whether `value` is of this type.
    pub fn admits(&self, value: &Value) -> bool {
        match value {
            Value::Null => self.nullable,
            Value::String(_) => self.kind == JsonKind::String,
            Value::Bool(_) => self.kind == JsonKind::Boolean,
            Value::Array(_) => self.kind == JsonKind::Array,
            Value::Object(_) => self.kind == JsonKind::Object,
            Value::Number(n) => match self.kind {
                JsonKind::Number => true,
                JsonKind::Integer => n.is_i64() || n.is_u64() && n.as_u64().is_some_and(|u| i64::try_from(u).is_ok()),
                _ => false,
            },
        }
    }
}

impl std::fmt::Display for FieldType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.kind {
            JsonKind::String => "a string",
            JsonKind::Integer => "an integer",
            JsonKind::Number => "a number",
            JsonKind::Boolean => "a boolean",
            JsonKind::Array => "an array",
            JsonKind::Object => "an object",
        };
        f.write_str(kind)?;
        if self.nullable {
            f.write_str(" or null")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integers_are_whole_numbers_that_fit_an_i64() {
        assert!(FieldType::INTEGER.admits(&json!(4)));
        assert!(!FieldType::INTEGER.admits(&json!(4.5)));
        assert!(!FieldType::INTEGER.admits(&json!(u64::MAX)));
        assert!(FieldType::NUMBER.admits(&json!(4.5)));
    }

    #[test]
    fn null_only_when_nullable() {
        assert!(!FieldType::NUMBER.admits(&Value::Null));
        assert!(FieldType::NUMBER.or_null().admits(&Value::Null));
        assert_eq!(FieldType::NUMBER.or_null().to_string(), "a number or null");
    }

    #[test]
    fn kinds_do_not_mix() {
        assert!(!FieldType::STRING.admits(&json!(1)));
        assert!(!FieldType::BOOLEAN.admits(&json!("true")));
        assert!(FieldType::ARRAY.admits(&json!([])) && FieldType::OBJECT.admits(&json!({})));
    }
}
