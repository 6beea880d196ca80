//! One entity the integrator makes hookable: its fields (with what a hook
//! may do with each), the moments hooks may run at and its actions.

use std::collections::{BTreeMap, BTreeSet};

use modgate_manifest::HookWhen;
use serde::{Deserialize, Serialize};

use super::FieldType;

/// What hooks may do with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FieldAccess {
    /// Hooks see it; an adjustment of it is dropped (and logged).
    Read,
    /// Hooks see it and may set it (values type-checked): a field the
    /// integrator lets modules fill, e.g. a virtual `average_rating`.
    Adjust,
}

/// A field hooks can see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookField {
    /// Its JSON type.
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// What hooks may do with it.
    pub access: FieldAccess,
}

/// An entity of the integrator's that modules may hook, e.g. `product`.
///
/// Fields not declared here never reach a hook; only [`FieldAccess::Adjust`]
/// fields can be changed by one. Built with the methods below and
/// registered in [`super::HookableEntities`], which checks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookableEntity {
    pub(super) name: String,
    pub(super) fields: BTreeMap<String, HookField>,
    pub(super) moments: BTreeSet<HookWhen>,
    pub(super) actions: BTreeSet<String>,
}

impl HookableEntity {
    /// An entity named `name` (a slug, as modules write it in `[[hooks]]`)
    /// with no fields and no moments yet.
    pub fn new(name: impl Into<String>) -> Self {
        HookableEntity {
            name: name.into(),
            fields: BTreeMap::new(),
            moments: BTreeSet::new(),
            actions: BTreeSet::new(),
        }
    }

    /// A field hooks may read.
    pub fn field(self, name: impl Into<String>, field_type: FieldType) -> Self {
        self.with_field(name, field_type, FieldAccess::Read)
    }

    /// A field hooks may read and adjust.
    pub fn adjustable(self, name: impl Into<String>, field_type: FieldType) -> Self {
        self.with_field(name, field_type, FieldAccess::Adjust)
    }

    fn with_field(mut self, name: impl Into<String>, field_type: FieldType, access: FieldAccess) -> Self {
        self.fields.insert(name.into(), HookField { field_type, access });
        self
    }

    /// Moments modules may hook. `on-action` comes with [`Self::action`].
    pub fn hookable_at(mut self, moments: impl IntoIterator<Item = HookWhen>) -> Self {
        self.moments.extend(moments);
        self
    }

    /// An action (a slug) the integrator carries out on records of this
    /// entity and lets `on-action` hooks allow, reject or adjust.
    pub fn action(mut self, name: impl Into<String>) -> Self {
        self.actions.insert(name.into());
        self.moments.insert(HookWhen::OnAction);
        self
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A field hooks can see, by name.
    pub fn field_named(&self, name: &str) -> Option<&HookField> {
        self.fields.get(name)
    }

    /// Every field hooks can see, by name.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &HookField)> {
        self.fields.iter().map(|(name, field)| (name.as_str(), field))
    }

    /// Whether modules may hook `when` (and, for `on-action`, `action`).
    pub fn is_hookable(&self, when: HookWhen, action: Option<&str>) -> bool {
        self.moments.contains(&when)
            && match (when, action) {
                (HookWhen::OnAction, Some(action)) => self.actions.contains(action),
                (HookWhen::OnAction, None) => false,
                _ => true,
            }
    }

    /// What modules may hook, as `modgate show` and refusals say it:
    /// `after-read, before-create, on-action (gift-wrap)`.
    pub fn describe_moments(&self) -> String {
        self.moments
            .iter()
            .map(|when| match when {
                HookWhen::OnAction => {
                    format!("on-action ({})", self.actions.iter().cloned().collect::<Vec<_>>().join(", "))
                }
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}
