//! Errors and warnings produced while verifying a manifest.
//!
//! Every refusal carries the TOML key path it is about, a stable machine-readable
//! [`ManifestErrorCode`], a message saying what is wrong and a fix saying what to write instead.

use std::fmt;

use serde::Serialize;

/// The stable code of a manifest error. [`ManifestErrorCode::as_str`] is part of the public
/// contract (CLI output, admin API, tests); the message text is not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ManifestErrorCode {
    /// The manifest file could not be read.
    Io,
    /// The manifest is larger than [`crate::MAX_MANIFEST_BYTES`].
    TooLarge,
    /// The text is not valid TOML (or not UTF-8).
    Syntax,
    /// A key that is not part of the manifest format.
    UnknownKey,
    /// A required key is absent.
    MissingKey,
    /// A value has the wrong TOML type (e.g. a number where a string is expected).
    WrongType,
    /// `name` is not a valid module name.
    InvalidName,
    /// `version` is not a semantic version.
    InvalidVersion,
    /// `compatible-core` is not a usable version range.
    InvalidCoreRange,
    /// `compatible-core` does not admit the host's core version.
    IncompatibleCore,
    /// `description` is too long.
    InvalidDescription,
    /// `component` is not a safe relative path to a `.wasm` file.
    InvalidComponent,
    /// A permission that is not in the closed allowlist.
    UnknownPermission,
    /// A permission listed twice.
    DuplicatePermission,
    /// A table declaration is malformed (name, column count, ...).
    InvalidTable,
    /// A column declaration is malformed.
    InvalidColumn,
    /// An index declaration is malformed.
    InvalidIndex,
    /// Two tables with the same name.
    DuplicateTable,
    /// A slot that is not in the slot catalog.
    UnknownSlot,
    /// A slot listed twice.
    DuplicateSlot,
    /// A route declaration is malformed.
    InvalidRoute,
    /// Two routes with the same method and path pattern.
    DuplicateRoute,
    /// A hook declaration is malformed or repeated.
    InvalidHook,
    /// A subscription names no known event or is repeated.
    InvalidSubscription,
    /// `settings` is not a JSON Schema describing an object.
    InvalidSettingsSchema,
    /// A section is used without the permission it needs.
    PermissionRequired,
    /// A dependency is malformed: bad or module's own name, a component another dependency
    /// already uses, or more than [`crate::MAX_DEPENDENCIES`] of them.
    InvalidDependency,
    /// A dependency names a permission the module's top-level `permissions` do not list.
    DependencyPermissionNotRequested,
}

impl ManifestErrorCode {
    /// The stable kebab-case code, e.g. `unknown-key`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Io => "io",
            Self::TooLarge => "too-large",
            Self::Syntax => "syntax",
            Self::UnknownKey => "unknown-key",
            Self::MissingKey => "missing-key",
            Self::WrongType => "wrong-type",
            Self::InvalidName => "invalid-name",
            Self::InvalidVersion => "invalid-version",
            Self::InvalidCoreRange => "invalid-core-range",
            Self::IncompatibleCore => "incompatible-core",
            Self::InvalidDescription => "invalid-description",
            Self::InvalidComponent => "invalid-component",
            Self::UnknownPermission => "unknown-permission",
            Self::DuplicatePermission => "duplicate-permission",
            Self::InvalidTable => "invalid-table",
            Self::InvalidColumn => "invalid-column",
            Self::InvalidIndex => "invalid-index",
            Self::DuplicateTable => "duplicate-table",
            Self::UnknownSlot => "unknown-slot",
            Self::DuplicateSlot => "duplicate-slot",
            Self::InvalidRoute => "invalid-route",
            Self::DuplicateRoute => "duplicate-route",
            Self::InvalidHook => "invalid-hook",
            Self::InvalidSubscription => "invalid-subscription",
            Self::InvalidSettingsSchema => "invalid-settings-schema",
            Self::PermissionRequired => "permission-required",
            Self::InvalidDependency => "invalid-dependency",
            Self::DependencyPermissionNotRequested => "dependency-permission-not-requested",
        }
    }
}

impl fmt::Display for ManifestErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ManifestErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One problem found in a manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ManifestError {
    /// TOML key path such as `tables[1].columns[0].type`, or `(file)` for whole-file problems.
    pub path: String,
    /// Stable code of the problem.
    pub code: ManifestErrorCode,
    /// What is wrong.
    pub message: String,
    /// What to write instead.
    pub fix: String,
}

impl ManifestError {
    /// Builds an error; used by the verifier and by `FromStr` impls of validated newtypes.
    pub fn new(
        path: impl Into<String>,
        code: ManifestErrorCode,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            path: path.into(),
            code,
            message: message.into(),
            fix: fix.into(),
        }
    }
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} (fix: {})", self.path, self.message, self.fix)
    }
}

impl std::error::Error for ManifestError {}

/// Every error found in a manifest; never empty when returned by the verifier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ManifestErrors(pub Vec<ManifestError>);

impl ManifestErrors {
    /// The stable codes of all errors, in report order.
    pub fn codes(&self) -> Vec<ManifestErrorCode> {
        self.0.iter().map(|error| error.code).collect()
    }
}

impl From<ManifestError> for ManifestErrors {
    fn from(error: ManifestError) -> Self {
        Self(vec![error])
    }
}

impl fmt::Display for ManifestErrors {
    /// One line per error, no trailing newline.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ManifestErrors {}

/// Something legal but probably unintended, such as a permission nothing uses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ManifestWarning {
    /// TOML key path the warning is about.
    pub path: String,
    /// What looks wrong.
    pub message: String,
}

impl fmt::Display for ManifestWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_display_has_path_message_and_fix() {
        let error = ManifestError::new(
            "name",
            ManifestErrorCode::InvalidName,
            "bad",
            "write name = \"x\"",
        );
        assert_eq!(error.to_string(), "name: bad (fix: write name = \"x\")");
    }

    #[test]
    fn errors_display_one_line_per_error() {
        let one = ManifestError::new("a", ManifestErrorCode::MissingKey, "m1", "f1");
        let two = ManifestError::new("b", ManifestErrorCode::WrongType, "m2", "f2");
        let errors = ManifestErrors(vec![one, two]);
        assert_eq!(errors.to_string(), "a: m1 (fix: f1)\nb: m2 (fix: f2)");
        assert_eq!(
            errors.codes(),
            [ManifestErrorCode::MissingKey, ManifestErrorCode::WrongType]
        );
    }

    #[test]
    fn codes_are_kebab_case() {
        assert_eq!(ManifestErrorCode::TooLarge.as_str(), "too-large");
        assert_eq!(
            ManifestErrorCode::InvalidSettingsSchema.to_string(),
            "invalid-settings-schema"
        );
    }

    #[test]
    fn warning_display_has_no_fix() {
        let warning = ManifestWarning {
            path: "permissions[0]".into(),
            message: "unused".into(),
        };
        assert_eq!(warning.to_string(), "permissions[0]: unused");
    }
}
