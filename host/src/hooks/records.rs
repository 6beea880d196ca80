//! Records between the integrator and a hook: checking what the integrator
//! passes, the view a hook gets (only the fields it may read), and checking
//! and applying the changes a hook asks for (only the fields it may adjust,
//! with their types).

use serde_json::{Map, Value};

use super::report::DroppedChange;
use crate::bindings::exports::modgate::host::hook_handler::RecordChange;
use crate::hookable::{FieldAccess, HookableEntity};

/// Checks that `record` is an object whose hookable fields have their
/// registered types (absent fields are fine: hooks see them absent).
pub(crate) fn check_record(entity: &HookableEntity, record: &Value) -> Result<(), String> {
    let Value::Object(fields) = record else {
        return Err(format!("is {}, not a JSON object", kind_of(record)));
    };
    for (name, field) in entity.fields() {
        if let Some(value) = fields.get(name)
            && !field.field_type.admits(value)
        {
            return Err(format!("field {name} is {}, registered as {}", kind_of(value), field.field_type));
        }
    }
    Ok(())
}

/// The JSON text a hook gets: only the fields it may read.
pub(crate) fn hook_view(entity: &HookableEntity, record: &Value) -> String {
    let mut view = Map::new();
    if let Value::Object(fields) = record {
        for (name, _) in entity.fields() {
            if let Some(value) = fields.get(name) {
                view.insert(name.to_owned(), value.clone());
            }
        }
    }
    Value::Object(view).to_string()
}

/// The changes of one hook's outcome that will be applied, and those dropped.
#[derive(Debug, Default)]
pub(crate) struct CheckedChanges {
    /// (record index, field, new value), in the hook's order.
    pub apply: Vec<(usize, String, Value)>,
    /// Changes to fields hooks may not adjust, or made where adjusting is
    /// not possible.
    pub dropped: Vec<DroppedChange>,
}

impl CheckedChanges {
    /// The fields changed, once each, in order.
    pub fn fields(&self) -> Vec<String> {
        let mut fields: Vec<String> = Vec::new();
        for (_, field, _) in &self.apply {
            if !fields.contains(field) {
                fields.push(field.clone());
            }
        }
        fields
    }
}

/// Checks a hook's changes to `count` records. Unknown and read-only fields,
/// and every change when `adjusting` is not possible at this moment (`why`),
/// are dropped; an index out of range, a value that is not JSON or one of
/// the wrong type makes the whole outcome invalid (`Err`, for the
/// `invalid` code): nothing of it is applied.
pub(crate) fn check_changes(
    entity: &HookableEntity,
    changes: Vec<RecordChange>,
    count: usize,
    adjusting: Result<(), &str>,
) -> Result<CheckedChanges, String> {
    let mut checked = CheckedChanges::default();
    for change in changes {
        let index = change.index as usize;
        if index >= count {
            return Err(format!("changes record {index}, but the call had {count}"));
        }
        for field_change in change.changes {
            let drop = |reason: String| DroppedChange {
                index,
                field: field_change.field.clone(),
                reason,
            };
            if let Err(why) = adjusting {
                checked.dropped.push(drop(why.to_owned()));
                continue;
            }
            let Some(field) = entity.field_named(&field_change.field) else {
                checked.dropped.push(drop(format!("{} has no hookable field of that name", entity.name())));
                continue;
            };
            if field.access != FieldAccess::Adjust {
                checked.dropped.push(drop("the field is read-only for hooks".into()));
                continue;
            }
            let value: Value = serde_json::from_str(&field_change.value).map_err(|e| {
                format!("the value of {} is not JSON ({e})", field_change.field)
            })?;
            if !field.field_type.admits(&value) {
                return Err(format!(
                    "the value of {} is {}, but the field is {}",
                    field_change.field,
                    kind_of(&value),
                    field.field_type
                ));
            }
            checked.apply.push((index, field_change.field, value));
        }
    }
    Ok(checked)
}

/// Applies checked changes (the records are objects: `check_record`).
pub(crate) fn apply(records: &mut [Value], changes: CheckedChanges) {
    for (index, field, value) in changes.apply {
        if let Some(Value::Object(fields)) = records.get_mut(index) {
            fields.insert(field, value);
        }
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
