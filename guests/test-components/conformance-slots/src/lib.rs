//! Conformance for world `modgate:host/slots`: the host calls `render` with
//! the slot, product and verified customer, and serves the widgets it
//! returns — one of each type from the catalog, all under the mount.

use modgate_sdk::{Badge, Error, Link, SlotRequest, Slots, ToggleButton, Tone, Widget};

struct Widgets;

impl modgate_sdk::Module for Widgets {
    fn activate(_settings: &str) -> Result<(), Error> {
        Ok(())
    }
}

impl Slots for Widgets {
    fn render(request: SlotRequest) -> Result<Vec<Widget>, Error> {
        let product = request.product_id.unwrap_or_else(|| "none".to_owned());
        let customer = request.customer_id.unwrap_or_else(|| "anonymous".to_owned());
        Ok(vec![
            Widget::ToggleButton(ToggleButton {
                label: "Follow".to_owned(),
                active_label: "Following".to_owned(),
                active: customer != "anonymous",
                action: format!("/modules/conformance/follow/{product}"),
            }),
            Widget::Badge(Badge { text: format!("slot {}", request.slot), tone: Tone::Info }),
            Widget::Text(format!("for {customer}")),
            Widget::Link(Link { label: "Details".to_owned(), href: format!("/modules/conformance/about?product={product}") }),
        ])
    }
}

modgate_sdk::export_module!(Widgets);
