//! Identity: only a token the host verified becomes the customer, and the
//! module sees the verified id and tenant in host-set headers — never the
//! raw token, never a client's claim.

use modgate_tests::http::{AUDIENCE, ISSUER, SECRET, code, json, now, token_with};

use super::{echoed, probe_harness};

#[test]
fn a_verified_token_reaches_the_module_as_the_customer_id_only() {
    modgate_tests::run(async {
        let h = probe_harness().await;
        let token = h.token("acme", "cu-1");
        let response = h.client.get(h.url("/modules/http-probe/echo")).bearer_auth(&token).send().await.unwrap();
        let (status, _, body) = json(response).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(echoed(&body, "modgate-customer-id"), ["cu-1"]);
        assert_eq!(echoed(&body, "modgate-tenant"), ["acme"]);
        assert_eq!(echoed(&body, "modgate-route"), ["/echo"]);
        assert_eq!(echoed(&body, "modgate-mount"), ["/modules/http-probe"]);
        assert!(echoed(&body, "authorization").is_empty(), "the raw token is stripped");
        assert!(!body.to_string().contains(&token), "the token appears nowhere");
    });
}

#[test]
fn anonymous_requests_carry_no_customer() {
    modgate_tests::run(async {
        let h = probe_harness().await;
        let (status, _, body) = json(h.client.get(h.url("/modules/http-probe/echo")).send().await.unwrap()).await;
        assert_eq!(status, 200);
        assert!(echoed(&body, "modgate-customer-id").is_empty());
        assert_eq!(echoed(&body, "modgate-tenant"), ["acme"]);
    });
}

#[test]
fn client_supplied_identity_never_becomes_the_customer() {
    modgate_tests::run(async {
        let h = probe_harness().await;
        let token = h.token("acme", "cu-1");
        let response = h
            .client
            .post(h.url("/modules/http-probe/echo?customer_id=cu-evil&modgate-customer-id=cu-evil"))
            .bearer_auth(&token)
            .header("modgate-customer-id", "cu-evil")
            .header("Modgate-Tenant", "globex")
            .header("MODGATE-CLIENT-IP", "10.9.9.9")
            .header("modgate-route", "/admin")
            .header("x-forwarded-for", "6.6.6.6")
            .header("cookie", "session=host-session")
            .body(r#"{"customer_id":"cu-evil","customer":{"id":"cu-evil"}}"#)
            .send()
            .await
            .unwrap();
        let (status, _, body) = json(response).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(echoed(&body, "modgate-customer-id"), ["cu-1"], "only the verified id");
        assert_eq!(echoed(&body, "modgate-tenant"), ["acme"]);
        assert_eq!(echoed(&body, "modgate-client-ip"), ["127.0.0.1"]);
        assert_eq!(echoed(&body, "modgate-route"), ["/echo"]);
        assert!(echoed(&body, "x-forwarded-for").is_empty());
        assert!(echoed(&body, "cookie").is_empty(), "the host's cookies never reach a module");

        // Without a token, the spoofed header is simply gone.
        let response = h
            .client
            .get(h.url("/modules/http-probe/echo"))
            .header("modgate-customer-id", "cu-evil")
            .send()
            .await
            .unwrap();
        let (_, _, body) = json(response).await;
        assert!(echoed(&body, "modgate-customer-id").is_empty());
    });
}

#[test]
fn bad_tokens_are_refused_with_their_code() {
    modgate_tests::run(async {
        let h = probe_harness().await;
        let claims = |extra: serde_json::Value| {
            let mut claims = serde_json::json!({ "sub": "cu-1", "tenant": "acme", "iss": ISSUER, "aud": AUDIENCE, "exp": now() + 3600 });
            for (key, value) in extra.as_object().unwrap() {
                claims[key] = value.clone();
            }
            claims
        };
        let forged = modgate_host::http::identity::issue_hs256(b"another-secret-of-thirty-two-bytes!!", &claims(serde_json::json!({}))).unwrap();
        let expired = token_with(&claims(serde_json::json!({ "exp": now() - 3600 })));
        let not_yet = token_with(&claims(serde_json::json!({ "nbf": now() + 3600 })));
        let wrong_audience = token_with(&claims(serde_json::json!({ "aud": "someone-else" })));
        let wrong_issuer = token_with(&claims(serde_json::json!({ "iss": "someone-else" })));
        let other_tenant = token_with(&claims(serde_json::json!({ "tenant": "globex" })));
        let no_tenant = token_with(&serde_json::json!({ "sub": "cu-1", "iss": ISSUER, "aud": AUDIENCE, "exp": now() + 3600 }));
        let payload = base64url(&claims(serde_json::json!({})).to_string());
        let alg_none = format!("{}.{payload}.", base64url(r#"{"alg":"none","typ":"JWT"}"#));
        let tampered = {
            let good = h.token("acme", "cu-1");
            let parts: Vec<&str> = good.split('.').collect();
            let evil = base64url(&claims(serde_json::json!({ "sub": "cu-evil" })).to_string());
            format!("{}.{evil}.{}", parts[0], parts[2])
        };
        let _ = SECRET;
        let cases: Vec<(String, &str)> = vec![
            (format!("Bearer {forged}"), "token-bad-signature"),
            (format!("Bearer {tampered}"), "token-bad-signature"),
            (format!("Bearer {expired}"), "token-expired"),
            (format!("Bearer {not_yet}"), "token-not-yet-valid"),
            (format!("Bearer {wrong_audience}"), "token-wrong-audience"),
            (format!("Bearer {wrong_issuer}"), "token-wrong-issuer"),
            (format!("Bearer {other_tenant}"), "token-wrong-tenant"),
            (format!("Bearer {no_tenant}"), "token-invalid-tenant"),
            (format!("Bearer {alg_none}"), "token-algorithm-refused"),
            ("Bearer not.a.token".to_owned(), "token-malformed"),
            ("Basic dXNlcjpwYXNz".to_owned(), "token-malformed"),
        ];
        for (authorization, expected) in cases {
            let response = h
                .client
                .get(h.url("/modules/http-probe/echo"))
                .header("authorization", &authorization)
                .send()
                .await
                .unwrap();
            let (status, _, body) = json(response).await;
            assert_eq!((status, code(&body)), (401, expected), "{authorization}");
        }
    });
}

fn base64url(text: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let bytes = text.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}
