//! Unit tests for customer token verification: keys, header, claims and error codes.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use super::claims::base64url_decode;
use super::test_keys::{
    ED_PRIVATE_PEM, ED_PUBLIC_PEM, RSA_1024_PUBLIC_PEM, RSA_PRIVATE_PEM, RSA_PUBLIC_PEM,
};
use super::*;

const SECRET: &[u8] = b"modgate-test-secret-0123456789abcdef";
const NOW: u64 = 1_700_000_000;

fn hs256_key(kid: Option<&str>) -> VerificationKey {
    VerificationKey::Hs256 {
        kid: kid.map(str::to_owned),
        secret: SECRET.to_vec(),
    }
}

fn rs256_key(kid: Option<&str>) -> VerificationKey {
    VerificationKey::Rs256 {
        kid: kid.map(str::to_owned),
        public_pem: RSA_PUBLIC_PEM.into(),
    }
}

fn eddsa_key(kid: Option<&str>) -> VerificationKey {
    VerificationKey::EdDsa {
        kid: kid.map(str::to_owned),
        public_pem: ED_PUBLIC_PEM.into(),
    }
}

fn verifier(keys: Vec<VerificationKey>) -> IdentityVerifier {
    let config = IdentityConfig {
        keys,
        ..IdentityConfig::default()
    };
    IdentityVerifier::new(&config).expect("test config is valid")
}

/// `sub` + `exp` ten minutes after NOW, with `extra` merged over them (null removes).
fn claims(extra: Value) -> Value {
    let mut claims = json!({ "sub": "cust-42", "exp": NOW + 600 });
    if let (Some(base), Some(extra)) = (claims.as_object_mut(), extra.as_object()) {
        for (name, value) in extra {
            if value.is_null() {
                base.remove(name);
            } else {
                base.insert(name.clone(), value.clone());
            }
        }
    }
    claims
}

fn sign(alg: Algorithm, kid: Option<&str>, claims: &Value) -> String {
    let key = match alg {
        Algorithm::HS256 => EncodingKey::from_secret(SECRET),
        Algorithm::RS256 => EncodingKey::from_rsa_pem(RSA_PRIVATE_PEM.as_bytes()).unwrap(),
        Algorithm::EdDSA => EncodingKey::from_ed_pem(ED_PRIVATE_PEM.as_bytes()).unwrap(),
        other => panic!("no test key for {other:?}"),
    };
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, &key).unwrap()
}

fn hs256(claims: &Value) -> String {
    sign(Algorithm::HS256, None, claims)
}

fn b64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n =
            chunk.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

#[test]
fn valid_hs256_token_yields_customer_and_tenant() {
    let token = hs256(&claims(json!({ "tenant": "acme" })));
    let customer = verifier(vec![hs256_key(None)])
        .verify_at(&token, NOW)
        .unwrap();
    assert_eq!(
        customer,
        VerifiedCustomer {
            customer_id: "cust-42".into(),
            tenant: Some("acme".into())
        }
    );
}

#[test]
fn valid_rs256_token_is_accepted() {
    let token = sign(Algorithm::RS256, None, &claims(json!({})));
    let customer = verifier(vec![rs256_key(None)])
        .verify_at(&token, NOW)
        .unwrap();
    assert_eq!(customer.customer_id, "cust-42");
    assert_eq!(customer.tenant, None);
}

#[test]
fn valid_eddsa_token_is_accepted() {
    let token = sign(Algorithm::EdDSA, Some("ed-1"), &claims(json!({})));
    let customer = verifier(vec![eddsa_key(Some("ed-1"))])
        .verify_at(&token, NOW)
        .unwrap();
    assert_eq!(customer.customer_id, "cust-42");
}

#[test]
fn pkcs1_rsa_public_key_pem_is_accepted() {
    // The same public key as RSA_PUBLIC_PEM, in `-----BEGIN RSA PUBLIC KEY-----` form.
    const PKCS1: &str = "-----BEGIN RSA PUBLIC KEY-----
MIIBCgKCAQEAqC48Iae5URf1wj3eCD40/EY/Z63aO+YIgGxt9WE/yu1eBIcFA2rj
klliRArCO2MMHUMN/pLe9/Rdo0kK5/yPWn0ILjWKdlDcWNfV72i4AziZHAqhlwTh
zcQRjcc7qnY4h9szpcPLI6fVoFFNioujZV27BAoqHYfWqhCgPeM5P2YJeNarNP4c
nnsjQqmem1v8cq2Vtt3DpBjw18ajBAqDn91h8EFp6vuUNrbyV3jE0ZGL2uWV5gLL
BZ0wBRv+bNr4KgGuPbIoi9No7teEYeA8YH1/G18CBDS3kkegymz7AfqG4XJ/GH+U
T6MpMa73FdAPf2vJUhosoliUcrgW9nSpzQIDAQAB
-----END RSA PUBLIC KEY-----
";
    let key = VerificationKey::Rs256 {
        kid: None,
        public_pem: PKCS1.into(),
    };
    let token = sign(Algorithm::RS256, None, &claims(json!({})));
    assert!(verifier(vec![key]).verify_at(&token, NOW).is_ok());
}

#[test]
fn each_algorithm_is_routed_to_its_own_key_when_several_are_configured() {
    let v = verifier(vec![hs256_key(None), rs256_key(None), eddsa_key(None)]);
    for alg in [Algorithm::HS256, Algorithm::RS256, Algorithm::EdDSA] {
        assert!(
            v.verify_at(&sign(alg, None, &claims(json!({}))), NOW)
                .is_ok(),
            "{alg:?}"
        );
    }
}

#[test]
fn verify_uses_the_current_clock() {
    let v = verifier(vec![hs256_key(None)]);
    // Year 2200 and 1970: far enough from "now" that the test cannot flake.
    assert!(
        v.verify(&hs256(&claims(json!({ "exp": 7_258_118_400u64 }))))
            .is_ok()
    );
    assert_eq!(
        v.verify(&hs256(&claims(json!({ "exp": 1 })))),
        Err(IdentityError::Expired)
    );
}

#[test]
fn expired_token_is_refused() {
    let token = hs256(&claims(json!({ "exp": NOW - 3600 })));
    let err = verifier(vec![hs256_key(None)])
        .verify_at(&token, NOW)
        .unwrap_err();
    assert_eq!(err, IdentityError::Expired);
    assert_eq!(err.code(), "token-expired");
}

#[test]
fn token_with_future_nbf_is_refused() {
    let token = hs256(&claims(json!({ "nbf": NOW + 3600 })));
    let err = verifier(vec![hs256_key(None)])
        .verify_at(&token, NOW)
        .unwrap_err();
    assert_eq!(err, IdentityError::NotYetValid);
    assert_eq!(err.code(), "token-not-yet-valid");
}

#[test]
fn leeway_is_inclusive_at_its_boundary() {
    let v = verifier(vec![hs256_key(None)]); // default leeway: 30 s
    let at_exp_edge = hs256(&claims(json!({ "exp": NOW - 30 })));
    assert!(v.verify_at(&at_exp_edge, NOW).is_ok());
    let past_exp_edge = hs256(&claims(json!({ "exp": NOW - 31 })));
    assert_eq!(
        v.verify_at(&past_exp_edge, NOW),
        Err(IdentityError::Expired)
    );
    let at_nbf_edge = hs256(&claims(json!({ "nbf": NOW + 30 })));
    assert!(v.verify_at(&at_nbf_edge, NOW).is_ok());
    let past_nbf_edge = hs256(&claims(json!({ "nbf": NOW + 31 })));
    assert_eq!(
        v.verify_at(&past_nbf_edge, NOW),
        Err(IdentityError::NotYetValid)
    );
}

#[test]
fn configured_leeway_is_used() {
    let config = IdentityConfig {
        keys: vec![hs256_key(None)],
        leeway_seconds: 0,
        ..Default::default()
    };
    let v = IdentityVerifier::new(&config).unwrap();
    assert!(
        v.verify_at(&hs256(&claims(json!({ "exp": NOW }))), NOW)
            .is_ok()
    );
    let token = hs256(&claims(json!({ "exp": NOW - 1 })));
    assert_eq!(v.verify_at(&token, NOW), Err(IdentityError::Expired));
}

#[test]
fn missing_or_non_numeric_exp_is_refused() {
    let v = verifier(vec![hs256_key(None)]);
    let no_exp = hs256(&claims(json!({ "exp": null })));
    let err = v.verify_at(&no_exp, NOW).unwrap_err();
    assert_eq!(err, IdentityError::MissingExpiry);
    assert_eq!(err.code(), "token-malformed");
    let text_exp = hs256(&claims(json!({ "exp": "tomorrow" })));
    assert_eq!(
        v.verify_at(&text_exp, NOW),
        Err(IdentityError::InvalidTimeClaim { claim: "exp" })
    );
    let negative_nbf = hs256(&claims(json!({ "nbf": -5 })));
    assert_eq!(
        v.verify_at(&negative_nbf, NOW),
        Err(IdentityError::InvalidTimeClaim { claim: "nbf" })
    );
    let fractional_exp = hs256(&claims(json!({ "exp": (NOW + 10) as f64 + 0.5 })));
    assert!(v.verify_at(&fractional_exp, NOW).is_ok());
}

fn strict_verifier() -> IdentityVerifier {
    IdentityVerifier::new(&IdentityConfig {
        keys: vec![hs256_key(None)],
        issuer: Some("https://id.example".into()),
        audience: Some("modgate".into()),
        ..IdentityConfig::default()
    })
    .unwrap()
}

#[test]
fn audience_must_match_when_configured() {
    let v = strict_verifier();
    let iss = "https://id.example";
    let ok = hs256(&claims(json!({ "iss": iss, "aud": "modgate" })));
    assert!(v.verify_at(&ok, NOW).is_ok());
    let in_list = hs256(&claims(json!({ "iss": iss, "aud": ["other", "modgate"] })));
    assert!(v.verify_at(&in_list, NOW).is_ok());
    for aud in [json!("other"), json!(["other"]), json!(7), Value::Null] {
        let token = hs256(&claims(json!({ "iss": iss, "aud": aud })));
        let err = v.verify_at(&token, NOW).unwrap_err();
        assert_eq!(err, IdentityError::WrongAudience, "aud {aud}");
        assert_eq!(err.code(), "token-wrong-audience");
    }
}

#[test]
fn issuer_must_match_when_configured() {
    let v = strict_verifier();
    for iss in [
        json!("https://evil.example"),
        json!(["https://id.example"]),
        Value::Null,
    ] {
        let token = hs256(&claims(json!({ "iss": iss, "aud": "modgate" })));
        let err = v.verify_at(&token, NOW).unwrap_err();
        assert_eq!(err, IdentityError::WrongIssuer, "iss {iss}");
        assert_eq!(err.code(), "token-wrong-issuer");
    }
}

#[test]
fn audience_and_issuer_are_ignored_when_not_configured() {
    let token = hs256(&claims(json!({ "iss": "anyone", "aud": "anything" })));
    assert!(
        verifier(vec![hs256_key(None)])
            .verify_at(&token, NOW)
            .is_ok()
    );
}

#[test]
fn alg_none_is_refused() {
    let payload = b64url(claims(json!({})).to_string().as_bytes());
    let token = format!("eyJhbGciOiJub25lIn0.{payload}.");
    let err = verifier(vec![hs256_key(None)])
        .verify_at(&token, NOW)
        .unwrap_err();
    assert_eq!(
        err,
        IdentityError::AlgorithmNotAllowed { alg: "none".into() }
    );
    assert_eq!(err.code(), "token-algorithm-refused");
}

#[test]
fn unsupported_algorithms_are_refused_even_with_a_valid_signature() {
    // HS512 with the very same secret: the configured key says HS256, so no.
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::HS512),
        &claims(json!({})),
        &EncodingKey::from_secret(SECRET),
    )
    .unwrap();
    let err = verifier(vec![hs256_key(None)])
        .verify_at(&token, NOW)
        .unwrap_err();
    assert_eq!(
        err,
        IdentityError::AlgorithmNotAllowed {
            alg: "HS512".into()
        }
    );
}

#[test]
fn hs256_token_signed_with_the_rsa_public_key_is_refused() {
    // The key-confusion attack: the attacker knows the public PEM and uses it as an HMAC secret.
    let forged = |kid: Option<&str>| {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = kid.map(str::to_owned);
        let key = EncodingKey::from_secret(RSA_PUBLIC_PEM.as_bytes());
        jsonwebtoken::encode(&header, &claims(json!({})), &key).unwrap()
    };
    let rsa_only = verifier(vec![rs256_key(Some("rsa"))]);
    let refused = IdentityError::AlgorithmNotAllowed {
        alg: "HS256".into(),
    };
    assert_eq!(rsa_only.verify_at(&forged(None), NOW), Err(refused.clone()));
    assert_eq!(rsa_only.verify_at(&forged(Some("rsa")), NOW), Err(refused));
    // With an HS256 key also configured the forgery is tried only against that key.
    let both = verifier(vec![rs256_key(Some("rsa")), hs256_key(Some("hs"))]);
    assert_eq!(
        both.verify_at(&forged(None), NOW),
        Err(IdentityError::BadSignature)
    );
}

#[test]
fn rs256_token_is_refused_when_only_hs256_is_configured() {
    let token = sign(Algorithm::RS256, None, &claims(json!({})));
    let err = verifier(vec![hs256_key(None)])
        .verify_at(&token, NOW)
        .unwrap_err();
    assert_eq!(
        err,
        IdentityError::AlgorithmNotAllowed {
            alg: "RS256".into()
        }
    );
}

#[test]
fn tampered_payload_fails_signature_check() {
    let v = verifier(vec![hs256_key(None), rs256_key(None)]);
    for alg in [Algorithm::HS256, Algorithm::RS256] {
        let token = sign(alg, None, &claims(json!({})));
        let parts: Vec<&str> = token.split('.').collect();
        let evil = b64url(claims(json!({ "sub": "admin" })).to_string().as_bytes());
        let tampered = format!("{}.{evil}.{}", parts[0], parts[2]);
        let err = v.verify_at(&tampered, NOW).unwrap_err();
        assert_eq!(err, IdentityError::BadSignature, "{alg:?}");
        assert_eq!(err.code(), "token-bad-signature");
    }
}

#[test]
fn token_signed_with_another_secret_is_refused() {
    let other = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims(json!({})),
        &EncodingKey::from_secret(b"another-secret-that-is-long-enough!!"),
    )
    .unwrap();
    let err = verifier(vec![hs256_key(None)])
        .verify_at(&other, NOW)
        .unwrap_err();
    assert_eq!(err, IdentityError::BadSignature);
}

#[test]
fn kid_selects_exactly_one_key() {
    let other = VerificationKey::Hs256 {
        kid: Some("old".into()),
        secret: b"another-secret-that-is-long-enough!!".to_vec(),
    };
    let v = verifier(vec![other, hs256_key(Some("current"))]);
    let token = sign(Algorithm::HS256, Some("current"), &claims(json!({})));
    assert!(v.verify_at(&token, NOW).is_ok());
    // Right signature, wrong kid: the named key alone decides.
    let misnamed = sign(Algorithm::HS256, Some("old"), &claims(json!({})));
    assert_eq!(
        v.verify_at(&misnamed, NOW),
        Err(IdentityError::BadSignature)
    );
}

#[test]
fn unknown_kid_is_refused() {
    let token = sign(Algorithm::HS256, Some("nope"), &claims(json!({})));
    let err = verifier(vec![hs256_key(Some("main"))])
        .verify_at(&token, NOW)
        .unwrap_err();
    assert_eq!(err, IdentityError::UnknownKey);
    assert_eq!(err.code(), "token-unknown-key");
}

#[test]
fn token_without_kid_tries_every_key_of_its_algorithm() {
    let other = VerificationKey::Hs256 {
        kid: Some("old".into()),
        secret: b"another-secret-that-is-long-enough!!".to_vec(),
    };
    let v = verifier(vec![other, hs256_key(Some("current"))]);
    assert!(v.verify_at(&hs256(&claims(json!({}))), NOW).is_ok());
}

#[test]
fn subject_must_be_short_printable_ascii() {
    let v = verifier(vec![hs256_key(None)]);
    let longest = "c".repeat(128);
    assert_eq!(
        v.verify_at(&hs256(&claims(json!({ "sub": longest }))), NOW)
            .unwrap()
            .customer_id,
        longest
    );
    let bad = [
        json!(""),
        json!("c".repeat(129)),
        json!("cust\r\nx-admin: 1"),
        json!("tab\there"),
        json!("with space"),
        json!("kunde-müller"),
        json!(42),
        Value::Null, // removes `sub`
    ];
    for sub in bad {
        let token = hs256(&claims(json!({ "sub": sub })));
        let err = v.verify_at(&token, NOW).unwrap_err();
        assert_eq!(err, IdentityError::InvalidSubject, "sub {sub}");
        assert_eq!(err.code(), "token-invalid-subject");
    }
}

#[test]
fn tenant_claim_must_be_a_header_safe_string() {
    let v = verifier(vec![hs256_key(None)]);
    for tenant in [
        json!(7),
        json!(["acme"]),
        json!({ "id": "acme" }),
        json!(true),
        json!(""),
        json!("a b"),
    ] {
        let mut token_claims = claims(json!({}));
        token_claims["tenant"] = tenant.clone();
        let err = v.verify_at(&hs256(&token_claims), NOW).unwrap_err();
        assert_eq!(err, IdentityError::InvalidTenantClaim, "tenant {tenant}");
        assert_eq!(err.code(), "token-invalid-tenant");
    }
}

#[test]
fn tenant_claim_name_is_configurable() {
    let config = IdentityConfig {
        keys: vec![hs256_key(None)],
        tenant_claim: "org".into(),
        ..IdentityConfig::default()
    };
    let v = IdentityVerifier::new(&config).unwrap();
    let token = hs256(&claims(json!({ "org": "acme", "tenant": 5 })));
    assert_eq!(
        v.verify_at(&token, NOW).unwrap().tenant.as_deref(),
        Some("acme")
    );
}

#[test]
fn without_keys_every_token_is_refused() {
    let v = IdentityVerifier::new(&IdentityConfig::default()).unwrap();
    assert!(!v.is_configured());
    let err = v.verify_at(&hs256(&claims(json!({}))), NOW).unwrap_err();
    assert_eq!(err, IdentityError::NoKeys);
    assert_eq!(err.code(), "token-verification-unavailable");
    assert!(verifier(vec![hs256_key(None)]).is_configured());
}

#[test]
fn malformed_tokens_are_refused() {
    let v = verifier(vec![hs256_key(None)]);
    let valid = hs256(&claims(json!({})));
    let oversized = format!("{valid}{}", "A".repeat(MAX_TOKEN_BYTES));
    let non_object = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &json!(["not", "an", "object"]),
        &EncodingKey::from_secret(SECRET),
    )
    .unwrap();
    let crit = format!(
        "{}.{}",
        b64url(br#"{"alg":"HS256","crit":["exp"]}"#),
        valid.split_once('.').unwrap().1
    );
    let inputs = [
        String::new(),
        "abc".into(),
        "a.b".into(),
        format!("{valid}.extra"),
        "!!!.e30.sig".into(),
        format!("{}.e30.", b64url(b"not json")),
        format!("{}.e30.", b64url(br#"{"alg":5}"#)),
        format!("{}.e30.", b64url(br#"{"alg":"HS256","kid":7}"#)),
        oversized,
        non_object,
        crit,
    ];
    for token in inputs {
        let err = v.verify_at(&token, NOW).unwrap_err();
        assert_eq!(err, IdentityError::Malformed, "token {token:?}");
        assert_eq!(err.code(), "token-malformed");
    }
}

#[test]
fn error_messages_never_echo_the_token() {
    let v = verifier(vec![hs256_key(None)]);
    let header = b64url(format!(r#"{{"alg":"{}\n"}}"#, "X".repeat(100)).as_bytes());
    let token = format!("{header}.e30.c2ln");
    let err = v.verify_at(&token, NOW).unwrap_err();
    assert_eq!(
        err,
        IdentityError::AlgorithmNotAllowed {
            alg: "X".repeat(32)
        }
    );
    let message = err.to_string();
    assert!(
        !message.contains(&token) && !message.contains(&header),
        "{message}"
    );
}

#[test]
fn issued_hs256_tokens_verify() {
    let token = issue_hs256(SECRET, &claims(json!({ "tenant": "acme" }))).unwrap();
    let customer = verifier(vec![hs256_key(None)])
        .verify_at(&token, NOW)
        .unwrap();
    assert_eq!(customer.tenant.as_deref(), Some("acme"));
}

#[test]
fn issuing_needs_a_long_secret_and_object_claims() {
    let err = issue_hs256(b"short", &claims(json!({}))).unwrap_err();
    assert!(matches!(err, IdentityError::IssueFailed { .. }), "{err:?}");
    assert_eq!(err.code(), "token-issue-failed");
    assert!(matches!(
        issue_hs256(SECRET, &json!("x")),
        Err(IdentityError::IssueFailed { .. })
    ));
}

fn config_error(keys: Vec<VerificationKey>) -> IdentityConfigError {
    IdentityVerifier::new(&IdentityConfig {
        keys,
        ..IdentityConfig::default()
    })
    .unwrap_err()
}

#[test]
fn short_hs256_secret_is_refused_naming_the_key() {
    let err = config_error(vec![
        hs256_key(Some("ok")),
        VerificationKey::Hs256 {
            kid: Some("weak".into()),
            secret: b"too-short".to_vec(),
        },
    ]);
    assert_eq!(
        err,
        IdentityConfigError::SecretTooShort {
            index: 1,
            kid: Some("weak".into()),
            len: 9
        }
    );
    assert_eq!(err.code(), "identity-secret-too-short");
    let message = err.to_string();
    assert!(
        message.contains("#1") && message.contains("\"weak\""),
        "{message}"
    );
    assert!(!message.contains("too-short"), "secret leaked: {message}");
}

fn assert_invalid_pem(key: VerificationKey, alg: &str, reason_part: &str) {
    match config_error(vec![key]) {
        IdentityConfigError::InvalidPem {
            index: 0,
            alg: found,
            reason,
            ..
        } => {
            assert_eq!(found, alg);
            assert!(reason.contains(reason_part), "reason {reason:?}");
        }
        other => panic!("expected InvalidPem, got {other:?}"),
    }
}

#[test]
fn unusable_public_keys_are_refused_at_startup() {
    let rs = |pem: &str| VerificationKey::Rs256 {
        kid: None,
        public_pem: pem.into(),
    };
    let ed = |pem: &str| VerificationKey::EdDsa {
        kid: None,
        public_pem: pem.into(),
    };
    assert_invalid_pem(rs("hello"), "RS256", "not PEM");
    assert_invalid_pem(rs(RSA_PRIVATE_PEM), "RS256", "private key");
    assert_invalid_pem(ed(ED_PRIVATE_PEM), "EdDSA", "private key");
    assert_invalid_pem(rs(ED_PUBLIC_PEM), "RS256", "not an RSA public key");
    assert_invalid_pem(ed(RSA_PUBLIC_PEM), "EdDSA", "not an Ed25519 public key");
    assert_invalid_pem(rs(RSA_1024_PUBLIC_PEM), "RS256", "1024 bits");
    let garbage = "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n";
    assert_invalid_pem(rs(garbage), "RS256", "not an RSA public key");
    assert_invalid_pem(ed(garbage), "EdDSA", "not an Ed25519 public key");
    let cert = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    assert_invalid_pem(rs(cert), "RS256", "\"CERTIFICATE\"");
}

#[test]
fn duplicate_and_empty_kids_are_refused() {
    let err = config_error(vec![
        hs256_key(Some("k")),
        eddsa_key(None),
        rs256_key(Some("k")),
    ]);
    assert_eq!(
        err,
        IdentityConfigError::DuplicateKid {
            kid: "k".into(),
            first: 0,
            second: 2
        }
    );
    assert_eq!(
        config_error(vec![hs256_key(Some(""))]),
        IdentityConfigError::EmptyKid { index: 0 }
    );
    let config = IdentityConfig {
        tenant_claim: String::new(),
        ..IdentityConfig::default()
    };
    assert_eq!(
        IdentityVerifier::new(&config).unwrap_err(),
        IdentityConfigError::EmptyTenantClaim
    );
}

#[test]
fn config_deserializes_with_kebab_case_and_defaults() {
    let config: IdentityConfig = serde_json::from_value(json!({
        "keys": [
            { "alg": "HS256", "kid": "hs", "secret": "modgate-test-secret-0123456789abcdef" },
            { "alg": "RS256", "public-pem": RSA_PUBLIC_PEM },
            { "alg": "EdDSA", "kid": "ed", "public-pem": ED_PUBLIC_PEM },
        ],
        "audience": "modgate",
    }))
    .unwrap();
    assert_eq!(
        config.keys,
        vec![
            hs256_key(Some("hs")),
            rs256_key(None),
            eddsa_key(Some("ed"))
        ]
    );
    assert_eq!(config.audience.as_deref(), Some("modgate"));
    assert_eq!(config.issuer, None);
    assert_eq!(config.leeway_seconds, 30);
    assert_eq!(config.tenant_claim, "tenant");
    assert!(IdentityVerifier::new(&config).is_ok());
}

#[test]
fn config_refuses_unknown_algorithms_and_fields() {
    for bad in [
        json!({ "keys": [{ "alg": "none", "secret": "x" }] }),
        json!({ "keys": [{ "alg": "HS512", "secret": "x" }] }),
        json!({ "keys": [{ "alg": "HS256", "secret": "x", "public-pem": "y" }] }),
        json!({ "keys": [{ "alg": "RS256", "public_pem": RSA_PUBLIC_PEM }] }),
        json!({ "leeway": 5 }),
    ] {
        assert!(
            serde_json::from_value::<IdentityConfig>(bad.clone()).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn debug_output_redacts_hmac_secrets() {
    let debug = format!("{:?}", hs256_key(Some("k")));
    assert!(
        debug.contains("[redacted]") && !debug.contains("modgate-test-secret"),
        "{debug}"
    );
    let verifier_debug = format!("{:?}", verifier(vec![hs256_key(None)]));
    assert!(
        !verifier_debug.contains("modgate-test-secret"),
        "{verifier_debug}"
    );
}

#[test]
fn error_codes_are_stable() {
    let cases = [
        (IdentityError::Malformed, "token-malformed"),
        (
            IdentityError::AlgorithmNotAllowed { alg: "x".into() },
            "token-algorithm-refused",
        ),
        (IdentityError::UnknownKey, "token-unknown-key"),
        (IdentityError::BadSignature, "token-bad-signature"),
        (IdentityError::Expired, "token-expired"),
        (IdentityError::NotYetValid, "token-not-yet-valid"),
        (IdentityError::WrongAudience, "token-wrong-audience"),
        (IdentityError::WrongIssuer, "token-wrong-issuer"),
        (IdentityError::InvalidSubject, "token-invalid-subject"),
        (IdentityError::InvalidTenantClaim, "token-invalid-tenant"),
        (IdentityError::NoKeys, "token-verification-unavailable"),
    ];
    for (err, code) in cases {
        assert_eq!(err.code(), code, "{err:?}");
    }
}

#[test]
fn base64url_decoder_matches_the_encoder() {
    for len in 0..40u8 {
        let bytes: Vec<u8> = (0..len)
            .map(|i| i.wrapping_mul(37).wrapping_add(200))
            .collect();
        assert_eq!(base64url_decode(&b64url(&bytes)), Some(bytes));
    }
    assert_eq!(base64url_decode("A"), None);
    assert_eq!(base64url_decode("ab+/"), None);
    assert_eq!(base64url_decode("YQ=="), None);
}
