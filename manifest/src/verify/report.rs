//! Collects every error and warning of one verification run, so all are reported at once.

use crate::error::{ManifestError, ManifestErrorCode, ManifestErrors, ManifestWarning};

/// The errors and warnings found so far.
#[derive(Default)]
pub(crate) struct Report {
    pub(crate) errors: Vec<ManifestError>,
    pub(crate) warnings: Vec<ManifestWarning>,
}

impl Report {
    /// Records an error.
    pub(crate) fn error(
        &mut self,
        path: impl Into<String>,
        code: ManifestErrorCode,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) {
        self.errors
            .push(ManifestError::new(path, code, message, fix));
    }

    /// Records an already built error (e.g. from a validating `FromStr`).
    pub(crate) fn push(&mut self, error: ManifestError) {
        self.errors.push(error);
    }

    /// Records a warning.
    pub(crate) fn warn(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(ManifestWarning {
            path: path.into(),
            message: message.into(),
        });
    }

    /// The errors, if there are any.
    pub(crate) fn into_errors(self) -> ManifestErrors {
        ManifestErrors(self.errors)
    }
}
