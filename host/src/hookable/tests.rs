use modgate_manifest::{HookWhen, Manifest};

use super::*;

fn shop() -> HookableEntities {
    HookableEntities::new()
        .register(
            HookableEntity::new("product")
                .field("id", FieldType::STRING)
                .adjustable("average_rating", FieldType::NUMBER.or_null())
                .hookable_at([HookWhen::AfterRead, HookWhen::BeforeUpdate]),
        )
        .unwrap()
        .register(HookableEntity::new("order").field("id", FieldType::STRING).action("gift-wrap"))
        .unwrap()
}

fn manifest(hooks: &str) -> Manifest {
    let text = format!("name = \"m\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n{hooks}");
    modgate_manifest::verify_manifest(&text, &crate::CORE_VERSION).expect("valid manifest").manifest
}

#[test]
fn hooks_on_hookable_moments_pass() {
    let m = manifest(
        "[[hooks]]\nentity = \"product\"\nwhen = \"after-read\"\n[[hooks]]\nentity = \"order\"\nwhen = \"on-action\"\naction = \"gift-wrap\"",
    );
    assert_eq!(shop().unhookable(&m), Vec::<String>::new());
}

#[test]
fn an_unknown_entity_names_the_hookable_ones() {
    let m = manifest("[[hooks]]\nentity = \"cart\"\nwhen = \"before-create\"");
    assert_eq!(
        shop().unhookable(&m),
        ["before-create cart: the host has no hookable entity \"cart\" (fix: hook one of the entities this host makes hookable: order, product)"]
    );
}

#[test]
fn a_moment_or_action_not_offered_names_the_offered_ones() {
    let m = manifest(
        "[[hooks]]\nentity = \"product\"\nwhen = \"before-delete\"\n[[hooks]]\nentity = \"order\"\nwhen = \"on-action\"\naction = \"refund\"",
    );
    assert_eq!(
        shop().unhookable(&m),
        [
            "before-delete product: product cannot be hooked before-delete (fix: hook it at one of: before-update, after-read)",
            "on-action order refund: order cannot be hooked on-action refund (fix: hook it at one of: on-action (gift-wrap))",
        ]
    );
}

#[test]
fn nothing_hookable_says_so() {
    let m = manifest("[[hooks]]\nentity = \"product\"\nwhen = \"after-read\"");
    assert!(HookableEntities::new().unhookable(&m)[0].contains("this host makes no entity hookable"));
}

#[test]
fn malformed_registrations_are_refused() {
    let refused = |entity: HookableEntity| HookableEntities::new().register(entity).unwrap_err();
    assert_eq!(refused(HookableEntity::new("Product").hookable_at([HookWhen::AfterRead])).code(), "invalid-entity");
    assert!(refused(HookableEntity::new("product")).problem.contains("no hookable moment"));
    let bad_field = refused(HookableEntity::new("product").field("price-cents", FieldType::INTEGER).hookable_at([HookWhen::AfterRead]));
    assert!(bad_field.problem.contains("field \"price-cents\""), "{bad_field}");
    let bad_action = refused(HookableEntity::new("order").action("Gift Wrap"));
    assert!(bad_action.problem.contains("action \"Gift Wrap\""), "{bad_action}");
    let no_action = refused(HookableEntity::new("order").hookable_at([HookWhen::OnAction]));
    assert!(no_action.problem.contains("names no action"), "{no_action}");
    let twice = shop().register(HookableEntity::new("product").action("x")).unwrap_err();
    assert!(twice.problem.contains("registered twice"));
}

#[test]
fn the_registry_survives_a_round_trip_through_json() {
    let text = serde_json::to_string(&shop()).unwrap();
    assert_eq!(serde_json::from_str::<HookableEntities>(&text).unwrap(), shop());
}
