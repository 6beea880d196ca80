//! What the storefront lets modules hook, and the records it hands them.
//!
//! Two entities: a `review` a customer posts (modules may check it before
//! it is written, adjust its `body`, and hear about it once committed) and a
//! `product` as the page lists it (modules may fill the virtual
//! `average_rating` and `review_count` the shop does not compute itself).
//! Hooks see only the fields registered here: a product's cost, supplier or
//! stock never reach a module through a hook.

use modgate_host::hookable::{FieldType, HookableEntities, HookableEntity, InvalidEntity};
use modgate_manifest::HookWhen;
use serde_json::{Value, json};

use crate::catalog::ShopProduct;

/// The entity of a customer's review of a product.
pub const REVIEW: &str = "review";
/// The entity of a product as the storefront page lists it.
pub const PRODUCT: &str = "product";

/// The storefront's hookable entities.
pub fn entities() -> Result<HookableEntities, InvalidEntity> {
    HookableEntities::new()
        .register(
            HookableEntity::new(REVIEW)
                .field("id", FieldType::STRING)
                .field("product_id", FieldType::STRING)
                .field("rating", FieldType::INTEGER)
                .field("author", FieldType::STRING)
                // A moderation module may tidy the text (the shop checks it
                // again before writing); everything else is the shop's.
                .adjustable("body", FieldType::STRING)
                .hookable_at([HookWhen::BeforeCreate, HookWhen::AfterCreate]),
        )?
        .register(
            HookableEntity::new(PRODUCT)
                .field("id", FieldType::STRING)
                .field("name", FieldType::STRING)
                .field("price_minor", FieldType::INTEGER)
                // Virtual: no column holds them; a reviews module fills them
                // on the rows the page reads.
                .adjustable("average_rating", FieldType::NUMBER.or_null())
                .adjustable("review_count", FieldType::INTEGER)
                .hookable_at([HookWhen::AfterRead]),
        )
}

/// The `product` record hooks see for a product on the page. The virtual
/// fields are left out: absent after the hooks ran means no module filled
/// them, and the page then shows no rating at all.
pub fn product_record(product: &ShopProduct) -> Value {
    json!({ "id": product.id, "name": product.name, "price_minor": product.price_minor })
}

/// A product's rating as modules filled it in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rating {
    /// Mean of the ratings, `None` without reviews.
    pub average: Option<f64>,
    /// How many reviews.
    pub count: i64,
}

impl Rating {
    /// The rating in a `product` record after the `after-read` hooks, if a
    /// module filled in the count (the host checked both fields' types).
    pub fn of(record: &Value) -> Option<Rating> {
        Some(Rating {
            count: record.get("review_count")?.as_i64()?,
            average: record.get("average_rating").and_then(Value::as_f64),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_entities_register() {
        let entities = entities().expect("valid registrations");
        assert!(
            entities
                .get(REVIEW)
                .unwrap()
                .is_hookable(HookWhen::BeforeCreate, None)
        );
        assert!(
            entities
                .get(PRODUCT)
                .unwrap()
                .is_hookable(HookWhen::AfterRead, None)
        );
        assert!(
            !entities
                .get(PRODUCT)
                .unwrap()
                .is_hookable(HookWhen::BeforeCreate, None)
        );
    }

    #[test]
    fn a_rating_needs_the_count_a_module_filled() {
        assert_eq!(Rating::of(&json!({ "id": "x" })), None);
        assert_eq!(
            Rating::of(&json!({ "review_count": 0, "average_rating": null })),
            Some(Rating {
                average: None,
                count: 0
            })
        );
        assert_eq!(
            Rating::of(&json!({ "review_count": 2, "average_rating": 4.5 })),
            Some(Rating {
                average: Some(4.5),
                count: 2
            })
        );
    }
}
