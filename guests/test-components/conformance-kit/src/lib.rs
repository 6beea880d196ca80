//! Helpers shared by the conformance test components.
//!
//! Conformance components get their expectations through the settings
//! string as `key=value` pairs separated by `;` (e.g. `expect=p-1;absent=x`),
//! run their checks in `activate`, and fail it with a message naming the
//! first check that did not hold.

use modgate_sdk::{Error, ErrorCode};

/// The value of `key` in the `key=value;...` settings string.
pub fn param<'a>(settings: &'a str, key: &str) -> Result<&'a str, Error> {
    settings
        .split(';')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| k.trim() == key)
        .map(|(_, v)| v.trim())
        .ok_or_else(|| Error::invalid(format!("conformance settings lack `{key}`")))
}

/// Fails with `what` unless `holds`.
pub fn check(holds: bool, what: &str) -> Result<(), Error> {
    if holds { Ok(()) } else { Err(Error::handler(format!("conformance check failed: {what}"))) }
}

/// Fails unless `result` is an error with `code`.
pub fn expect_code<T>(result: Result<T, Error>, code: ErrorCode, what: &str) -> Result<(), Error> {
    match result {
        Err(e) if e.code == code => Ok(()),
        Err(e) => Err(Error::handler(format!("conformance check failed: {what}: expected {code:?}, got {e}"))),
        Ok(_) => Err(Error::handler(format!("conformance check failed: {what}: expected {code:?}, got success"))),
    }
}

/// Whether `id` is a ULID as the host writes them: 26 characters of
/// Crockford base32, upper case (no I, L, O, U), the first at most `7`.
pub fn is_ulid(id: &str) -> bool {
    const CROCKFORD: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    id.len() == 26 && id.bytes().all(|b| CROCKFORD.contains(&b)) && id.as_bytes()[0] <= b'7'
}

/// Whether `timestamp` looks like an RFC 3339 UTC timestamp
/// (`2026-12-01T10:00:00Z`, optionally with fractional seconds).
pub fn is_utc_timestamp(timestamp: &str) -> bool {
    let bytes = timestamp.as_bytes();
    bytes.len() >= 20
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[10] == b'T'
        && bytes[13] == b':'
        && bytes[16] == b':'
        && timestamp.ends_with('Z')
}
