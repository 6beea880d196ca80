//! The integrator's hookable entities: which of its records modules may
//! hook, at which moments, and which fields a hook may read or adjust.
//!
//! The integrator registers them once ([`HookableEntities`]); the hook
//! dispatcher (`crate::hooks`) publishes them to the database so that every
//! process that installs modules — the CLI too — refuses a module whose
//! `[[hooks]]` name an entity, moment or action the integrator did not make
//! hookable ([`HookableEntities::unhookable`]).

mod entity;
mod field_type;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use modgate_manifest::{HookDecl, HookWhen, Manifest, check_slug};
use serde::{Deserialize, Serialize};

pub use entity::{FieldAccess, HookField, HookableEntity};
pub use field_type::{FieldType, JsonKind};

/// Longest entity, field or action name.
const MAX_NAME_CHARS: usize = 64;

/// The integrator's hookable entities, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct HookableEntities {
    entities: BTreeMap<String, HookableEntity>,
}

/// An entity the integrator tried to register is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("hookable entity {entity:?}: {problem} (fix: {fix})")]
pub struct InvalidEntity {
    /// The entity's name as given.
    pub entity: String,
    /// What is wrong.
    pub problem: String,
    /// How to fix it.
    pub fix: String,
}

impl InvalidEntity {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        "invalid-entity"
    }
}

impl HookableEntities {
    /// No entity is hookable.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `entity` after checking it: slug names (entity, fields,
    /// actions), at least one moment, not registered twice.
    pub fn register(mut self, entity: HookableEntity) -> Result<Self, InvalidEntity> {
        let invalid = |problem: String, fix: &str| InvalidEntity {
            entity: entity.name.clone(),
            problem,
            fix: fix.to_owned(),
        };
        check_slug(&entity.name, MAX_NAME_CHARS)
            .map_err(|problem| invalid(format!("the name {problem}"), "name it like `product` or `gift-card`"))?;
        if self.entities.contains_key(&entity.name) {
            return Err(invalid("is registered twice".into(), "register each entity once"));
        }
        if entity.moments.contains(&HookWhen::OnAction) && entity.actions.is_empty() {
            return Err(invalid(
                "is hookable on-action but names no action".into(),
                "declare its actions with action(…) instead of hookable_at([OnAction])",
            ));
        }
        if entity.moments.is_empty() {
            return Err(invalid(
                "has no hookable moment".into(),
                "call hookable_at(…) with the moments modules may hook, or action(…)",
            ));
        }
        for name in entity.fields.keys() {
            check_field_name(name).map_err(|problem| {
                invalid(format!("field {name:?} {problem}"), "name fields with letters, digits and '_'")
            })?;
        }
        for action in &entity.actions {
            check_slug(action, MAX_NAME_CHARS)
                .map_err(|problem| invalid(format!("action {action:?} {problem}"), "name actions like `gift-wrap`"))?;
        }
        self.entities.insert(entity.name.clone(), entity);
        Ok(self)
    }

    /// The entity named `name`.
    pub fn get(&self, name: &str) -> Option<&HookableEntity> {
        self.entities.get(name)
    }

    /// Every entity, by name.
    pub fn iter(&self) -> impl Iterator<Item = &HookableEntity> {
        self.entities.values()
    }

    /// Whether nothing is hookable.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// The problems with `manifest`'s hooks: one line per hook on an
    /// entity, moment or action that is not hookable here, with the fix.
    pub fn unhookable(&self, manifest: &Manifest) -> Vec<String> {
        manifest.hooks.iter().filter_map(|hook| self.problem(hook)).collect()
    }

    fn problem(&self, hook: &HookDecl) -> Option<String> {
        let subject = hook.subject();
        let Some(entity) = self.get(&hook.entity) else {
            let known: Vec<&str> = self.entities.keys().map(String::as_str).collect();
            let fix = if known.is_empty() {
                "this host makes no entity hookable: remove the hook".to_owned()
            } else {
                format!("hook one of the entities this host makes hookable: {}", known.join(", "))
            };
            return Some(format!("{subject}: the host has no hookable entity {:?} (fix: {fix})", hook.entity));
        };
        if entity.is_hookable(hook.when, hook.action.as_deref()) {
            return None;
        }
        Some(format!(
            "{subject}: {} cannot be hooked {} (fix: hook it at one of: {})",
            entity.name,
            match &hook.action {
                Some(action) => format!("on-action {action}"),
                None => hook.when.to_string(),
            },
            entity.describe_moments()
        ))
    }
}

/// Field names are the integrator's record keys: ASCII letters, digits and
/// `_`, starting with a letter, so they read the same in every language.
fn check_field_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > MAX_NAME_CHARS {
        return Err(format!("must be 1 to {MAX_NAME_CHARS} characters"));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err("must start with a letter".into());
    }
    if name.chars().any(|c| !(c.is_ascii_alphanumeric() || c == '_')) {
        return Err("may hold only letters, digits and '_'".into());
    }
    Ok(())
}
