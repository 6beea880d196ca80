//! The secrets the host adds to requests for an allowlist entry. The
//! allowlist stores a secret's *name*; the value comes from a store the
//! integrator chooses (by default the process environment), when a request
//! that passed the guard needs it. A value never reaches the module, the
//! database, the CLI's output or a log line.

use std::collections::HashMap;
use std::fmt;

use http::HeaderValue;

/// A secret's value, ready to go in a header; its `Debug` shows nothing.
#[derive(Clone)]
pub struct SecretValue(HeaderValue);

impl SecretValue {
    /// A value for a header; `None` when it cannot be one (control
    /// characters, line breaks).
    pub fn new(value: &str) -> Option<Self> {
        let mut header = HeaderValue::from_str(value).ok()?;
        header.set_sensitive(true);
        Some(SecretValue(header))
    }

    /// The header value (marked sensitive, so HTTP/2 never indexes it).
    pub fn header_value(&self) -> HeaderValue {
        self.0.clone()
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretValue(..)")
    }
}

/// Where secret values come from.
pub trait SecretStore: Send + Sync {
    /// The value of the secret `name`, if the store has one.
    fn get(&self, name: &str) -> Option<SecretValue>;
}

/// Secrets from the environment: `name` is read from
/// `MODGATE_SECRET_<NAME>` (upper case, `-` as `_`), when a request needs it.
#[derive(Debug, Clone, Copy, Default)]
pub struct EnvSecrets;

impl EnvSecrets {
    /// The variable that holds the secret `name`.
    pub fn variable(name: &str) -> String {
        format!("MODGATE_SECRET_{}", name.to_ascii_uppercase().replace('-', "_"))
    }
}

impl SecretStore for EnvSecrets {
    fn get(&self, name: &str) -> Option<SecretValue> {
        std::env::var(Self::variable(name)).ok().as_deref().and_then(SecretValue::new)
    }
}

/// Secrets given in code (an integrator's vault client fills one, the demo
/// and the tests use it), then the environment.
#[derive(Default)]
pub struct StaticSecrets {
    values: HashMap<String, SecretValue>,
}

impl StaticSecrets {
    /// No secrets but the environment's.
    pub fn new() -> Self {
        StaticSecrets::default()
    }

    /// Sets `name`; a value that cannot be a header value is refused.
    pub fn with(mut self, name: &str, value: &str) -> Option<Self> {
        self.values.insert(name.to_owned(), SecretValue::new(value)?);
        Some(self)
    }
}

impl fmt::Debug for StaticSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticSecrets").field("names", &self.values.keys().collect::<Vec<_>>()).finish()
    }
}

impl SecretStore for StaticSecrets {
    fn get(&self, name: &str) -> Option<SecretValue> {
        self.values.get(name).cloned().or_else(|| EnvSecrets.get(name))
    }
}
