//! What the admin API is configured with: who may call it and how much it
//! holds for pending reviews.

use std::time::Duration;

/// An operator allowed to call the admin API.
#[derive(Clone, PartialEq, Eq)]
pub struct Operator {
    /// The name the audit log records (`operator:<name>`).
    pub name: String,
    /// The bearer token (compared in constant time; never logged).
    pub token: String,
}

impl std::fmt::Debug for Operator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Operator").field("name", &self.name).finish_non_exhaustive()
    }
}

/// The admin API's settings. Every knob has a documented default.
#[derive(Debug, Clone)]
pub struct AdminConfig {
    /// Who may call it. An API with no operator refuses every request.
    pub operators: Vec<Operator>,
    /// How long an install review waits for its confirmation. Default 30 min.
    pub review_ttl: Duration,
    /// Reviews held at once (each holds its component, up to
    /// `max_component_bytes`); the oldest goes first. Default 8.
    pub max_pending_reviews: usize,
    /// Largest request body: an uploaded component and its manifest.
    /// Default 33 MiB (the engine's default largest component + 1 MiB).
    pub max_upload_bytes: usize,
}

impl Default for AdminConfig {
    fn default() -> Self {
        AdminConfig {
            operators: Vec::new(),
            review_ttl: Duration::from_secs(30 * 60),
            max_pending_reviews: 8,
            max_upload_bytes: 33 << 20,
        }
    }
}
