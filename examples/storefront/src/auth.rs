//! The demo's customer sign-in: the storefront (the host integrator) signs
//! customer tokens with an HS256 secret kept in its data folder; modgate
//! verifies them with the same key. A real shop would use its identity
//! provider's RS256/EdDSA keys instead.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use modgate_host::engine::TenantId;
use modgate_host::http::identity::{IdentityConfig, VerificationKey, issue_hs256};

/// Who issues the demo's tokens.
pub const ISSUER: &str = "storefront-demo";
/// Who they are for.
pub const AUDIENCE: &str = "modgate-modules";
/// How long a demo token lives.
const TOKEN_LIFETIME_SECS: u64 = 7 * 24 * 3600;

/// The signing secret of this data folder, created on first start.
pub fn load_or_create_secret(data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    let path = data_dir.join("customer-token.secret");
    if let Ok(text) = std::fs::read_to_string(&path) {
        return hex::decode(text.trim()).with_context(|| format!("{} is not hex", path.display()));
    }
    let mut secret = vec![0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| anyhow::anyhow!("no system randomness: {e}"))?;
    std::fs::write(&path, hex::encode(&secret)).with_context(|| format!("writing {}", path.display()))?;
    Ok(secret)
}

/// How modgate verifies the demo's tokens.
pub fn identity_config(secret: &[u8]) -> IdentityConfig {
    IdentityConfig {
        keys: vec![VerificationKey::Hs256 {
            kid: None,
            secret: secret.to_vec(),
        }],
        issuer: Some(ISSUER.to_owned()),
        audience: Some(AUDIENCE.to_owned()),
        ..IdentityConfig::default()
    }
}

/// A signed token for `customer` of `tenant`.
pub fn customer_token(secret: &[u8], tenant: &TenantId, customer: &str) -> anyhow::Result<String> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let claims = serde_json::json!({
        "sub": customer,
        "tenant": tenant.as_str(),
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + TOKEN_LIFETIME_SECS,
    });
    issue_hs256(secret, &claims).map_err(|e| anyhow::anyhow!("signing a token: {e}"))
}
