//! The customer-token verifier on any text (seeded with tokens signed by
//! the configured keys, expired ones, `alg: none` and an HS256 token signed
//! with the RS256 public key). Whatever it accepts was signed by a
//! configured key with that key's algorithm, is within its time window,
//! carries the configured issuer and audience, and speaks for a
//! header-safe customer.
#![no_main]

use std::sync::OnceLock;

use base64::Engine;
use base64::engine::{GeneralPurpose, GeneralPurposeConfig, DecodePaddingMode};
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use libfuzzer_sys::fuzz_target;
use modgate_host::http::identity::{IdentityConfig, IdentityVerifier, VerificationKey};
use serde_json::Value;
use sha2::Sha256;

/// The HS256 secret of the seed corpus.
const SECRET: &[u8] = b"fuzz-secret-of-at-least-32-bytes!!";
/// A test RSA key's public half (host/src/http/identity/test_keys.rs).
const RSA_PUBLIC_PEM: &str = include_str!("../keys/rsa-public.pem");
const NOW: u64 = 1_800_000_000;

static VERIFIER: OnceLock<IdentityVerifier> = OnceLock::new();


fn verifier() -> &'static IdentityVerifier {
    VERIFIER.get_or_init(|| {
        let config = IdentityConfig {
            keys: vec![
                VerificationKey::Hs256 { kid: None, secret: SECRET.to_vec() },
                VerificationKey::Rs256 { kid: Some("rsa".into()), public_pem: RSA_PUBLIC_PEM.into() },
            ],
            issuer: Some("https://id.example".into()),
            audience: Some("shop".into()),
            ..IdentityConfig::default()
        };
        IdentityVerifier::new(&config).expect("the fuzz keys are valid")
    })
}

fn lenient() -> GeneralPurpose {
    let config = GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent);
    GeneralPurpose::new(&base64::alphabet::URL_SAFE, config)
}

fn header_safe(value: &str) -> bool {
    (1..=128).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_graphic())
}

fuzz_target!(|data: &[u8]| {
    // Two bytes move the clock (up to ±6 days around the corpus' time); the
    // rest is the token.
    let Some(([a, b], token)) = data.split_first_chunk::<2>() else { return };
    let Ok(token) = std::str::from_utf8(token) else { return };
    let now = NOW.saturating_add_signed(i64::from(i16::from_le_bytes([*a, *b])) * 16);
    let Ok(customer) = verifier().verify_at(token, now) else { return };
    assert!(header_safe(&customer.customer_id), "customer {:?}", customer.customer_id);
    assert!(customer.tenant.as_deref().is_none_or(header_safe), "tenant {:?}", customer.tenant);

    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "accepted {:?}", token);
    let header: Value = serde_json::from_slice(&lenient().decode(parts[0]).expect("header")).expect("header JSON");
    let claims: Value = serde_json::from_slice(&lenient().decode(parts[1]).expect("claims")).expect("claims JSON");
    let signature = lenient().decode(parts[2]).expect("signature");
    let signed = format!("{}.{}", parts[0], parts[1]);
    match header["alg"].as_str() {
        Some("HS256") => {
            let mut mac = Hmac::<Sha256>::new_from_slice(SECRET).unwrap();
            mac.update(signed.as_bytes());
            assert!(mac.verify_slice(&signature).is_ok(), "accepted an HS256 token not signed with the secret");
        }
        Some("RS256") => {
            let key = DecodingKey::from_rsa_pem(RSA_PUBLIC_PEM.as_bytes()).unwrap();
            let mut validation = Validation::new(Algorithm::RS256);
            validation.validate_exp = false;
            validation.required_spec_claims.clear();
            validation.validate_aud = false;
            jsonwebtoken::decode::<Value>(&token, &key, &validation)
                .expect("accepted an RS256 token the key did not sign");
        }
        other => panic!("accepted a token with alg {other:?}"),
    }
    let leeway = 30;
    if let Some(exp) = claims.get("exp") {
        assert!(exp.as_u64().is_some_and(|exp| now <= exp + leeway), "accepted exp {exp} at {now}");
    }
    if let Some(nbf) = claims.get("nbf") {
        assert!(nbf.as_u64().is_some_and(|nbf| nbf <= now + leeway), "accepted nbf {nbf} at {now}");
    }
    assert_eq!(claims["iss"], "https://id.example", "accepted issuer");
    let audience = &claims["aud"];
    assert!(
        audience == "shop" || audience.as_array().is_some_and(|a| a.iter().any(|v| v == "shop")),
        "accepted audience {audience}"
    );
});
