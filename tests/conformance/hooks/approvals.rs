//! Hooks start unapproved and are skipped; the operator approves them per
//! module and tenant; a new version revokes them; a revocation stops them.

use modgate_host::hooks::{HookConfig, HookTarget};
use modgate_host::lifecycle::HookSelection;
use modgate_tests::{Lang, TestHost};

use super::support::{ACME, GLOBEX, conformance_manifest, install, item, start_hooks};

modgate_tests::in_every_language! {
    on_both_backends:
    unapproved_hooks_are_skipped_until_approved_and_a_new_version_revokes_them => unapproved_hooks_are_skipped_until_approved_and_a_new_version_revokes_them,
}

async fn unapproved_hooks_are_skipped_until_approved_and_a_new_version_revokes_them(host: TestHost, lang: Lang) {
    let hooks = start_hooks(&host, HookConfig::default()).await;
    let manifest = conformance_manifest("conformance");
    install(&host, &ACME, &manifest, lang.component("conformance-hooks")).await;
    install(&host, &GLOBEX, &manifest, lang.component("conformance-hooks")).await;
    let title_after_create = async |tenant| {
        let decision = hooks.before_create(&HookTarget::new(tenant, "item"), item("i-1", "hello", "")).await.unwrap();
        (decision.report().runs.len(), decision.into_result().unwrap()["title"].clone())
    };
    assert_eq!(title_after_create(&ACME).await, (0, "hello".into()), "unapproved: not called");

    let approved = host
        .lifecycle
        .approve_hooks(&ACME, "conformance", &HookSelection::Only(vec!["before-create   item".into()]), "op")
        .await
        .unwrap();
    assert_eq!(approved, ["before-create item"]);
    assert_eq!(title_after_create(&ACME).await, (1, "HELLO".into()));
    assert_eq!(title_after_create(&GLOBEX).await, (0, "hello".into()), "approved for acme only");
    let target = HookTarget::new(&ACME, "item");
    let deleting = hooks.before_delete(&target, item("i-1", "x", "")).await.unwrap();
    assert!(deleting.report().runs.is_empty(), "only the approved hook runs");

    let status = host.lifecycle.show(&ACME, "conformance").await.unwrap();
    let listed: Vec<(&str, bool)> = status.hooks.iter().map(|h| (h.hook.as_str(), h.approved)).collect();
    assert_eq!(listed[0], ("before-create item", true));
    assert!(listed[1..].iter().all(|(_, approved)| !approved), "{listed:?}");

    // A new version starts unapproved.
    install(&host, &ACME, &manifest.replace("1.0.0", "1.1.0"), lang.component("conformance-hooks")).await;
    assert_eq!(title_after_create(&ACME).await, (0, "hello".into()), "the upgrade revoked the approval");

    host.lifecycle.approve_hooks(&ACME, "conformance", &HookSelection::All, "op").await.unwrap();
    assert_eq!(title_after_create(&ACME).await.0, 1);
    let revoked = host.lifecycle.revoke_hooks(&ACME, "conformance", &HookSelection::All).await.unwrap();
    assert_eq!(revoked.len(), 8);
    let decision = hooks.before_create(&target, item("i-1", "hello", "")).await.unwrap();
    assert!(decision.report().runs.is_empty(), "revoked: not called");
}
