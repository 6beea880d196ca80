//! Storefront slots: typed widgets from a closed catalog, never HTML.
//!
//! The host calls [`Slots::render`] for the slots the manifest declares and
//! validates what comes back: labels are plain text (markup is refused), and
//! links and actions must point under the module's own mount,
//! `/modules/<name>/`.

use crate::bindings::exports::modgate::host::slot_provider::Guest;
pub use crate::bindings::exports::modgate::host::slot_provider::{
    Badge, Link, SlotRequest, ToggleButton, Tone, Widget,
};
use crate::Error;

/// What a module that fills storefront slots implements.
pub trait Slots {
    /// The widgets for one slot. Runs under the `slot` budget (few
    /// operations, a short deadline): keep it to a query or two.
    fn render(request: SlotRequest) -> Result<Vec<Widget>, Error>;
}

impl<T: Slots> Guest for T {
    fn render(request: SlotRequest) -> Result<Vec<Widget>, Error> {
        T::render(request)
    }
}
