//! World `modgate:host/serve`: an approved route of a component exporting
//! `wasi:http/incoming-handler` answers over real HTTP for each tenant, with
//! method, path relative to the mount, query, body and the verified
//! identity handed over. The twin declares routes without the export and is
//! refused at install.

use modgate_host::lifecycle::InstallRequest;
use modgate_tests::http::{GLOBEX_HOST, http_harness_with, json, test_http_config};
use modgate_tests::{Lang, acme, globex, source};

modgate_tests::in_every_language! {
    conformance_serve => an_approved_route_answers_with_what_arrived,
    conformance_serve_no_export => routes_without_the_export_are_refused,
}

const MANIFEST: &str = r#"
name = "conformance"
version = "1.0.0"
compatible-core = "^1.0"

[[routes]]
method = "POST"
path = "/things/{id}"
"#;

fn an_approved_route_answers_with_what_arrived(lang: Lang) {
    modgate_tests::run(async {
        let h = http_harness_with(test_http_config(), lang.engine_config()).await;
        for (tenant, host) in [(acme(), None), (globex(), Some(GLOBEX_HOST))] {
            h.install(&tenant, MANIFEST, lang.component("conformance-serve")).await;
            h.approve_all(&tenant, "conformance").await;
            let token = h.token(tenant.as_str(), "cu-9");
            let mut request = h
                .client
                .post(h.url("/modules/conformance/things/t-1?x=1"))
                .bearer_auth(&token)
                .body("hello");
            if let Some(host) = host {
                request = request.header("host", host);
            }
            let (status, headers, body) = json(request.send().await.unwrap()).await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(headers["x-conformance"], "serve");
            assert_eq!(
                body,
                serde_json::json!({
                    "method": "POST", "path": "/things/t-1", "query": "x=1", "customer": "cu-9",
                    "tenant": tenant.as_str(), "route": "/things/{id}", "body_bytes": 5,
                })
            );
        }
    });
}

fn routes_without_the_export_are_refused(lang: Lang) {
    modgate_tests::run(async {
        let h = http_harness_with(test_http_config(), lang.engine_config()).await;
        let error = h
            .lifecycle
            .install(InstallRequest::new(source(MANIFEST, lang.component("conformance-base")), acme()))
            .await
            .unwrap_err();
        assert_eq!(error.code(), "component-refused");
        assert!(error.to_string().contains("wasi:http/incoming-handler"), "{error}");
    });
}
