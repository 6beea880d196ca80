//! What the token says: its header, read before any verification to choose the key, and its
//! claims, checked after the signature against an injected clock so every refusal is typed.

use serde::Deserialize;
use serde_json::Value;

use super::{IdentityError, IdentityVerifier, MAX_IDENTIFIER_CHARS, VerifiedCustomer};

/// The header fields needed to choose a key, read before any verification.
#[derive(Deserialize)]
pub(super) struct PeekedHeader {
    pub(super) alg: String,
    #[serde(default)]
    pub(super) kid: Option<String>,
}

pub(super) fn peek_header(token: &str) -> Result<PeekedHeader, IdentityError> {
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
pub(super) fn base64url_decode(input: &str) -> Option<Vec<u8>> {
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

/// The header is attacker-controlled: keep what reaches error messages short and inert.
pub(super) fn printable(untrusted: &str) -> String {
    untrusted
        .chars()
        .take(32)
        .map(|c| if c.is_ascii_graphic() { c } else { '?' })
        .collect()
}

impl IdentityVerifier {
    /// Checks the signed claims at `now`: expiry and not-before (with leeway), issuer, audience,
    /// subject and tenant.
    pub(super) fn check_claims(
        &self,
        claims: &Value,
        now: u64,
    ) -> Result<VerifiedCustomer, IdentityError> {
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

/// NumericDate (RFC 7519 §2): seconds, possibly fractional; whole seconds are enough here.
fn numeric_date(value: &Value) -> Option<u64> {
    if let Some(seconds) = value.as_u64() {
        return Some(seconds);
    }
    let seconds = value.as_f64()?;
    (seconds.is_finite() && (0.0..1.8e19).contains(&seconds)).then_some(seconds as u64)
}

/// Whether `value` can go into an HTTP header verbatim and cannot smuggle separators.
pub(crate) fn is_header_safe(value: &str) -> bool {
    (1..=MAX_IDENTIFIER_CHARS).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_graphic())
}
