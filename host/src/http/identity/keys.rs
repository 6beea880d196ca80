//! The configured keys: loading and checking them at startup (PEM shape, RSA size, Ed25519
//! point, HS256 length, kids), and choosing the key a presented token is verified with.

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, DecodingKeyKind, Validation};
use serde_json::Value;

use super::{
    IdentityConfigError, IdentityError, IdentityVerifier, MIN_HS256_SECRET_BYTES, VerificationKey,
};

/// RSA modulus sizes accepted. Below 2048 bits is breakable; the RSA backend refuses above 4096
/// at verification time, so such a key would silently refuse every token.
const RSA_MODULUS_BITS: std::ops::RangeInclusive<usize> = 2048..=4096;

/// The algorithms a key can fix. Deliberately only the three modgate supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum KeyAlgorithm {
    Hs256,
    Rs256,
    EdDsa,
}

impl KeyAlgorithm {
    pub(super) fn from_header_alg(alg: &str) -> Option<Self> {
        match alg {
            "HS256" => Some(Self::Hs256),
            "RS256" => Some(Self::Rs256),
            "EdDSA" => Some(Self::EdDsa),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Hs256 => "HS256",
            Self::Rs256 => "RS256",
            Self::EdDsa => "EdDSA",
        }
    }

    fn jwt(self) -> Algorithm {
        match self {
            Self::Hs256 => Algorithm::HS256,
            Self::Rs256 => Algorithm::RS256,
            Self::EdDsa => Algorithm::EdDSA,
        }
    }
}

#[derive(Debug)]
pub(super) struct ConfiguredKey {
    kid: Option<String>,
    alg: KeyAlgorithm,
    key: DecodingKey,
    /// Signature-only validation; claims are checked by `check_claims` with an injected clock.
    validation: Validation,
}

impl ConfiguredKey {
    fn verified_claims(&self, token: &str) -> Result<Value, IdentityError> {
        jsonwebtoken::decode::<Value>(token, &self.key, &self.validation)
            .map(|data| data.claims)
            .map_err(|err| match err.kind() {
                ErrorKind::InvalidToken
                | ErrorKind::Base64(_)
                | ErrorKind::Json(_)
                | ErrorKind::Utf8(_) => IdentityError::Malformed,
                // Everything else means the signature could not be confirmed: refuse.
                _ => IdentityError::BadSignature,
            })
    }
}

/// Turns the configured keys into verifying keys, refusing empty or duplicate kids and any key
/// that `decoding_key` cannot use.
pub(super) fn configured_keys(
    listed: &[VerificationKey],
) -> Result<Vec<ConfiguredKey>, IdentityConfigError> {
    let mut keys: Vec<ConfiguredKey> = Vec::with_capacity(listed.len());
    for (index, configured) in listed.iter().enumerate() {
        let kid = configured.kid().map(str::to_owned);
        if let Some(kid) = &kid {
            if kid.is_empty() {
                return Err(IdentityConfigError::EmptyKid { index });
            }
            if let Some(first) = keys.iter().position(|k| k.kid.as_ref() == Some(kid)) {
                return Err(IdentityConfigError::DuplicateKid {
                    kid: kid.clone(),
                    first,
                    second: index,
                });
            }
        }
        let (alg, key) = decoding_key(index, configured)?;
        keys.push(ConfiguredKey {
            kid,
            alg,
            key,
            validation: signature_only(alg),
        });
    }
    Ok(keys)
}

impl IdentityVerifier {
    /// Picks the candidate keys and returns the claims of the first one that verifies.
    pub(super) fn signed_claims(
        &self,
        token: &str,
        alg: KeyAlgorithm,
        kid: Option<&str>,
    ) -> Result<Value, IdentityError> {
        let refused = || IdentityError::AlgorithmNotAllowed {
            alg: alg.name().to_owned(),
        };
        if let Some(kid) = kid {
            let key = self
                .keys
                .iter()
                .find(|key| key.kid.as_deref() == Some(kid))
                .ok_or(IdentityError::UnknownKey)?;
            // The key-confusion defence: the key's algorithm wins over the header's.
            if key.alg != alg {
                return Err(refused());
            }
            return key.verified_claims(token);
        }
        let mut candidates = self.keys.iter().filter(|key| key.alg == alg).peekable();
        if candidates.peek().is_none() {
            return Err(refused());
        }
        for key in candidates {
            match key.verified_claims(token) {
                Err(IdentityError::BadSignature) => continue,
                outcome => return outcome,
            }
        }
        Err(IdentityError::BadSignature)
    }
}

fn decoding_key(
    index: usize,
    configured: &VerificationKey,
) -> Result<(KeyAlgorithm, DecodingKey), IdentityConfigError> {
    let invalid = |alg: KeyAlgorithm, reason: String| IdentityConfigError::InvalidPem {
        index,
        kid: configured.kid().map(str::to_owned),
        alg: alg.name(),
        reason,
    };
    match configured {
        VerificationKey::Hs256 { secret, kid } => {
            if secret.len() < MIN_HS256_SECRET_BYTES {
                return Err(IdentityConfigError::SecretTooShort {
                    index,
                    kid: kid.clone(),
                    len: secret.len(),
                });
            }
            Ok((KeyAlgorithm::Hs256, DecodingKey::from_secret(secret)))
        }
        VerificationKey::Rs256 { public_pem, .. } => {
            let alg = KeyAlgorithm::Rs256;
            require_public_pem(public_pem, &["PUBLIC KEY", "RSA PUBLIC KEY"])
                .map_err(|reason| invalid(alg, reason))?;
            let key = DecodingKey::from_rsa_pem(public_pem.as_bytes())
                .map_err(|_| invalid(alg, "not an RSA public key".into()))?;
            // jsonwebtoken parses the RSA key only when verifying; check it now.
            let bits = match key.kind() {
                DecodingKeyKind::SecretOrDer(der) => rsa_modulus_bits(der),
                DecodingKeyKind::RsaModulusExponent { .. } => None,
            }
            .ok_or_else(|| invalid(alg, "the PEM body is not an RSA public key".into()))?;
            if !RSA_MODULUS_BITS.contains(&bits) {
                return Err(invalid(
                    alg,
                    format!("RSA key is {bits} bits; use 2048 to 4096 bits"),
                ));
            }
            Ok((alg, key))
        }
        VerificationKey::EdDsa { public_pem, .. } => {
            let alg = KeyAlgorithm::EdDsa;
            require_public_pem(public_pem, &["PUBLIC KEY"])
                .map_err(|reason| invalid(alg, reason))?;
            let key = DecodingKey::from_ed_pem(public_pem.as_bytes())
                .map_err(|_| invalid(alg, "not an Ed25519 public key".into()))?;
            // jsonwebtoken slices `[..32]` when building a verifier and would panic on less.
            if !matches!(key.kind(), DecodingKeyKind::SecretOrDer(raw) if raw.len() == 32) {
                return Err(invalid(alg, "Ed25519 public key must be 32 bytes".into()));
            }
            // A trial verification decodes the curve point now rather than on every request.
            jsonwebtoken::crypto::verify("AA", b"probe", &key, Algorithm::EdDSA)
                .map_err(|_| invalid(alg, "not a valid Ed25519 curve point".into()))?;
            Ok((alg, key))
        }
    }
}

/// Refuses anything but a public-key PEM with one of the `accepted` labels. Catches the
/// dangerous mistake of pasting a private key into config.
fn require_public_pem(pem: &str, accepted: &[&str]) -> Result<(), String> {
    let label = pem
        .trim_start()
        .strip_prefix("-----BEGIN ")
        .and_then(|rest| rest.split_once("-----"))
        .map(|(label, _)| label)
        .ok_or_else(|| "not PEM text; expected a -----BEGIN PUBLIC KEY----- block".to_owned())?;
    if label.contains("PRIVATE") {
        return Err("this is a private key; configure only the public half \
                    (`openssl pkey -in key.pem -pubout`)"
            .to_owned());
    }
    if !accepted.contains(&label) {
        return Err(format!(
            "PEM block is {label:?}; expected {}",
            accepted.join(" or ")
        ));
    }
    Ok(())
}

/// Reads PKCS#1 `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }` and
/// returns the modulus size in bits.
fn rsa_modulus_bits(der: &[u8]) -> Option<usize> {
    let (body, trailing) = der_element(der, 0x30)?;
    let (modulus, rest) = der_element(body, 0x02)?;
    let (exponent, rest) = der_element(rest, 0x02)?;
    if !trailing.is_empty() || !rest.is_empty() || exponent.is_empty() {
        return None;
    }
    let first_nonzero = modulus.iter().position(|&byte| byte != 0)?;
    let significant = modulus.get(first_nonzero..)?;
    let lead = significant.first()?;
    Some((significant.len() - 1) * 8 + (8 - lead.leading_zeros() as usize))
}

/// Splits one DER element with `tag` off the front of `input`: `(contents, remainder)`.
fn der_element(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&found, rest) = input.split_first()?;
    if found != tag {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 {
            return None;
        }
        let (len_bytes, rest) = rest.split_at_checked(count)?;
        (
            len_bytes
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b)),
            rest,
        )
    };
    rest.split_at_checked(len)
}

fn signature_only(alg: KeyAlgorithm) -> Validation {
    let mut validation = Validation::new(alg.jwt());
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation
}
