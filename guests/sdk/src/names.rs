//! Names the host expects, checked on the guest side too.

/// Why a name was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameError {
    /// The module name is not a lowercase slug (`^[a-z][a-z0-9-]*$`, at most 64 characters).
    InvalidModuleName(String),
    /// The table suffix is not `[a-z0-9_]+`.
    InvalidSuffix(String),
    /// The whole table name is longer than 63 characters (PostgreSQL's limit).
    TooLong(String),
}

impl core::fmt::Display for NameError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            NameError::InvalidModuleName(n) => {
                write!(f, "module name {n:?} is not a lowercase slug like \"wishlist\" or \"gift-cards\"")
            }
            NameError::InvalidSuffix(s) => {
                write!(f, "table suffix {s:?} must use only a-z, 0-9 and _")
            }
            NameError::TooLong(t) => write!(f, "table name {t:?} is longer than 63 characters"),
        }
    }
}

impl std::error::Error for NameError {}

/// The name of a module's own table: `mod_<module>_<suffix>`, with `-` in the
/// module name turned into `_`. This is the name to declare in `module.toml`
/// and to use in SQL.
///
/// ```
/// assert_eq!(modgate_sdk::namespaced_table("gift-cards", "codes").unwrap(), "mod_gift_cards_codes");
/// assert!(modgate_sdk::namespaced_table("Gift", "codes").is_err());
/// assert!(modgate_sdk::namespaced_table("gift", "codes; drop").is_err());
/// ```
pub fn namespaced_table(module: &str, suffix: &str) -> Result<String, NameError> {
    let slug_ok = module.len() <= 64
        && module.starts_with(|c: char| c.is_ascii_lowercase())
        && module
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !slug_ok {
        return Err(NameError::InvalidModuleName(module.to_owned()));
    }
    let suffix_ok = !suffix.is_empty()
        && suffix
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !suffix_ok {
        return Err(NameError::InvalidSuffix(suffix.to_owned()));
    }
    let name = format!("mod_{}_{}", module.replace('-', "_"), suffix);
    if name.len() > 63 {
        return Err(NameError::TooLong(name));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashes_in_module_names_become_underscores() {
        assert_eq!(namespaced_table("gift-cards", "codes").unwrap(), "mod_gift_cards_codes");
    }

    #[test]
    fn uppercase_or_punctuation_is_refused() {
        assert!(matches!(namespaced_table("Wish", "x"), Err(NameError::InvalidModuleName(_))));
        assert!(matches!(namespaced_table("wish", "a-b"), Err(NameError::InvalidSuffix(_))));
        assert!(matches!(namespaced_table("wish", ""), Err(NameError::InvalidSuffix(_))));
    }

    #[test]
    fn names_longer_than_postgres_allows_are_refused() {
        let long = "a".repeat(60);
        assert!(matches!(namespaced_table("wish", &long), Err(NameError::TooLong(_))));
    }
}
