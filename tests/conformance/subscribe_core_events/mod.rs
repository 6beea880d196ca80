//! World `modgate:commerce/subscribe-core-events`: every curated core event
//! reaches the handler typed, with its envelope, on both tenants; the
//! handler's own checks (ids, ISO 4217 currencies, the tenant it is told)
//! pass. The same component without the permission is refused at install.

use modgate_host::bindings::exports::modgate::commerce::core_event_handler::CoreEvent as DeliveredCoreEvent;
use modgate_host::engine::{ErrorCode, Extensions, InstallSettings, InvocationError, LoadError};
use modgate_host::events::{Amount, CoreEvent};
use modgate_host::verify::ProblemCode;
use modgate_tests::{Lang, acme, globex, load, manifest, manifest_from};

use super::subscribe_events::COMPONENT;

modgate_tests::in_every_language! {
    conformance_subscribe_core_events => granted,
    conformance_subscribe_core_events_no_permission => without_the_permission,
}

const MANIFEST: &str = "name = \"conformance\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\npermissions = [\"subscribe:events\"]\nsubscriptions = [\"order.paid\", \"mod.emitter.ping\"]\n";

fn every_core_event() -> Vec<CoreEvent> {
    let eur = |n| Amount::new(n, "EUR");
    vec![
        CoreEvent::OrderCreated { order_id: "o-1".into(), customer_id: "c-1".into(), total: eur(1250) },
        CoreEvent::OrderPaid { order_id: "o-1".into(), customer_id: "c-1".into(), total: eur(1250) },
        CoreEvent::OrderCancelled { order_id: "o-1".into(), customer_id: "c-1".into() },
        CoreEvent::ProductCreated { product_id: "p-1".into() },
        CoreEvent::ProductUpdated { product_id: "p-1".into() },
        CoreEvent::ProductDeleted { product_id: "p-1".into() },
        CoreEvent::ProductPriceChanged { product_id: "p-1".into(), previous: eur(1250), current: eur(990) },
        CoreEvent::ProductStockChanged { product_id: "p-1".into(), previous: 3, current: 0 },
        CoreEvent::CustomerCreated { customer_id: "c-1".into() },
    ]
}

fn delivered(tenant: &str, event: &CoreEvent) -> DeliveredCoreEvent {
    DeliveredCoreEvent {
        id: "01JDXS7Q4M3T5V8W9X0Y1Z2A3B".into(),
        tenant: tenant.into(),
        occurred_at: "2026-11-30T19:30:00.123Z".into(),
        payload: event.to_contract(),
    }
}

fn granted(lang: Lang) {
    let engine = lang.engine();
    let module = load(&engine, manifest_from(MANIFEST), lang.component(COMPONENT)).expect("loads with the permission");
    modgate_tests::run(async {
        for tenant in [acme(), globex()] {
            let settings = Extensions::new().with(InstallSettings::new(format!("{{\"expect\":\"tenant={tenant}\"}}")));
            for event in every_core_event() {
                if let Err(e) = module.handle_core_event(&tenant, &delivered(tenant.as_str(), &event), &settings).await {
                    panic!("conformance failed for tenant {tenant}, {}: {e}", event.name());
                }
            }
            let other = if tenant == acme() { "globex" } else { "acme" };
            let crossed = module
                .handle_core_event(&tenant, &delivered(other, &every_core_event()[1]), &settings)
                .await
                .unwrap_err();
            assert!(matches!(crossed, InvocationError::Guest { code: ErrorCode::HandlerError, .. }), "{crossed}");
        }
    });
}

fn without_the_permission(lang: Lang) {
    let refused = load(&lang.engine(), manifest("conformance", &[]), lang.component(COMPONENT)).expect_err("refused");
    let LoadError::Refused { report, .. } = refused else { panic!("expected a refusal, got {refused}") };
    let problem = report
        .problems
        .iter()
        .find(|p| p.code == ProblemCode::ExportNeedsPermission && p.subject.starts_with("modgate:commerce/core-event-handler"))
        .unwrap_or_else(|| panic!("no export-needs-permission for the core handler in {:?}", report.problems));
    assert!(problem.fix.contains("add \"subscribe:events\""), "{problem}");
}
