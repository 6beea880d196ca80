//! No client credential or identity claim reaches a module: credentials in
//! the query string are refused, identity-claiming headers are stripped,
//! through the real probe guest (it echoes what it receives).

use modgate_tests::http::{code, json};

use super::{echoed, echoed_headers, probe_harness};

#[test]
fn a_credential_in_the_query_string_is_refused_before_the_module_runs() {
    modgate_tests::run(async {
        let h = probe_harness().await;
        for query in [
            "access_token=secret-value",
            "ACCESS_TOKEN=secret-value",
            "accessToken=secret-value",
            "%61ccess_token=secret-value",
            "token=secret-value",
            "id_token=secret-value",
            "refresh_token=secret-value",
            "jwt=secret-value",
            "api_key=secret-value",
            "apikey=secret-value",
            "sort=newest&password=secret-value",
            "session=secret-value",
            "token[]=secret-value",
        ] {
            let response = h
                .client
                .get(h.url(&format!("/modules/http-probe/echo?{query}")))
                .send()
                .await
                .unwrap();
            let (status, _, body) = json(response).await;
            assert_eq!(
                (status, code(&body)),
                (400, "credential-in-query"),
                "{query}"
            );
            assert!(
                !body.to_string().contains("secret-value"),
                "the value is never echoed: {body}"
            );
        }
        // Routing comes first: an unapproved route stays the same 404.
        let (status, _, body) = json(
            h.client
                .get(h.url("/modules/http-probe/unapproved?token=x"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!((status, code(&body)), (404, "not-found"));
    });
}

#[test]
fn ordinary_query_parameters_reach_the_module() {
    modgate_tests::run(async {
        let h = probe_harness().await;
        let target = "/echo?sort=newest&customer_id=cu-evil&page_token=p2&q=access_token";
        let response = h
            .client
            .get(h.url(&format!("/modules/http-probe{target}")))
            .send()
            .await
            .unwrap();
        let (status, _, body) = json(response).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["target"], target);
        assert!(
            echoed(&body, "modgate-customer-id").is_empty(),
            "a customer id in the query is just data"
        );
    });
}

#[test]
fn identity_claiming_headers_never_reach_the_module() {
    modgate_tests::run(async {
        let h = probe_harness().await;
        let token = h.token("acme", "cu-1");
        let claims = [
            "x-customer-id",
            "x-user-id",
            "x-user",
            "x-tenant",
            "x-forwarded-user",
            "x-remote-user",
            "x-authenticated-user",
            "remote-user",
            "x-auth-request-email",
            "x-ms-client-principal-name",
            "x_customer_id",
            "modgate_customer_id",
            "x-api-key",
            "true-client-ip",
        ];
        let mut request = h
            .client
            .get(h.url("/modules/http-probe/echo"))
            .bearer_auth(&token)
            .header("x-module-client", "kept");
        for claim in claims {
            request = request.header(claim, "cu-evil");
        }
        let (status, _, body) = json(request.send().await.unwrap()).await;
        assert_eq!(status, 200, "{body}");
        let seen = echoed_headers(&body);
        for claim in claims {
            assert!(
                seen.iter().all(|(name, _)| name != claim),
                "{claim} reached the module: {seen:?}"
            );
        }
        assert!(seen.iter().all(|(_, value)| value != "cu-evil"), "{seen:?}");
        assert_eq!(
            echoed(&body, "modgate-customer-id"),
            ["cu-1"],
            "identity comes only from the host"
        );
        assert_eq!(echoed(&body, "x-module-client"), ["kept"]);
    });
}
