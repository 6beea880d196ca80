//! Dependency components: extra `.wasm` files a module ships, each linked with only the
//! permissions its `[dependencies.<name>]` table names (least privilege inside a module).

use std::collections::BTreeSet;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::Serialize;

use crate::error::{ManifestError, ManifestErrorCode};
use crate::permission::Permission;
use crate::slug::{slug_problem, suggest_slug};
use crate::verify::{key_path, quoted};

/// Most dependency components a module may declare.
pub const MAX_DEPENDENCIES: usize = 16;

/// A dependency component shipped with the module, and the permissions it alone receives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DependencyDecl {
    /// The key of its `[dependencies.<name>]` table; never the module's own name.
    pub name: DependencyName,
    /// The component file, relative to the manifest's folder; no two dependencies share one.
    pub component: PathBuf,
    /// The permissions linked into this dependency, each also in the module's `permissions`
    /// (empty when the table names none).
    pub permissions: BTreeSet<Permission>,
}

/// A verified dependency name: the same slug rule as a module name (`^[a-z][a-z0-9-]*$`, at
/// most 64 characters, no trailing `-`, no `--`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct DependencyName(String);

impl DependencyName {
    /// The name as written in the manifest.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for DependencyName {
    type Err = ManifestError;

    /// Validates a dependency name; the error is the one the verifier reports for the
    /// `[dependencies.<name>]` table.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match slug_problem(text) {
            None => Ok(Self(text.to_owned())),
            Some(problem) => Err(ManifestError::new(
                key_path("dependencies", text),
                ManifestErrorCode::InvalidDependency,
                format!("dependency name {} {problem}", quoted(text)),
                format!(
                    "name it with a lowercase slug of letters, digits and single dashes, e.g. [dependencies.{}]",
                    suggest_slug(text, "fetcher")
                ),
            )),
        }
    }
}

impl fmt::Display for DependencyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for DependencyName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_names_parse() {
        let name: DependencyName = "price-fetcher2".parse().unwrap();
        assert_eq!(name.as_str(), "price-fetcher2");
    }

    #[test]
    fn invalid_name_error_points_at_the_table_and_suggests_a_slug() {
        let error = "Price_Fetcher".parse::<DependencyName>().unwrap_err();
        assert_eq!(error.code, ManifestErrorCode::InvalidDependency);
        assert_eq!(error.path, "dependencies.Price_Fetcher");
        assert!(
            error.fix.ends_with("[dependencies.price-fetcher]"),
            "{}",
            error.fix
        );
    }
}
