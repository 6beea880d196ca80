//! World `modgate:host/subscribe-events`: module events reach the handler
//! with their envelope (ULID id, `mod.<module>.<event>` name, the invoked
//! tenant, RFC 3339 UTC time) on both tenants; a scripted failure comes back
//! as the guest's `handler-error`. Refused at install: the handler without
//! the permission, the handler without subscriptions, subscriptions
//! without the permission.

use modgate_host::bindings::exports::modgate::host::event_handler::Event;
use modgate_host::engine::{ErrorCode, Extensions, InstallSettings, InvocationError, LoadError};
use modgate_host::manifest::ManifestErrorCode;
use modgate_host::verify::ProblemCode;
use modgate_tests::{Lang, acme, globex, load, manifest, manifest_from};

modgate_tests::in_every_language! {
    conformance_subscribe_events => granted,
    conformance_subscribe_events_no_permission => without_the_permission,
    a_handler_export_without_subscriptions_is_refused => without_subscriptions,
}

/// One component for both subscription worlds (`subscribe_core_events` uses it too).
pub const COMPONENT: &str = "conformance-subscribe-events";

const MANIFEST: &str = "name = \"conformance\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\npermissions = [\"subscribe:events\"]\nsubscriptions = [\"mod.emitter.ping\", \"order.paid\"]\n";

fn event(tenant: &str, payload: &str) -> Event {
    Event {
        id: "01JDXS7Q4M3T5V8W9X0Y1Z2A3B".into(),
        name: "mod.emitter.ping".into(),
        tenant: tenant.into(),
        occurred_at: "2026-11-30T19:30:00.123Z".into(),
        payload: payload.into(),
    }
}

fn granted(lang: Lang) {
    let engine = lang.engine();
    let module = load(&engine, manifest_from(MANIFEST), lang.component(COMPONENT)).expect("loads with the permission");
    modgate_tests::run(async {
        for tenant in [acme(), globex()] {
            let settings = Extensions::new().with(InstallSettings::new(format!("{{\"expect\":\"tenant={tenant}\"}}")));
            if let Err(e) = module.handle_module_event(&tenant, &event(tenant.as_str(), r#"{"n":1}"#), &settings).await {
                panic!("conformance failed for tenant {tenant}: {e}");
            }
            // The handler checks the tenant it is told against its own.
            let other = if tenant == acme() { "globex" } else { "acme" };
            let crossed = module.handle_module_event(&tenant, &event(other, "{}"), &settings).await.unwrap_err();
            assert!(matches!(crossed, InvocationError::Guest { code: ErrorCode::HandlerError, .. }), "{crossed}");
            let failed = module.handle_module_event(&tenant, &event(tenant.as_str(), r#"{"fail":true}"#), &settings).await.unwrap_err();
            assert!(matches!(failed, InvocationError::Guest { code: ErrorCode::HandlerError, .. }), "{failed}");
        }
    });
}

fn without_the_permission(lang: Lang) {
    let refused = load(&lang.engine(), manifest("conformance", &[]), lang.component(COMPONENT)).expect_err("refused");
    let LoadError::Refused { report, .. } = refused else { panic!("expected a refusal, got {refused}") };
    let problem = report
        .problems
        .iter()
        .find(|p| p.code == ProblemCode::ExportNeedsPermission && p.subject.starts_with("modgate:host/event-handler"))
        .unwrap_or_else(|| panic!("no export-needs-permission for the handler in {:?}", report.problems));
    assert!(problem.fix.contains("add \"subscribe:events\""), "{problem}");
}

fn without_subscriptions(lang: Lang) {
    let refused = load(&lang.engine(), manifest("conformance", &["subscribe:events"]), lang.component(COMPONENT))
        .expect_err("refused");
    let LoadError::Refused { report, .. } = refused else { panic!("expected a refusal, got {refused}") };
    let handlers: Vec<&str> = report
        .problems
        .iter()
        .filter(|p| p.code == ProblemCode::HandlerWithoutSubscriptions)
        .map(|p| p.subject.as_str())
        .collect();
    assert_eq!(handlers, ["modgate:commerce/core-event-handler", "modgate:host/event-handler"], "{:?}", report.problems);
}

#[test]
fn subscribing_without_the_permission_is_refused_by_the_manifest() {
    let text = "name = \"conformance\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\nsubscriptions = [\"order.paid\"]\n";
    let errors = modgate_host::manifest::verify_manifest(text, &modgate_host::CORE_VERSION).unwrap_err();
    assert!(errors.codes().contains(&ManifestErrorCode::PermissionRequired), "{errors}");
    for (name, why) in [("mod.Bad.x", "module name not a slug"), ("order.refunded", "unknown core event"), ("mod.a.b.c", "too many parts")] {
        let text = format!("name = \"conformance\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\npermissions = [\"subscribe:events\"]\nsubscriptions = [\"{name}\"]\n");
        let errors = modgate_host::manifest::verify_manifest(&text, &modgate_host::CORE_VERSION).unwrap_err();
        let first = errors.0.first().expect("an error");
        assert_eq!(first.code, ManifestErrorCode::InvalidSubscription, "{why}");
        assert!(!first.fix.is_empty(), "every refusal says how to fix it");
    }
}
