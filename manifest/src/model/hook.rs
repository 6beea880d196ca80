//! Hooks on core entities. They start unapproved and follow the operator's allowlist.

use serde::Serialize;

use crate::catalog::closed_enum;

/// A `[[hooks]]` entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HookDecl {
    /// The core entity the hook watches.
    pub entity: HookEntity,
    /// When the hook runs.
    pub when: HookWhen,
    /// The action slug, present exactly when `when` is `on-action`.
    pub action: Option<String>,
}

closed_enum! {
    /// Core entities a hook may attach to.
    pub enum HookEntity ("hook entity") {
        /// A product.
        Product => "product",
        /// A category.
        Category => "category",
        /// A customer.
        Customer => "customer",
        /// An order.
        Order => "order",
    }
}

closed_enum! {
    /// The moment a hook runs.
    pub enum HookWhen ("hook moment") {
        /// Before an entity is created; may reject or adjust known fields.
        BeforeCreate => "before-create",
        /// Before an entity is updated; may reject or adjust known fields.
        BeforeUpdate => "before-update",
        /// Before an entity is deleted; may reject.
        BeforeDelete => "before-delete",
        /// After an entity is read; may adjust the result.
        AfterRead => "after-read",
        /// When a named custom action is triggered on an entity.
        OnAction => "on-action",
    }
}
