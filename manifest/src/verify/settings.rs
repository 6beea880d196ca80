//! `[settings]`: a JSON Schema (written in TOML) for the module's operator-editable settings.
//! It must compile and describe an object.

use std::panic::{AssertUnwindSafe, catch_unwind};

use serde_json::Value as Json;
use toml::{Table, Value};

use super::path::{index_path, key_path};
use super::report::Report;
use super::value::wrong_type;
use crate::error::ManifestErrorCode;

/// Meta-schemas a settings schema may name in `$schema`. Any other URI would make the
/// validator try to fetch it; without `$schema` draft 2020-12 is assumed.
const KNOWN_DRAFTS: [&str; 5] = [
    "https://json-schema.org/draft/2020-12/schema",
    "https://json-schema.org/draft/2019-09/schema",
    "http://json-schema.org/draft-07/schema",
    "http://json-schema.org/draft-06/schema",
    "http://json-schema.org/draft-04/schema",
];

/// At most this many schema errors are listed; the rest usually follow from the first.
const MAX_SCHEMA_ERRORS: usize = 10;

/// Longest jsonschema message echoed back.
const MAX_MESSAGE_CHARS: usize = 200;

/// Checks `[settings]`; returns the schema as JSON when valid.
pub(crate) fn check(report: &mut Report, root: &Table) -> Option<Json> {
    let value = root.get("settings")?;
    let Value::Table(table) = value else {
        wrong_type(
            report,
            "settings",
            "a table",
            value,
            "declare it as a [settings] table with type = \"object\" and properties",
        );
        return None;
    };
    let schema = to_json(report, value, "settings");
    let is_object = check_type_is_object(report, table);
    let known_meta_schema = check_meta_schema(report, table);
    // An unknown `$schema` is never handed to the validator: it would try to fetch it.
    let compiled = known_meta_schema && compile(report, schema.as_ref()?);
    (is_object && compiled).then_some(schema).flatten()
}

/// The settings must be an object so they can be stored and edited as named fields.
fn check_type_is_object(report: &mut Report, table: &Table) -> bool {
    let path = key_path("settings", "type");
    match table.get("type") {
        Some(Value::String(ty)) if ty == "object" => return true,
        None => report.error(
            path,
            ManifestErrorCode::InvalidSettingsSchema,
            "the settings schema has no type",
            "add type = \"object\" under [settings]",
        ),
        Some(_) => report.error(
            path,
            ManifestErrorCode::InvalidSettingsSchema,
            "the settings schema must describe an object",
            "write type = \"object\" and describe each setting under [settings.properties]",
        ),
    }
    false
}

/// `$schema`, when given, must be a bundled draft (no meta-schema is ever fetched).
fn check_meta_schema(report: &mut Report, table: &Table) -> bool {
    let Some(value) = table.get("$schema") else {
        return true;
    };
    let known = value
        .as_str()
        .is_some_and(|uri| KNOWN_DRAFTS.contains(&uri.trim_end_matches('#')));
    if !known {
        report.error(
            key_path("settings", "$schema"),
            ManifestErrorCode::InvalidSettingsSchema,
            "names a meta-schema that is not a bundled JSON Schema draft",
            format!(
                "remove it (draft 2020-12 is assumed) or write \"$schema\" = \"{}\"",
                KNOWN_DRAFTS[0]
            ),
        );
    }
    known
}

/// Validates the schema against its meta-schema, then compiles it (catching bad `$ref`s and
/// patterns). Returns whether it compiled.
fn compile(report: &mut Report, schema: &Json) -> bool {
    // jsonschema is third-party code fed untrusted input: a panic inside it must become a
    // refusal of this manifest, never a crash of the host.
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut problems: Vec<(String, String)> = Vec::new();
        match jsonschema::meta::validator_for(schema) {
            Ok(meta) => {
                for error in meta.iter_errors(schema).take(MAX_SCHEMA_ERRORS) {
                    let mut path = "settings".to_owned();
                    for segment in error.instance_path().iter() {
                        path = match segment {
                            jsonschema::paths::LocationSegment::Property(key) => {
                                key_path(&path, &key)
                            }
                            jsonschema::paths::LocationSegment::Index(index) => {
                                index_path(&path, index)
                            }
                        };
                    }
                    problems.push((path, error.to_string()));
                }
            }
            Err(error) => problems.push(("settings".to_owned(), error.to_string())),
        }
        if problems.is_empty()
            && let Err(error) = jsonschema::validator_for(schema)
        {
            problems.push(("settings".to_owned(), error.to_string()));
        }
        problems
    }));
    let problems = outcome.unwrap_or_else(|_| {
        vec![(
            "settings".to_owned(),
            "the JSON Schema validator failed on this schema".to_owned(),
        )]
    });
    let compiled = problems.is_empty();
    for (path, message) in problems {
        // `type` keyword, not a setting that happens to be called "type".
        let fix = if path.ends_with(".type") && !path.ends_with(".properties.type") {
            "write one of the JSON types \"string\", \"number\", \"integer\", \"boolean\", \"array\", \"object\" or \"null\""
        } else {
            "correct this keyword following https://json-schema.org/understanding-json-schema"
        };
        report.error(
            path,
            ManifestErrorCode::InvalidSettingsSchema,
            format!("not a valid JSON Schema: {}", one_line(&message)),
            fix,
        );
    }
    compiled
}

/// A third-party message made safe for a one-line report.
fn one_line(message: &str) -> String {
    let flat: String = message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_MESSAGE_CHARS)
        .collect();
    if message.chars().count() > MAX_MESSAGE_CHARS {
        format!("{flat}…")
    } else {
        flat
    }
}

/// TOML → JSON. Date-times become strings; non-finite floats have no JSON form and are
/// reported.
fn to_json(report: &mut Report, value: &Value, path: &str) -> Option<Json> {
    Some(match value {
        Value::String(text) => Json::String(text.clone()),
        Value::Integer(number) => Json::from(*number),
        Value::Float(number) => match serde_json::Number::from_f64(*number) {
            Some(number) => Json::Number(number),
            None => {
                report.error(
                    path,
                    ManifestErrorCode::InvalidSettingsSchema,
                    format!("{number} cannot be represented in JSON"),
                    "write a finite number",
                );
                return None;
            }
        },
        Value::Boolean(flag) => Json::Bool(*flag),
        Value::Datetime(datetime) => Json::String(datetime.to_string()),
        Value::Array(items) => {
            let converted: Vec<Option<Json>> = items
                .iter()
                .enumerate()
                .map(|(index, item)| to_json(report, item, &index_path(path, index)))
                .collect();
            Json::Array(converted.into_iter().collect::<Option<_>>()?)
        }
        Value::Table(table) => {
            let converted: Vec<(String, Option<Json>)> = table
                .iter()
                .map(|(key, item)| (key.clone(), to_json(report, item, &key_path(path, key))))
                .collect();
            let mut object = serde_json::Map::new();
            for (key, item) in converted {
                object.insert(key, item?);
            }
            Json::Object(object)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Option<Json>, Vec<String>) {
        let root: Table = text.parse().unwrap();
        let mut report = Report::default();
        let schema = check(&mut report, &root);
        (
            schema,
            report.errors.iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn object_schema_passes_and_converts_to_json() {
        let (schema, errors) = run(
            "[settings]\ntype = \"object\"\nrequired = [\"color\"]\n[settings.properties.color]\ntype = \"string\"\ndefault = \"red\"\n[settings.properties.count]\ntype = \"integer\"\nminimum = 0",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let schema = schema.unwrap();
        assert_eq!(schema["properties"]["color"]["default"], "red");
        assert_eq!(schema["properties"]["count"]["minimum"], 0);
    }

    #[test]
    fn schema_without_type_is_refused() {
        let (_, errors) = run("[settings]\nproperties = {}");
        assert_eq!(
            errors,
            [
                "settings.type: the settings schema has no type (fix: add type = \"object\" under [settings])"
            ]
        );
    }

    #[test]
    fn non_object_schema_is_refused() {
        let (_, errors) = run("[settings]\ntype = \"string\"");
        assert!(
            errors[0].starts_with("settings.type: the settings schema must describe an object")
        );
    }

    #[test]
    fn invalid_keyword_is_reported_at_its_path() {
        let (_, errors) =
            run("[settings]\ntype = \"object\"\n[settings.properties.color]\ntype = \"colour\"");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with("settings.properties.color.type: not a valid JSON Schema"),
            "{errors:?}"
        );
    }

    #[test]
    fn unresolvable_reference_is_refused() {
        let (_, errors) = run("[settings]\ntype = \"object\"\n\"$ref\" = \"#/$defs/missing\"");
        assert_eq!(errors.len(), 1, "{errors:?}");
    }

    #[test]
    fn external_references_are_never_fetched() {
        for reference in ["https://example.com/schema.json", "file:///etc/passwd"] {
            let (schema, errors) = run(&format!(
                "[settings]\ntype = \"object\"\n[settings.properties.a]\n\"$ref\" = \"{reference}\""
            ));
            assert_eq!(schema, None, "{reference}");
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert!(
                errors[0].starts_with("settings: not a valid JSON Schema"),
                "{errors:?}"
            );
        }
    }

    #[test]
    fn remote_meta_schema_is_refused() {
        let (_, errors) =
            run("[settings]\ntype = \"object\"\n\"$schema\" = \"https://example.com/schema\"");
        assert!(
            errors[0].starts_with("settings.\"$schema\": names a meta-schema"),
            "{errors:?}"
        );
    }

    #[test]
    fn non_finite_numbers_are_refused() {
        let (_, errors) = run("[settings]\ntype = \"object\"\nmaximum = inf");
        assert!(
            errors[0].starts_with("settings.maximum: inf cannot be represented in JSON"),
            "{errors:?}"
        );
    }

    #[test]
    fn settings_must_be_a_table() {
        let (_, errors) = run("settings = \"none\"");
        assert!(errors[0].starts_with("settings: expected a table, found a string"));
    }
}
