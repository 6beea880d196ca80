//! The admin API's errors: a status, the same stable code the CLI prints,
//! a message that says how to fix it, and the details when there are
//! several (invalid settings, manifest problems).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::lifecycle::InstallError;

/// A refused or failed admin request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    /// HTTP status.
    #[serde(skip)]
    pub status: StatusCode,
    /// Stable code, e.g. `not-installed`, `invalid-settings`.
    pub error: String,
    /// What went wrong and the fix.
    pub message: String,
    /// Each problem, when there are several.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

impl ApiError {
    /// An error with no detail list.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError { status, error: code.to_owned(), message: message.into(), problems: Vec::new() }
    }

    /// A request body or parameter the API cannot use.
    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }
}

impl From<InstallError> for ApiError {
    fn from(error: InstallError) -> Self {
        let status = match &error {
            InstallError::NotInstalled { .. } => StatusCode::NOT_FOUND,
            InstallError::Storage(_) | InstallError::Corrupt { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            // The request could succeed once the install's state changes
            // (risk acknowledged, destruction allowed, a version staged).
            InstallError::AcknowledgementRequired(_)
            | InstallError::DestructiveChange(_)
            | InstallError::KeptTableConflict(_)
            | InstallError::NothingStaged { .. } => StatusCode::CONFLICT,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!("admin request failed: {error}");
        }
        let problems = match &error {
            InstallError::InvalidSettings(problems) => problems.iter().map(ToString::to_string).collect(),
            InstallError::InvalidManifest(errors) => errors.to_string().lines().map(str::to_owned).collect(),
            _ => Vec::new(),
        };
        ApiError { status, error: error.code().to_owned(), message: error.to_string(), problems }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self)).into_response()
    }
}
