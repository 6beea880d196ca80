//! The operator's admin API end to end over loopback: the install review,
//! approvals, promoting a staged version, enable/disable, settings,
//! breakers, uninstall, the audit log with who did what, metrics after real
//! invocations, the least-privilege report, dev mode, and the OpenAPI
//! document held to the real API.

mod dependencies;
mod dev_mode;
mod flow;
mod least_privilege;
mod openapi;
mod promote;
mod refusals;

use modgate_artifacts::{WISHLIST, WISHLIST_DIR};
use modgate_tests::admin::AdminHarness;

/// The wishlist's `module.toml`.
pub fn wishlist_manifest() -> String {
    std::fs::read_to_string(format!("{WISHLIST_DIR}/module.toml")).expect("wishlist manifest")
}

/// Uploads the wishlist for review as Alice; answers the status and body.
pub async fn review_wishlist(h: &AdminHarness, tenant: &str) -> (u16, serde_json::Value) {
    let form = reqwest::multipart::Form::new()
        .text("manifest", wishlist_manifest())
        .part("component", reqwest::multipart::Part::bytes(std::fs::read(WISHLIST).expect("wishlist component")));
    modgate_tests::admin::send(
        h.request(reqwest::Method::POST, &format!("/api/v1/admin/tenants/{tenant}/reviews"), modgate_tests::admin::ALICE)
            .multipart(form),
    )
    .await
}

/// Reviews and installs the wishlist for `tenant` with every permission
/// (acknowledged) and approves all its routes.
pub async fn install_wishlist(h: &AdminHarness, tenant: &str) {
    let (status, review) = review_wishlist(h, tenant).await;
    assert_eq!(status, 201, "{review}");
    let id = review["review_id"].as_str().expect("review id");
    let (status, body) =
        h.post(&format!("/api/v1/admin/tenants/{tenant}/reviews/{id}/confirm"), serde_json::json!({ "acknowledge_risk": true })).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = h.post(&format!("/api/v1/admin/tenants/{tenant}/modules/wishlist/approve"), serde_json::json!({ "all": true })).await;
    assert_eq!(status, 200, "{body}");
}
