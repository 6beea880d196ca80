//! Customer identity: verifying the bearer JWT a client presents.
//!
//! The verifier is strict on purpose. The signing algorithm is a property of the configured
//! key, never of the token: a token whose header names another algorithm is refused before any
//! cryptography runs. That closes the classic key-confusion hole (an HS256 token "signed" with
//! an RSA public key used as the HMAC secret) and `alg: none`.
//!
//! `jsonwebtoken` only checks signatures here; time, audience, issuer, subject and tenant are
//! checked in this module (`claims.rs`) so that tests can inject the clock and every refusal
//! gets its own typed error with a stable code.
//!
//! Layout: this file holds the public types and the verifier's top-level flow; `keys.rs` loads
//! and checks the configured keys and picks the one a token is verified with; `claims.rs` reads
//! the token header and checks the claims.

mod claims;
mod keys;
#[cfg(test)]
mod test_keys;
#[cfg(test)]
mod tests;

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

pub(crate) use self::claims::is_header_safe;
use self::claims::{peek_header, printable};
use self::keys::{ConfiguredKey, KeyAlgorithm, configured_keys};

/// Longest token accepted, in bytes. Real customer tokens are far smaller; the cap bounds the
/// base64 and JSON work an anonymous client can make the host do.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// Longest `sub` and tenant value accepted. Both are forwarded to modules in HTTP headers.
pub const MAX_IDENTIFIER_CHARS: usize = 128;

/// Shortest HS256 secret accepted: RFC 7518 §3.2 asks for a key at least as long as the hash.
pub const MIN_HS256_SECRET_BYTES: usize = 32;

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
        let keys = configured_keys(&config.keys)?;
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
