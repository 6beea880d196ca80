//! World `modgate:host/slots`: a component exporting `slot-provider` for a
//! declared slot renders typed widgets for each tenant, with the product
//! and the verified customer handed over. The twin declares a slot without
//! the export and is refused at install.

use modgate_host::lifecycle::InstallRequest;
use modgate_tests::http::{GLOBEX_HOST, http_harness_with, json, test_http_config};
use modgate_tests::{Lang, acme, globex, source};

modgate_tests::in_every_language! {
    conformance_slots => a_declared_slot_renders_typed_widgets,
    conformance_slots_no_export => slots_without_the_export_are_refused,
}

const MANIFEST: &str = r#"
name = "conformance"
version = "1.0.0"
compatible-core = "^1.0"
slots = ["product-page.details"]
"#;

fn a_declared_slot_renders_typed_widgets(lang: Lang) {
    modgate_tests::run(async {
        let h = http_harness_with(test_http_config(), lang.engine_config()).await;
        for (tenant, host) in [(acme(), None), (globex(), Some(GLOBEX_HOST))] {
            h.install(&tenant, MANIFEST, lang.component("conformance-slots")).await;
            let token = h.token(tenant.as_str(), "cu-9");
            let mut request = h
                .client
                .get(h.url("/slots/product-page.details?product=p-7"))
                .bearer_auth(&token);
            if let Some(host) = host {
                request = request.header("host", host);
            }
            let (status, _, body) = json(request.send().await.unwrap()).await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(
                body,
                serde_json::json!({ "slot": "product-page.details", "modules": [{ "module": "conformance", "widgets": [
                    { "type": "toggle-button", "label": "Follow", "active-label": "Following", "active": true, "action": "/modules/conformance/follow/p-7" },
                    { "type": "badge", "text": "slot product-page.details", "tone": "info" },
                    { "type": "text", "text": "for cu-9" },
                    { "type": "link", "label": "Details", "href": "/modules/conformance/about?product=p-7" },
                ]}]})
            );
        }
    });
}

fn slots_without_the_export_are_refused(lang: Lang) {
    modgate_tests::run(async {
        let h = http_harness_with(test_http_config(), lang.engine_config()).await;
        let error = h
            .lifecycle
            .install(InstallRequest::new(source(MANIFEST, lang.component("conformance-base")), acme()))
            .await
            .unwrap_err();
        assert_eq!(error.code(), "component-refused");
        assert!(error.to_string().contains("slot-provider"), "{error}");
    });
}
