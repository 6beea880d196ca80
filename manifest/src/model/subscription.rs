//! Event subscriptions: curated core events and other modules' `mod.<name>.<event>` events.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::error::ManifestError;

/// The curated core events a module may subscribe to.
pub const CORE_EVENTS: [&str; 9] = [
    "order.created",
    "order.paid",
    "order.cancelled",
    "product.created",
    "product.updated",
    "product.deleted",
    "product.price-changed",
    "product.stock-changed",
    "customer.created",
];

/// A verified event name: one of [`CORE_EVENTS`] or `mod.<module-name>.<event-name>` where both
/// parts are lowercase slugs.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Subscription(pub(crate) String);

impl Subscription {
    /// The event name as written in the manifest.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is one of the [`CORE_EVENTS`].
    pub fn is_core(&self) -> bool {
        CORE_EVENTS.contains(&self.0.as_str())
    }

    /// The emitting module's name for a `mod.<name>.<event>` event, `None` for core events.
    pub fn module(&self) -> Option<&str> {
        self.0.strip_prefix("mod.")?.split('.').next()
    }
}

impl FromStr for Subscription {
    type Err = ManifestError;

    /// Validates an event name; the error is the one the verifier reports for it.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        crate::verify::subscriptions::parse_event(text, "subscriptions")
    }
}

impl fmt::Display for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
