//! The demo's customer sign-in: the storefront (the host integrator) signs
//! customer tokens with an HS256 secret kept in its data folder; modgate
//! verifies them with the same key. A real shop would use its identity
//! provider's RS256/EdDSA keys instead.
//!
//! Browsers get the token only inside an `HttpOnly` session cookie
//! ([`SESSION_COOKIE`]): no script on the page (nor a module's content)
//! can read it. The bridge asks [`CookieSessions`] who a cookie belongs to;
//! API clients send the token as a bearer token instead.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use axum::http::HeaderMap;
use modgate_host::engine::TenantId;
use modgate_host::http::identity::{IdentityConfig, IdentityVerifier, VerificationKey, issue_hs256};
use modgate_host::http::session::cookie;
use modgate_host::http::{SessionRefused, SessionResolver};

/// Who issues the demo's tokens.
pub const ISSUER: &str = "storefront-demo";
/// Who they are for.
pub const AUDIENCE: &str = "modgate-modules";
/// How long a demo token (and the session cookie holding it) lives.
const TOKEN_LIFETIME_SECS: u64 = 7 * 24 * 3600;
/// The session cookie's name.
pub const SESSION_COOKIE: &str = "storefront_session";

/// The signing secret of this data folder, created on first start.
pub fn load_or_create_secret(data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    let path = data_dir.join("customer-token.secret");
    if let Ok(text) = std::fs::read_to_string(&path) {
        return hex::decode(text.trim()).with_context(|| format!("{} is not hex", path.display()));
    }
    let mut secret = vec![0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| anyhow::anyhow!("no system randomness: {e}"))?;
    write_secret_file(&path, &hex::encode(&secret))?;
    Ok(secret)
}

/// Writes a new secret file readable by its owner only (0600).
pub fn write_secret_file(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(text.as_bytes()).with_context(|| format!("writing {}", path.display()))
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

/// The `Set-Cookie` value that signs a browser in with `token`.
///
/// `HttpOnly`: no script reads it, so nothing in the page's DOM or a module
/// page can leak it. `SameSite=Strict`: the browser sends it only on
/// requests started by the shop's own pages, not on links or forms from
/// other sites (`Lax` would send it on cross-site top-level `GET`
/// navigations, which would run modules' `GET` routes as the customer). The
/// bridge's same-origin rule backs this up on state-changing requests. A
/// shop served over HTTPS adds `Secure` (and can name the cookie
/// `__Host-…`); the demo runs on plain `http://127.0.0.1`.
pub fn session_cookie(token: &str) -> String {
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={TOKEN_LIFETIME_SECS}")
}

/// The `Set-Cookie` value that signs a browser out.
pub const CLEAR_SESSION_COOKIE: &str = "storefront_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";

/// The demo's sessions: the cookie holds a customer token, verified exactly
/// like a bearer token and bound to the tenant it was issued for.
pub struct CookieSessions {
    verifier: IdentityVerifier,
}

impl CookieSessions {
    /// Sessions signed with `secret`.
    pub fn new(secret: &[u8]) -> anyhow::Result<Self> {
        let verifier = IdentityVerifier::new(&identity_config(secret)).map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(CookieSessions { verifier })
    }

    /// The customer of `tenant` a demo token (from the session cookie or a
    /// bearer header) was issued for; refused when forged, expired or
    /// issued for another tenant.
    pub fn verify(&self, tenant: &TenantId, token: &str) -> Result<String, SessionRefused> {
        let refused = || SessionRefused("your session is not valid here; sign in again".to_owned());
        let customer = self.verifier.verify(token).map_err(|_| refused())?;
        if customer.tenant.as_deref() != Some(tenant.as_str()) {
            return Err(refused());
        }
        Ok(customer.customer_id)
    }
}

impl SessionResolver for CookieSessions {
    fn customer(&self, tenant: &TenantId, headers: &HeaderMap) -> Result<Option<String>, SessionRefused> {
        let Some(token) = cookie(headers, SESSION_COOKIE).filter(|token| !token.is_empty()) else {
            return Ok(None);
        };
        self.verify(tenant, token).map(Some)
    }
}

