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
    /// A full table name is not `mod_` followed by `[a-z0-9_]+`.
    InvalidTableName(String),
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
            NameError::InvalidTableName(t) => {
                write!(f, "table name {t:?} is not a module table like \"mod_wishlist_items\" (mod_, then a-z, 0-9 and _)")
            }
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

/// Checks a full module table name as written in SQL (`mod_<module>_<suffix>`,
/// see [`namespaced_table`]): only `mod_` followed by `a-z`, `0-9` and `_`, at
/// most 63 characters. Which module owns it is the host's check.
pub(crate) fn check_module_table(name: &str) -> Result<(), NameError> {
    let valid = name.strip_prefix("mod_").is_some_and(|rest| {
        !rest.is_empty() && rest.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    });
    if !valid {
        return Err(NameError::InvalidTableName(name.to_owned()));
    }
    if name.len() > 63 {
        return Err(NameError::TooLong(name.to_owned()));
    }
    Ok(())
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

    #[test]
    fn module_table_names_are_mod_prefixed_lowercase_words() {
        assert!(check_module_table("mod_wishlist_ledger").is_ok());
        assert!(check_module_table(&namespaced_table("gift-cards", "ledger").unwrap()).is_ok());
        for bad in ["wishlist_ledger", "mod_", "mod_Ledger", "mod_x; DROP TABLE y", "mod_x y", "mod_\"x\"", "modgate_installs"] {
            assert!(matches!(check_module_table(bad), Err(NameError::InvalidTableName(_))), "{bad}");
        }
        let long = format!("mod_{}", "a".repeat(60));
        assert!(matches!(check_module_table(&long), Err(NameError::TooLong(_))));
    }
}
