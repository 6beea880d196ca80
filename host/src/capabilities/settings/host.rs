//! Host side of `modgate:host/settings`.

use crate::bindings::modgate::host::settings::Host;
use crate::engine::CapabilityView;

use super::Settings;

/// What an invocation started without an install sees (a module invoked
/// directly through the engine, as the test kit does): no settings.
const NO_SETTINGS: &str = "{}";

impl Host for CapabilityView<'_, Settings> {
    async fn get(&mut self) -> String {
        // Reading settings is not a data operation: it costs no op, so even
        // a before-hook (no ops at all) can read them.
        match &self.state.settings {
            Some(settings) => settings.document().to_owned(),
            None => NO_SETTINGS.to_owned(),
        }
    }
}
