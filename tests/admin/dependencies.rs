//! A module with dependency components through the admin API: the upload
//! carries a `dependency.<name>` part per component, and the review shows
//! the operator which path would hold each permission.

use modgate_tests::admin::{ALICE, admin_code, admin_harness, send};
use modgate_tests::run;

const REVIEWS: &str = "/api/v1/admin/tenants/acme/reviews";

fn upload(parts: &[(&str, &str)]) -> reqwest::multipart::Form {
    let manifest = crate::dependencies::user_manifest();
    let mut form = reqwest::multipart::Form::new()
        .text("manifest", manifest)
        .part("component", reqwest::multipart::Part::bytes(modgate_artifacts::read(modgate_artifacts::DEP_USER)));
    for (part, component) in parts {
        form = form.part((*part).to_owned(), reqwest::multipart::Part::bytes(modgate_artifacts::read(component)));
    }
    form
}

#[test]
fn an_upload_with_dependency_parts_is_reviewed_with_its_tree() {
    run(async {
        let h = admin_harness(false).await;
        let parts = [
            ("dependency.greeter", modgate_artifacts::DEP_GREETER),
            ("dependency.casing", modgate_artifacts::DEP_CASING),
            ("dependency.fetcher", modgate_artifacts::DEP_FETCHER),
        ];
        let (status, body) = send(h.request(reqwest::Method::POST, REVIEWS, ALICE).multipart(upload(&parts))).await;
        assert_eq!(status, 201, "{body}");
        let review = &body["review"];
        let outbound = review["permissions"].as_array().unwrap().iter().find(|p| p["permission"] == "http:outbound").unwrap();
        assert_eq!(outbound["paths"], serde_json::json!(["dep-user>fetcher"]), "{review}");
        let mut tree: Vec<String> = review["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| format!("{} {}", c["path"].as_str().unwrap(), c["granted"]))
            .collect();
        tree.sort();
        assert_eq!(
            tree,
            [
                "dep-user []",
                "dep-user>fetcher [\"http:outbound\"]",
                "dep-user>greeter []",
                "dep-user>greeter>casing []",
            ]
        );

        // A part twice, and a module missing one: refused with their codes.
        let twice = [parts[0], parts[1], parts[2], ("dependency.casing", modgate_artifacts::DEP_CASING)];
        let (status, body) = send(h.request(reqwest::Method::POST, REVIEWS, ALICE).multipart(upload(&twice))).await;
        assert_eq!((status, admin_code(&body)), (400, "invalid-upload"), "{body}");
        let (status, body) = send(h.request(reqwest::Method::POST, REVIEWS, ALICE).multipart(upload(&parts[..2]))).await;
        assert_eq!((status, admin_code(&body)), (422, "component-refused"), "{body}");
        assert!(body.to_string().contains("dep-user>fetcher"), "the refusal names the path: {body}");
    });
}
