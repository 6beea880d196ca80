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
