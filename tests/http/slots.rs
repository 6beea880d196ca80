//! Slots over HTTP: widgets are validated before they are served; markup,
//! script and links outside the module's mount are refused.

use modgate_artifacts::{WISHLIST, WISHLIST_DIR};
use modgate_host::http::widgets::WidgetDescriptor;
use modgate_manifest::Slot;
use modgate_tests::acme;
use modgate_tests::http::json;

use super::probe_harness;

async fn badges(h: &modgate_tests::http::HttpHarness, product: &str) -> serde_json::Value {
    let url = h.url(&format!("/slots/product-card.badges?product={product}"));
    let (status, headers, body) = json(h.client.get(url).send().await.unwrap()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    body
}

#[test]
fn valid_widgets_are_served_as_json() {
    modgate_tests::run(async {
        let h = probe_harness().await;
        let body = badges(&h, "p-1").await;
        assert_eq!(body["slot"], "product-card.badges");
        let modules = body["modules"].as_array().unwrap();
        assert_eq!(modules.len(), 1);
        assert_eq!(modules[0]["module"], "http-probe");
        assert_eq!(modules[0]["widgets"][0]["type"], "toggle-button");
        assert_eq!(modules[0]["widgets"][0]["action"], "/modules/http-probe/save/p-1");
    });
}

#[test]
fn markup_script_and_foreign_links_are_refused() {
    modgate_tests::run(async {
        let h = probe_harness().await;
        for product in ["html", "script", "outside", "other-module"] {
            let body = badges(&h, product).await;
            assert_eq!(body["modules"], serde_json::json!([]), "{product}: nothing from the module is served");
        }
        let log = h.lifecycle.module(&acme(), "http-probe").unwrap().log().lines();
        for code in ["widget-markup", "widget-outside-mount"] {
            assert!(log.iter().any(|line| line.message.contains(code)), "the module log names {code}");
        }
    });
}

#[test]
fn unknown_slots_answer_404_and_undeclared_slots_are_not_rendered() {
    modgate_tests::run(async {
        let h = probe_harness().await;
        let response = h.client.get(h.url("/slots/admin.sidebar")).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 404);
        // The probe exports slot-provider but declares only product-card.badges.
        let response = h.client.get(h.url("/slots/product-card.actions?product=p-1")).send().await.unwrap();
        let (_, _, body) = json(response).await;
        assert_eq!(body["modules"], serde_json::json!([]));
    });
}

#[test]
fn the_wishlist_toggle_reflects_the_verified_customer() {
    modgate_tests::run(async {
        let h = modgate_tests::http::http_harness(modgate_tests::http::test_http_config()).await;
        let manifest = std::fs::read_to_string(format!("{WISHLIST_DIR}/module.toml")).unwrap();
        h.install(&acme(), &manifest, WISHLIST).await;
        h.approve_all(&acme(), "wishlist").await;
        let token = h.token("acme", "cu-1");
        let added = h.client.post(h.url("/modules/wishlist/items/p-1")).bearer_auth(&token).send().await.unwrap();
        assert_eq!(added.status().as_u16(), 200);
        let widgets = |customer: Option<&'static str>| {
            let bridge = h.bridge.clone();
            async move {
                bridge
                    .slot_widgets(&acme(), Slot::ProductCardActions, Some("p-1"), customer)
                    .await
            }
        };
        let signed_in = widgets(Some("cu-1")).await;
        assert_eq!(signed_in.len(), 1);
        match &signed_in[0].widgets[0] {
            WidgetDescriptor::ToggleButton { active, action, .. } => {
                assert!(active);
                assert_eq!(action, "/modules/wishlist/items/p-1/toggle");
            }
            other => panic!("expected a toggle, got {other:?}"),
        }
        let other = widgets(Some("cu-2")).await;
        assert!(matches!(other[0].widgets[0], WidgetDescriptor::ToggleButton { active: false, .. }));
    });
}
