//! Per-install settings: the manifest's `[settings]` JSON Schema decides
//! what is accepted; top-level defaults are filled in before validation so
//! the module always receives a complete document.

use serde::Serialize;
use serde_json::{Map, Value};

/// One reason settings were refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettingsProblem {
    /// JSON pointer into the settings document (`/max-items`; empty = the whole document).
    pub path: String,
    /// JSON pointer into the schema (which rule refused it).
    pub schema_path: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for SettingsProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = if self.path.is_empty() { "/" } else { &self.path };
        write!(f, "settings {path}: {} (schema {})", self.message, self.schema_path)
    }
}

/// Validates `given` (absent = `{}`) against `schema` (absent = no settings
/// accepted but an empty object) and returns the document to store and to
/// pass to `activate`.
pub fn validate_settings(schema: Option<&Value>, given: Option<Value>) -> Result<Value, Vec<SettingsProblem>> {
    let mut settings = given.unwrap_or_else(|| Value::Object(Map::new()));
    let Some(schema) = schema else {
        return match &settings {
            Value::Object(map) if map.is_empty() => Ok(settings),
            _ => Err(vec![SettingsProblem {
                path: String::new(),
                schema_path: String::new(),
                message: "this module declares no settings; pass none (or {})".into(),
            }]),
        };
    };
    fill_defaults(schema, &mut settings);
    let validator = jsonschema::validator_for(schema).map_err(|e| {
        vec![SettingsProblem {
            path: String::new(),
            schema_path: e.schema_path().to_string(),
            message: format!("the module's settings schema is unusable: {e}"),
        }]
    })?;
    let problems: Vec<SettingsProblem> = validator
        .iter_errors(&settings)
        .map(|e| SettingsProblem {
            path: e.instance_path().to_string(),
            schema_path: e.schema_path().to_string(),
            message: e.to_string(),
        })
        .collect();
    if problems.is_empty() { Ok(settings) } else { Err(problems) }
}

/// Adds `default` values of the schema's top-level properties that the
/// document lacks.
fn fill_defaults(schema: &Value, settings: &mut Value) {
    let (Some(properties), Value::Object(document)) = (schema.get("properties").and_then(Value::as_object), settings)
    else {
        return;
    };
    for (name, property) in properties {
        if let Some(default) = property.get("default")
            && !document.contains_key(name)
        {
            document.insert(name.clone(), default.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "additionalProperties": false,
            "properties": { "max-items": { "type": "integer", "minimum": 1, "maximum": 500, "default": 100 } }
        })
    }

    #[test]
    fn defaults_are_filled_in() {
        assert_eq!(validate_settings(Some(&schema()), None), Ok(json!({ "max-items": 100 })));
        assert_eq!(validate_settings(Some(&schema()), Some(json!({ "max-items": 7 }))), Ok(json!({ "max-items": 7 })));
    }

    #[test]
    fn invalid_settings_name_the_path_and_the_rule() {
        let problems = validate_settings(Some(&schema()), Some(json!({ "max-items": 0 }))).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "/max-items");
        assert_eq!(problems[0].schema_path, "/properties/max-items/minimum");
        let problems = validate_settings(Some(&schema()), Some(json!({ "colour": "red" }))).unwrap_err();
        assert_eq!(problems[0].schema_path, "/additionalProperties");
    }

    #[test]
    fn modules_without_a_schema_take_no_settings() {
        assert_eq!(validate_settings(None, None), Ok(json!({})));
        assert!(validate_settings(None, Some(json!({ "a": 1 }))).is_err());
    }
}
