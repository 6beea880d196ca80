//! The module name: a lowercase slug that also prefixes the module's tables and events.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::error::{ManifestError, ManifestErrorCode};
use crate::slug::{slug_problem, suggest_slug};

/// A verified module name (`^[a-z][a-z0-9-]*$`, at most 64 characters, no trailing `-`,
/// no `--`). It is the module's identity: its mount `/modules/<name>/`, its table prefix and
/// its event namespace `mod.<name>.*`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ModuleName(String);

impl ModuleName {
    /// The name as written in the manifest.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The prefix every table of this module must carry: `mod_` + the name with `-` replaced
    /// by `_` + `_` (e.g. `gift-wrap` → `mod_gift_wrap_`).
    pub fn table_prefix(&self) -> String {
        format!("mod_{}_", self.0.replace('-', "_"))
    }
}

impl FromStr for ModuleName {
    type Err = ManifestError;

    /// Validates a module name; the error is the one the verifier reports for `name`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match slug_problem(text) {
            None => Ok(Self(text.to_owned())),
            Some(problem) => Err(ManifestError::new(
                "name",
                ManifestErrorCode::InvalidName,
                format!("module name {text:?} {problem}"),
                format!(
                    "use a lowercase slug of letters, digits and single dashes, e.g. name = \"{}\"",
                    suggest_slug(text, "my-module")
                ),
            )),
        }
    }
}

impl fmt::Display for ModuleName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for ModuleName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_prefix_replaces_dashes() {
        let name: ModuleName = "gift-wrap".parse().unwrap();
        assert_eq!(name.table_prefix(), "mod_gift_wrap_");
        assert_eq!(name.as_str(), "gift-wrap");
    }

    #[test]
    fn invalid_name_error_suggests_a_slug() {
        let error = "Gift_Wrap".parse::<ModuleName>().unwrap_err();
        assert_eq!(error.code, ManifestErrorCode::InvalidName);
        assert!(error.fix.contains("name = \"gift-wrap\""), "{}", error.fix);
    }
}
