//! Refusals with their stable codes: a module hooking what the integrator
//! did not make hookable (`not-hookable`, at install, from any process),
//! an approval of an undeclared hook (`unknown-hook`), and the integrator's
//! own mistakes (`not-registered`, `invalid-record`, `invalid-entity`).

use modgate_host::hookable::{FieldType, HookableEntities, HookableEntity};
use modgate_host::hooks::{HookConfig, HookTarget};
use modgate_host::lifecycle::{HookSelection, InstallRequest};
use modgate_host::manifest::HookWhen;
use modgate_tests::{Lang, TestHost, acme, on_both_backends, source};
use serde_json::json;

use super::support::{conformance_manifest, install, start_hooks};

fn hooking(hooks: &str) -> String {
    format!("name = \"conformance\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n{hooks}")
}

modgate_tests::in_every_language! {
    on_both_backends:
    hooks_on_what_the_integrator_does_not_offer_are_refused_at_install => hooks_on_what_the_integrator_does_not_offer_are_refused_at_install,
}

async fn hooks_on_what_the_integrator_does_not_offer_are_refused_at_install(host: TestHost, lang: Lang) {
    let install_error = async |manifest: String| {
        host.lifecycle
            .install(InstallRequest::new(source(&manifest, lang.component("conformance-hooks")), acme()))
            .await
            .unwrap_err()
    };
    // Before any integrator published its entities, nothing is hookable.
    let error = install_error(conformance_manifest("conformance")).await;
    assert_eq!(error.code(), "not-hookable");
    assert!(error.to_string().contains("this host makes no entity hookable"), "{error}");

    let _hooks = start_hooks(&host, HookConfig::default()).await;
    let error = install_error(hooking("[[hooks]]\nentity = \"cart\"\nwhen = \"before-create\"")).await;
    assert_eq!(error.code(), "not-hookable");
    assert!(error.to_string().contains("before-create cart: the host has no hookable entity \"cart\" (fix: hook one of the entities this host makes hookable: item)"), "{error}");
    let error = install_error(hooking("[[hooks]]\nentity = \"item\"\nwhen = \"on-action\"\naction = \"refund\"")).await;
    assert!(error.to_string().contains("item cannot be hooked on-action refund (fix: hook it at one of:"), "{error}");
    assert!(host.lifecycle.list(None).await.unwrap().is_empty(), "nothing was installed");

    // The same module hooking what is offered installs; approving an
    // undeclared hook is refused.
    install(&host, &acme(), &conformance_manifest("conformance"), lang.component("conformance-hooks")).await;
    let error = host
        .lifecycle
        .approve_hooks(&acme(), "conformance", &HookSelection::Only(vec!["before-create cart".into()]), "op")
        .await
        .unwrap_err();
    assert_eq!(error.code(), "unknown-hook");
    assert!(error.to_string().contains("declared hooks: before-create item,"), "{error}");
}

on_both_backends! {
    async fn the_integrators_mistakes_are_typed_errors(host) {
        let hooks = start_hooks(&host, HookConfig::default()).await;
        let tenant = acme();
        let error = hooks.before_create(&HookTarget::new(&tenant, "cart"), json!({})).await.unwrap_err();
        assert_eq!(error.code(), "not-registered");
        let error = hooks.on_action(&HookTarget::new(&tenant, "item"), "refund", json!({})).await.unwrap_err();
        assert_eq!((error.code(), error.to_string().contains("on-action refund")), ("not-registered", true));
        let error = hooks.before_create(&HookTarget::new(&tenant, "item"), json!(["not", "an", "object"])).await.unwrap_err();
        assert_eq!(error.code(), "invalid-record");
        let error = hooks.after_read(&HookTarget::new(&tenant, "item"), vec![json!({ "quantity": "3" })]).await.unwrap_err();
        assert_eq!(error.code(), "invalid-record");
        assert!(error.to_string().contains("field quantity is a string, registered as an integer"), "{error}");

        let invalid = HookableEntities::new()
            .register(HookableEntity::new("item").field("price-cents", FieldType::INTEGER).hookable_at([HookWhen::AfterRead]))
            .unwrap_err();
        assert_eq!(invalid.code(), "invalid-entity");
    }
}
