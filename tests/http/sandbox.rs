//! Module content never runs with the shop's authority: a hostile module's
//! HTML page is served with the host's sandboxing policy, whatever policy
//! and cookies the module asked for. (The storefront's browser test,
//! `examples/storefront/tests/browser.rs`, runs the same page in Chromium.)

use modgate_artifacts::{HOSTILE_PAGE, HOSTILE_PAGE_DIR};
use modgate_host::http::hygiene::MODULE_CONTENT_SECURITY_POLICY;
use modgate_tests::acme;
use modgate_tests::http::{http_harness, test_http_config};

#[test]
pub fn a_module_html_page_is_served_sandboxed_whatever_it_asks_for() {
    modgate_tests::run(async {
        let h = http_harness(test_http_config()).await;
        let manifest = std::fs::read_to_string(format!("{HOSTILE_PAGE_DIR}/module.toml")).unwrap();
        h.install(&acme(), &manifest, HOSTILE_PAGE).await;
        h.approve_all(&acme(), "hostile-page").await;

        let response = h
            .client
            .get(h.url("/modules/hostile-page/page"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let headers = response.headers().clone();
        let policies: Vec<_> = headers.get_all("content-security-policy").iter().collect();
        assert_eq!(
            policies,
            [MODULE_CONTENT_SECURITY_POLICY],
            "the module's own policy is replaced, not added to"
        );
        for dropped in [
            "content-security-policy-report-only",
            "set-cookie",
            "service-worker-allowed",
            "access-control-allow-origin",
        ] {
            assert!(headers.get(dropped).is_none(), "{dropped}");
        }
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["content-type"], "text/html; charset=utf-8");
        assert_eq!(headers["x-hostile"], "page", "ordinary headers still pass");
        assert!(
            headers.get("keep-alive").is_none(),
            "a header wasi:http refuses is left out, and does not cost the module the others"
        );
        let html = response.text().await.unwrap();
        assert!(
            html.contains("<script>"),
            "the bytes are the module's; the policy is what neutralises them"
        );
    });
}
