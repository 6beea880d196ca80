//! Tenant identifiers: chosen by the host, shared by the engine (every
//! invocation runs for one) and storage (every tenant has its own tables).

/// Longest tenant id: PostgreSQL identifiers hold 63 characters and the
/// tenant's schema is `mg_t_<tenant>`.
pub const MAX_TENANT_ID_CHARS: usize = 48;

/// The tenant an invocation runs for. Chosen by the host (never by a
/// module); every capability scopes its data to it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TenantId(String);

/// A tenant id that is not a lowercase slug.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("tenant id {0:?} must be a lowercase slug (a-z, 0-9, '-'; at most 48 characters, starting with a letter, no trailing or doubled '-')")]
pub struct InvalidTenantId(pub String);

impl TenantId {
    /// Validates and wraps a tenant id.
    pub fn new(id: impl Into<String>) -> Result<Self, InvalidTenantId> {
        let id = id.into();
        match modgate_manifest::check_slug(&id, MAX_TENANT_ID_CHARS) {
            Ok(()) => Ok(TenantId(id)),
            Err(_) => Err(InvalidTenantId(id)),
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for TenantId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_ids_are_slugs() {
        assert!(TenantId::new("acme").is_ok());
        assert!(TenantId::new("acme-2").is_ok());
        assert_eq!(TenantId::new("Acme"), Err(InvalidTenantId("Acme".into())));
        assert!(TenantId::new("").is_err());
        assert!(TenantId::new("a/../b").is_err());
    }
}
