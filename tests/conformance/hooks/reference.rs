//! The reviews reference module through the real hooks, on both backends:
//! its before-create hook refuses a banned word and tidies the text with no
//! data operation; its after-create hook keeps one copy of each review and
//! announces it once, however often it runs; its after-read hook fills the
//! products' ratings from one query per batch — for each tenant apart.

use modgate_artifacts::{REVIEWS, REVIEWS_DIR};
use modgate_host::hooks::{DataHooks, HookConfig, HookTarget};
use modgate_host::lifecycle::{HookSelection, InstallRequest};
use modgate_tests::{TestHost, on_both_backends, source};
use serde_json::{Value, json};

use super::support::{ACME, GLOBEX};
use crate::events::count;

fn review(id: &str, product: &str, rating: i64, body: &str) -> Value {
    json!({ "id": id, "product_id": product, "rating": rating, "author": "Ada L.", "body": body, "customer_id": "cu-ada" })
}

async fn installed(host: &TestHost) -> DataHooks {
    let config = HookConfig { refresh: std::time::Duration::ZERO, ..HookConfig::default() };
    // The entities exactly as the storefront registers them.
    let entities = storefront::hookable::entities().expect("valid");
    let hooks = DataHooks::start(host.lifecycle.clone(), entities, config).await.unwrap();
    let manifest = std::fs::read_to_string(format!("{REVIEWS_DIR}/module.toml")).unwrap();
    for tenant in [&*ACME, &*GLOBEX] {
        host.lifecycle.install(InstallRequest::new(source(&manifest, REVIEWS), tenant.clone())).await.unwrap();
        host.lifecycle.approve_hooks(tenant, "reviews", &HookSelection::All, "test").await.unwrap();
    }
    hooks
}

on_both_backends! {
    async fn the_reviews_module_moderates_records_and_rates(host) {
        let hooks = installed(&host).await;
        let reviews = HookTarget::new(&ACME, "review").for_customer("cu-ada");

        let refused = hooks.before_create(&reviews, review("r-0", "p-1", 5, "What a SCAM.")).await.unwrap();
        let rejection = refused.into_result().unwrap_err();
        assert_eq!((rejection.code(), rejection.module.as_str()), ("rejected", "reviews"));
        assert!(rejection.messages.iter().any(|m| m.contains("\"scam\"")), "{:?}", rejection.messages);

        let tidied = hooks.before_create(&reviews, review("r-1", "p-1", 5, "  Great   cup.  ")).await.unwrap();
        let record = tidied.into_result().unwrap();
        assert_eq!((record["body"].as_str(), record["customer_id"].as_str()), (Some("Great cup."), Some("cu-ada")));

        // Stored by the shop, then after-create — twice, as a retry would.
        for _ in 0..2 {
            let report = hooks.after_create(&reviews, &record).await.unwrap();
            assert_eq!(report.failures().count(), 0, "{report:?}");
        }
        hooks.after_create(&reviews, &review("r-2", "p-1", 4, "Fine.")).await.unwrap();
        let events = "SELECT count(*) FROM modgate_events WHERE tenant = ? AND name = 'mod.reviews.created'";
        assert_eq!(count(&host, events, vec!["acme".into()]).await, 2, "one announcement per review");

        let products = |tenant| HookTarget::new(tenant, "product");
        let rows = vec![json!({ "id": "p-1", "name": "Cup", "price_minor": 1250 }), json!({ "id": "p-2", "name": "Jug", "price_minor": 1990 })];
        let read = hooks.after_read(&products(&ACME), rows.clone()).await.unwrap();
        assert_eq!(read.report.failures().count(), 0, "{:?}", read.report);
        assert_eq!((read.rows[0]["average_rating"].as_f64(), read.rows[0]["review_count"].as_i64()), (Some(4.5), Some(2)));
        assert_eq!((read.rows[1]["average_rating"].clone(), read.rows[1]["review_count"].as_i64()), (Value::Null, Some(0)));
        let other = hooks.after_read(&products(&GLOBEX), rows).await.unwrap();
        assert_eq!(other.rows[0]["review_count"].as_i64(), Some(0), "globex sees none of acme's reviews");
    }
}
