//! Hooks on the host integrator's entities. They start unapproved, and the host refuses at
//! install a hook on an entity or moment its integrator did not make hookable.

use serde::Serialize;

use crate::catalog::closed_enum;

/// A `[[hooks]]` entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HookDecl {
    /// The entity the hook watches: a slug naming one of the host integrator's hookable
    /// entities (e.g. `product`). Which ones exist is the host's business, checked at install.
    pub entity: String,
    /// When the hook runs.
    pub when: HookWhen,
    /// The action slug, present exactly when `when` is `on-action`.
    pub action: Option<String>,
}

impl HookDecl {
    /// How operators name this hook: `before-create review`, `on-action order gift-wrap`.
    pub fn subject(&self) -> String {
        match &self.action {
            Some(action) => format!("{} {} {action}", self.when, self.entity),
            None => format!("{} {}", self.when, self.entity),
        }
    }
}

closed_enum! {
    /// The moment a hook runs.
    pub enum HookWhen ("hook moment") {
        /// Before a record is created; may reject or adjust adjustable fields.
        BeforeCreate => "before-create",
        /// Before a record is updated; may reject or adjust adjustable fields.
        BeforeUpdate => "before-update",
        /// Before a record is deleted; may reject.
        BeforeDelete => "before-delete",
        /// After a create committed; cannot change it.
        AfterCreate => "after-create",
        /// After an update committed; cannot change it.
        AfterUpdate => "after-update",
        /// After a delete committed; cannot change it.
        AfterDelete => "after-delete",
        /// After records are read; may adjust the results.
        AfterRead => "after-read",
        /// Before a named action of the integrator's is carried out; may reject or adjust.
        OnAction => "on-action",
    }
}

impl HookWhen {
    /// Whether the hook runs before the integrator's write or action, inside its transaction
    /// (no data operations; its decision counts).
    pub fn is_before(self) -> bool {
        matches!(
            self,
            HookWhen::BeforeCreate
                | HookWhen::BeforeUpdate
                | HookWhen::BeforeDelete
                | HookWhen::OnAction
        )
    }
}
