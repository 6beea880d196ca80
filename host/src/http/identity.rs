//! Customer identity: verifying the bearer JWT a client presents.
//!
//! The verifier is strict on purpose. The signing algorithm is a property of the configured
//! key, never of the token: a token whose header names another algorithm is refused before any
//! cryptography runs. That closes the classic key-confusion hole (an HS256 token "signed" with
//! an RSA public key used as the HMAC secret) and `alg: none`.
//!
//! `jsonwebtoken` only checks signatures here; time, audience, issuer, subject and tenant are
//! checked in this file so that tests can inject the clock and every refusal gets its own
//! typed error with a stable code.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, DecodingKeyKind, EncodingKey, Header, Validation};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Longest token accepted, in bytes. Real customer tokens are far smaller; the cap bounds the
/// base64 and JSON work an anonymous client can make the host do.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// Longest `sub` and tenant value accepted. Both are forwarded to modules in HTTP headers.
pub const MAX_IDENTIFIER_CHARS: usize = 128;

/// Shortest HS256 secret accepted: RFC 7518 §3.2 asks for a key at least as long as the hash.
pub const MIN_HS256_SECRET_BYTES: usize = 32;

/// RSA modulus sizes accepted. Below 2048 bits is breakable; the RSA backend refuses above 4096
/// at verification time, so such a key would silently refuse every token.
const RSA_MODULUS_BITS: std::ops::RangeInclusive<usize> = 2048..=4096;

const DEFAULT_LEEWAY_SECONDS: u64 = 30;
const DEFAULT_TENANT_CLAIM: &str = "tenant";

/// One key customer tokens may be signed with. The variant fixes the algorithm tokens must use.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "alg", rename_all_fields = "kebab-case", deny_unknown_fields)]
pub enum VerificationKey {
    /// HMAC-SHA256 with a shared secret (`alg = "HS256"`).
    #[serde(rename = "HS256")]
    Hs256 {
        /// Key id; a token naming this `kid` is verified with this key only.
        #[serde(default)]
        kid: Option<String>,
        /// The shared secret: the UTF-8 bytes of the configured `secret` string, 32 bytes or more.
        #[serde(deserialize_with = "secret_from_string")]
        secret: Vec<u8>,
    },
    /// RSASSA-PKCS1-v1_5 with SHA-256 (`alg = "RS256"`).
    #[serde(rename = "RS256")]
    Rs256 {
        /// Key id; a token naming this `kid` is verified with this key only.
        #[serde(default)]
        kid: Option<String>,
        /// The RSA public key, `-----BEGIN PUBLIC KEY-----` (or `RSA PUBLIC KEY`) PEM, 2048-4096 bits.
        public_pem: String,
    },
    /// Ed25519 (`alg = "EdDSA"`).
    #[serde(rename = "EdDSA")]
    EdDsa {
        /// Key id; a token naming this `kid` is verified with this key only.
        #[serde(default)]
        kid: Option<String>,
        /// The Ed25519 public key, `-----BEGIN PUBLIC KEY-----` PEM.
        public_pem: String,
    },
}

impl VerificationKey {
    /// The key id, if one is configured.
    pub fn kid(&self) -> Option<&str> {
        match self {
            Self::Hs256 { kid, .. } | Self::Rs256 { kid, .. } | Self::EdDsa { kid, .. } => {
                kid.as_deref()
            }
        }
    }
}

impl fmt::Debug for VerificationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The HMAC secret must never reach a log line; public keys may.
        match self {
            Self::Hs256 { kid, .. } => f
                .debug_struct("Hs256")
                .field("kid", kid)
                .field("secret", &"[redacted]")
                .finish(),
            Self::Rs256 { kid, public_pem } => f
                .debug_struct("Rs256")
                .field("kid", kid)
                .field("public_pem", public_pem)
                .finish(),
            Self::EdDsa { kid, public_pem } => f
                .debug_struct("EdDsa")
                .field("kid", kid)
                .field("public_pem", public_pem)
                .finish(),
        }
    }
}

fn secret_from_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
    String::deserialize(deserializer).map(String::into_bytes)
}

/// How customer tokens are verified. With no keys, identity is off and presented tokens are refused.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct IdentityConfig {
    /// Keys tokens may be signed with; a token is tried only against keys of its own algorithm.
    pub keys: Vec<VerificationKey>,
    /// Required `iss` value; `None` skips the issuer check.
    pub issuer: Option<String>,
    /// Required `aud` value (the token's `aud` string or one entry of its array); `None` skips it.
    pub audience: Option<String>,
    /// Clock skew tolerated on `exp` and `nbf`, in seconds. Default 30.
    pub leeway_seconds: u64,
    /// Claim holding the customer's tenant. Default `"tenant"`.
    pub tenant_claim: String,
}

impl Default for IdentityConfig {
    fn default() -> Self {
        Self {
            keys: Vec::new(),
            issuer: None,
            audience: None,
            leeway_seconds: DEFAULT_LEEWAY_SECONDS,
            tenant_claim: DEFAULT_TENANT_CLAIM.to_owned(),
        }
    }
}

/// Why the identity configuration cannot be used. Reported at startup, never per request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityConfigError {
    /// An HS256 secret is too short to resist brute force.
    #[error(
        "identity key #{index}{}: HS256 secret is {len} bytes; use a random secret of at least 32 bytes",
        kid_note(.kid)
    )]
    SecretTooShort {
        /// Position of the key in `keys`.
        index: usize,
        /// Its kid, if any.
        kid: Option<String>,
        /// Length of the configured secret in bytes.
        len: usize,
    },
    /// A public key PEM cannot be used for its algorithm.
    #[error("identity key #{index}{}: {alg} `public-pem` is not usable: {reason}", kid_note(.kid))]
    InvalidPem {
        /// Position of the key in `keys`.
        index: usize,
        /// Its kid, if any.
        kid: Option<String>,
        /// The key's algorithm (`RS256` or `EdDSA`).
        alg: &'static str,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// Two keys share a kid, so a token naming it would be ambiguous.
    #[error(
        "identity keys #{first} and #{second} both use kid {kid:?}; give every key its own kid"
    )]
    DuplicateKid {
        /// The shared kid.
        kid: String,
        /// Index of the first key using it.
        first: usize,
        /// Index of the second key using it.
        second: usize,
    },
    /// A kid is configured but empty.
    #[error("identity key #{index}: `kid` is empty; remove it or give it a value")]
    EmptyKid {
        /// Position of the key in `keys`.
        index: usize,
    },
    /// `tenant-claim` is empty.
    #[error(
        "identity `tenant-claim` is empty; name the claim that carries the tenant (default \"tenant\")"
    )]
    EmptyTenantClaim,
}

fn kid_note(kid: &Option<String>) -> String {
    kid.as_ref()
        .map(|kid| format!(" (kid {kid:?})"))
        .unwrap_or_default()
}

impl IdentityConfigError {
    /// Stable machine-readable code for this refusal.
    pub fn code(&self) -> &'static str {
        match self {
            Self::SecretTooShort { .. } => "identity-secret-too-short",
            Self::InvalidPem { .. } => "identity-invalid-pem",
            Self::DuplicateKid { .. } => "identity-duplicate-kid",
            Self::EmptyKid { .. } => "identity-empty-kid",
            Self::EmptyTenantClaim => "identity-empty-tenant-claim",
        }
    }
}

/// Why a presented token was refused. Messages never contain the token or its claims' values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// Not three base64url parts with a JSON header and JSON-object claims, or too long.
    #[error("bearer token is not a well-formed JWT (header.claims.signature, base64url JSON)")]
    Malformed,
    /// The token has no `exp`; customer tokens must expire.
    #[error("token has no `exp` claim; issue customer tokens with an expiry")]
    MissingExpiry,
    /// `exp` or `nbf` is not a non-negative number of seconds.
    #[error("token `{claim}` claim is not a NumericDate (seconds since 1970)")]
    InvalidTimeClaim {
        /// The offending claim name.
        claim: &'static str,
    },
    /// The header `alg` is not the algorithm of any key that could verify the token.
    #[error("token algorithm {alg:?} is refused: the configured key decides the algorithm")]
    AlgorithmNotAllowed {
        /// The header's `alg`, shortened and with non-printable characters replaced.
        alg: String,
    },
    /// The header names a `kid` that is not configured.
    #[error("token names a key id (kid) that is not configured; reissue it with a configured key")]
    UnknownKey,
    /// No candidate key verifies the signature.
    #[error("token signature does not verify against the configured key")]
    BadSignature,
    /// `exp` is in the past, beyond the leeway.
    #[error("token has expired; request a new one")]
    Expired,
    /// `nbf` is in the future, beyond the leeway.
    #[error("token is not valid yet (`nbf` is in the future); check the issuer's clock")]
    NotYetValid,
    /// `aud` is missing or does not include the configured audience.
    #[error("token audience (`aud`) does not include this service")]
    WrongAudience,
    /// `iss` is missing or not the configured issuer.
    #[error("token issuer (`iss`) is not the configured issuer")]
    WrongIssuer,
    /// `sub` is missing, or not 1-128 printable ASCII characters without spaces.
    #[error("token `sub` must be 1 to 128 printable ASCII characters without spaces")]
    InvalidSubject,
    /// The tenant claim is present but not 1-128 printable ASCII characters without spaces.
    #[error(
        "token tenant claim must be a string of 1 to 128 printable ASCII characters without spaces"
    )]
    InvalidTenantClaim,
    /// No verification keys are configured, so no token can be accepted.
    #[error("customer tokens cannot be verified: no identity keys are configured")]
    NoKeys,
    /// [`issue_hs256`] could not produce a token.
    #[error("cannot issue token: {reason}")]
    IssueFailed {
        /// What went wrong.
        reason: String,
    },
}

impl IdentityError {
    /// Stable machine-readable code, safe to return to the client.
    pub fn code(&self) -> &'static str {
        match self {
            // Structural problems share one client-facing code; the variant keeps the detail.
            Self::Malformed | Self::MissingExpiry | Self::InvalidTimeClaim { .. } => {
                "token-malformed"
            }
            Self::AlgorithmNotAllowed { .. } => "token-algorithm-refused",
            Self::UnknownKey => "token-unknown-key",
            Self::BadSignature => "token-bad-signature",
            Self::Expired => "token-expired",
            Self::NotYetValid => "token-not-yet-valid",
            Self::WrongAudience => "token-wrong-audience",
            Self::WrongIssuer => "token-wrong-issuer",
            Self::InvalidSubject => "token-invalid-subject",
            Self::InvalidTenantClaim => "token-invalid-tenant",
            Self::NoKeys => "token-verification-unavailable",
            Self::IssueFailed { .. } => "token-issue-failed",
        }
    }
}

/// The customer a verified token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedCustomer {
    /// The `sub` claim; header-safe (1-128 printable ASCII, no spaces).
    pub customer_id: String,
    /// The tenant claim, if present; header-safe like `customer_id`.
    pub tenant: Option<String>,
}

/// The algorithms a key can fix. Deliberately only the three modgate supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyAlgorithm {
    Hs256,
    Rs256,
    EdDsa,
}

impl KeyAlgorithm {
    fn from_header_alg(alg: &str) -> Option<Self> {
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
struct ConfiguredKey {
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

/// Verifies customer tokens against the configured keys. Build once at startup; cheap to share.
#[derive(Debug)]
pub struct IdentityVerifier {
    keys: Vec<ConfiguredKey>,
    issuer: Option<String>,
    audience: Option<String>,
    leeway_seconds: u64,
    tenant_claim: String,
}

impl IdentityVerifier {
    /// Checks every key now (PEM shape, RSA size, Ed25519 point, HS256 length, unique kids) so
    /// a bad key fails startup instead of refusing every request later.
    pub fn new(config: &IdentityConfig) -> Result<Self, IdentityConfigError> {
        if config.tenant_claim.is_empty() {
            return Err(IdentityConfigError::EmptyTenantClaim);
        }
        let mut keys: Vec<ConfiguredKey> = Vec::with_capacity(config.keys.len());
        for (index, configured) in config.keys.iter().enumerate() {
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
        Ok(Self {
            keys,
            issuer: config.issuer.clone(),
            audience: config.audience.clone(),
            leeway_seconds: config.leeway_seconds,
            tenant_claim: config.tenant_claim.clone(),
        })
    }

    /// Whether any key is configured. When not, every presented token is refused with `NoKeys`.
    pub fn is_configured(&self) -> bool {
        !self.keys.is_empty()
    }

    /// Verifies `token` (without the `Bearer ` prefix) at the current time.
    pub fn verify(&self, token: &str) -> Result<VerifiedCustomer, IdentityError> {
        // A host clock before 1970 is broken; failing closed (every token expired) beats
        // accepting expired tokens.
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(u64::MAX, |d| d.as_secs());
        self.verify_at(token, now)
    }

    /// Verifies `token` as if the time were `now_unix` seconds since 1970.
    pub fn verify_at(&self, token: &str, now_unix: u64) -> Result<VerifiedCustomer, IdentityError> {
        if self.keys.is_empty() {
            return Err(IdentityError::NoKeys);
        }
        if token.len() > MAX_TOKEN_BYTES {
            return Err(IdentityError::Malformed);
        }
        let header = peek_header(token)?;
        let alg = KeyAlgorithm::from_header_alg(&header.alg).ok_or_else(|| {
            IdentityError::AlgorithmNotAllowed {
                alg: printable(&header.alg),
            }
        })?;
        let claims = self.signed_claims(token, alg, header.kid.as_deref())?;
        self.check_claims(&claims, now_unix)
    }

    /// Picks the candidate keys and returns the claims of the first one that verifies.
    fn signed_claims(
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

    fn check_claims(&self, claims: &Value, now: u64) -> Result<VerifiedCustomer, IdentityError> {
        let claims = claims.as_object().ok_or(IdentityError::Malformed)?;
        let exp = claims.get("exp").ok_or(IdentityError::MissingExpiry)?;
        let exp = numeric_date(exp).ok_or(IdentityError::InvalidTimeClaim { claim: "exp" })?;
        if exp.saturating_add(self.leeway_seconds) < now {
            return Err(IdentityError::Expired);
        }
        if let Some(nbf) = claims.get("nbf") {
            let nbf = numeric_date(nbf).ok_or(IdentityError::InvalidTimeClaim { claim: "nbf" })?;
            if nbf > now.saturating_add(self.leeway_seconds) {
                return Err(IdentityError::NotYetValid);
            }
        }
        if let Some(expected) = &self.issuer
            && claims.get("iss").and_then(Value::as_str) != Some(expected.as_str())
        {
            return Err(IdentityError::WrongIssuer);
        }
        if let Some(expected) = &self.audience {
            let listed = match claims.get("aud") {
                Some(Value::String(aud)) => aud == expected,
                Some(Value::Array(auds)) => auds.iter().any(|aud| aud.as_str() == Some(expected)),
                _ => false,
            };
            if !listed {
                return Err(IdentityError::WrongAudience);
            }
        }
        let customer_id = match claims.get("sub") {
            Some(Value::String(sub)) if is_header_safe(sub) => sub.clone(),
            _ => return Err(IdentityError::InvalidSubject),
        };
        let tenant = match claims.get(&self.tenant_claim) {
            None => None,
            Some(Value::String(tenant)) if is_header_safe(tenant) => Some(tenant.clone()),
            Some(_) => return Err(IdentityError::InvalidTenantClaim),
        };
        Ok(VerifiedCustomer {
            customer_id,
            tenant,
        })
    }
}

/// Signs `claims` (a JSON object) as an HS256 token. For demos and tests: production tokens
/// come from the customer's own identity provider.
pub fn issue_hs256(secret: &[u8], claims: &Value) -> Result<String, IdentityError> {
    if secret.len() < MIN_HS256_SECRET_BYTES {
        return Err(IdentityError::IssueFailed {
            reason: format!(
                "HS256 secret is {} bytes; use at least {MIN_HS256_SECRET_BYTES}",
                secret.len()
            ),
        });
    }
    if !claims.is_object() {
        return Err(IdentityError::IssueFailed {
            reason: "claims must be a JSON object".into(),
        });
    }
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .map_err(|err| IdentityError::IssueFailed {
        reason: err.to_string(),
    })
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

/// The header fields needed to choose a key, read before any verification.
#[derive(Deserialize)]
struct PeekedHeader {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
}

fn peek_header(token: &str) -> Result<PeekedHeader, IdentityError> {
    let mut parts = token.split('.');
    let (Some(header), Some(_), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(IdentityError::Malformed);
    };
    let json = base64url_decode(header).ok_or(IdentityError::Malformed)?;
    let header: Value = serde_json::from_slice(&json).map_err(|_| IdentityError::Malformed)?;
    // RFC 7515 §4.1.11: extensions listed in `crit` must be understood; we understand none.
    if header.get("crit").is_some() {
        return Err(IdentityError::Malformed);
    }
    PeekedHeader::deserialize(header).map_err(|_| IdentityError::Malformed)
}

/// Unpadded base64url (RFC 4648 §5), as JWT uses. Only the header is decoded here; the
/// signature and claims are decoded by `jsonwebtoken`.
fn base64url_decode(input: &str) -> Option<Vec<u8>> {
    fn sextet(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'-' => Some(62),
            b'_' => Some(63),
            _ => None,
        }
    }
    if input.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in input.as_bytes() {
        acc = (acc << 6) | sextet(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// NumericDate (RFC 7519 §2): seconds, possibly fractional; whole seconds are enough here.
fn numeric_date(value: &Value) -> Option<u64> {
    if let Some(seconds) = value.as_u64() {
        return Some(seconds);
    }
    let seconds = value.as_f64()?;
    (seconds.is_finite() && (0.0..1.8e19).contains(&seconds)).then_some(seconds as u64)
}

/// Whether `value` can go into an HTTP header verbatim and cannot smuggle separators.
fn is_header_safe(value: &str) -> bool {
    (1..=MAX_IDENTIFIER_CHARS).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_graphic())
}

/// The header is attacker-controlled: keep what reaches error messages short and inert.
fn printable(untrusted: &str) -> String {
    untrusted
        .chars()
        .take(32)
        .map(|c| if c.is_ascii_graphic() { c } else { '?' })
        .collect()
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::{Algorithm, EncodingKey, Header};
    use serde_json::{Value, json};

    use super::*;

    // Fixed test keys generated once with `openssl genpkey` (RSA 2048, Ed25519, RSA 1024).
    // They protect nothing; they exist so tests never generate keys at run time.
    const RSA_PRIVATE_PEM: &str = "\
-----BEGIN PRIVATE KEY-----\n\
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCoLjwhp7lRF/XC\n\
Pd4IPjT8Rj9nrdo75giAbG31YT/K7V4EhwUDauOSWWJECsI7YwwdQw3+kt739F2j\n\
SQrn/I9afQguNYp2UNxY19XvaLgDOJkcCqGXBOHNxBGNxzuqdjiH2zOlw8sjp9Wg\n\
UU2Ki6NlXbsECiodh9aqEKA94zk/Zgl41qs0/hyeeyNCqZ6bW/xyrZW23cOkGPDX\n\
xqMECoOf3WHwQWnq+5Q2tvJXeMTRkYva5ZXmAssFnTAFG/5s2vgqAa49siiL02ju\n\
14Rh4DxgfX8bXwIENLeSR6DKbPsB+obhcn8Yf5RPoykxrvcV0A9/a8lSGiyiWJRy\n\
uBb2dKnNAgMBAAECggEACEb6Q6fHGaQlvtEfr+Ur42yrqzUlxAPu0C9F/Ck0pA6p\n\
rWxdxUzJ9YZ7rSCgbZ7S1k/aDPj6i1aWEzbBmChYf9oegHO3JFqXdbHtwBI12Ea9\n\
VmF5kX62hFONj55KI/ocjyctNA/eXBtjCrhlqhd0S8VgsnKznu90E7usv08DHskY\n\
2J5vuusrJ9BJI0zFDYtaRxTT1i+ofPWv0PSaiYlFHY3TjawfbCYXHTFQQ1HRdXKc\n\
gDs+LeKQImz2YjUB5Kxnmy+870864Spal+CGcr4fVQeGX+HgcOOXOz+Gffki6db9\n\
TcLmjoXdky4R9U+rmMX/n3wcVEIUHM2M+jQZPHbtsQKBgQDhZVfLwY0bdJ6G0RAI\n\
d7/bGMrdVX1o4eWohi6PM75rYguBnAOARipnlIsSgipx3t6U14gj+72phk7TeyJx\n\
YjEOPKtjUv4d4RxUe6KjC65a6Fh6A42APgXl1cg35PHhknr3tli5B7ZAWAfnH5OW\n\
vPH/+0u3prN7mmnoqR1PQZEvJQKBgQC/BB2UihvggVRXRKVD46/T2pyGsfl6+PM2\n\
A2I6IxfHieXyn5ZcOp9PiGH3g40Kvf5UFYVVkhz4Jc++5s3Fk6DiJE+8Nc/D/5SI\n\
0v5ohJ6Hai/wyEWs46pYZWk/RKwJ13o68ILe6ecLGqzoCaTjTtwLgmZ7mI8FP9Vz\n\
GVLCQ9EDiQKBgHy6Ae2E+7rXu+nKwt6MtaRegdQdPLrPVrD9H8Kq1ZLCvK9KUD2p\n\
lkmfT548XZSJyg3/fxy6b+fhpLkuiI7J0W+ZbxYVlP2f1neBuywSiLdRn7RVRvZS\n\
XB0lQhh8HsW+s0FkrJAnjljo3eat+JQPlrMasnm8S9H4TucqvkdfdyHpAoGBALPD\n\
P8NGpi2GCMWICK/3WsVZeu0YGN0t5FT0okBsPji/AfRvU6XAVaUXiHrTBq0RWIPx\n\
LOX29+RgUT4rH4PNBx9LZO6PBdRCdpq9VkcuZ7KwsCU9lLS8HNfLuFyeV/l7G8DU\n\
D5WRMqo0lHxadx6kXFlIgwHV9OLPzCThtAy2ncFhAoGAcQjdc7JkkzwsN3qK5Wvf\n\
pwz72dQpAyIFgz14gDFIMnrrYwWz4IcYWbmNuls97VgslsXGDgShIU6SnIm7BM3G\n\
MUKOxodxIkGg0ww/KTiJNFufZs6yPDdVZBH4lGso4brdP586d6t9TvSVDK7PegW1\n\
XSudGJM+EtYzIRgAL4G45TE=\n\
-----END PRIVATE KEY-----\n\
";
    const RSA_PUBLIC_PEM: &str = "\
-----BEGIN PUBLIC KEY-----\n\
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqC48Iae5URf1wj3eCD40\n\
/EY/Z63aO+YIgGxt9WE/yu1eBIcFA2rjklliRArCO2MMHUMN/pLe9/Rdo0kK5/yP\n\
Wn0ILjWKdlDcWNfV72i4AziZHAqhlwThzcQRjcc7qnY4h9szpcPLI6fVoFFNiouj\n\
ZV27BAoqHYfWqhCgPeM5P2YJeNarNP4cnnsjQqmem1v8cq2Vtt3DpBjw18ajBAqD\n\
n91h8EFp6vuUNrbyV3jE0ZGL2uWV5gLLBZ0wBRv+bNr4KgGuPbIoi9No7teEYeA8\n\
YH1/G18CBDS3kkegymz7AfqG4XJ/GH+UT6MpMa73FdAPf2vJUhosoliUcrgW9nSp\n\
zQIDAQAB\n\
-----END PUBLIC KEY-----\n\
";
    const ED_PRIVATE_PEM: &str = "\
-----BEGIN PRIVATE KEY-----\n\
MC4CAQAwBQYDK2VwBCIEIA55kRVs0p6dK75NL3bU3TuwewAJbQsputOXu58IdgS4\n\
-----END PRIVATE KEY-----\n\
";
    const ED_PUBLIC_PEM: &str = "\
-----BEGIN PUBLIC KEY-----\n\
MCowBQYDK2VwAyEA648hhftIyjM4EdC0WEXkwnY5XaESDy5LGMjSc1ACFSw=\n\
-----END PUBLIC KEY-----\n\
";
    const RSA_1024_PUBLIC_PEM: &str = "\
-----BEGIN PUBLIC KEY-----\n\
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCYsh+fpqpQH1C0WfZ6iIibeqPY\n\
rsp16adzy9xL4DHcZp7kP6AdJTXXpFX0YPeZ2T1aJrOxxRw9c9FC+Af9fId1W8eH\n\
4Hjt0M3W47dx/9HNi52MrQ0rdQh6jSGbuCvR8sKe0JDkh9tSMF3G6HfSjARsV5M1\n\
wV8aB1qoPh3GqBi9OQIDAQAB\n\
-----END PUBLIC KEY-----\n\
";

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
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b))
                << (8 * (3 - chunk.len()));
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
}
