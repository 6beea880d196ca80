//! `product.price-changed`: ask the competitor, keep the quote, and say so
//! when they are cheaper.
//!
//! 1. Unless the ledger has the event already (a redelivery): fetch the
//!    quote (`price_api.rs`) and, through the ledger, make it the product's
//!    latest — or remove the product's quote when the API has none. A
//!    failed request fails the delivery before anything is written, so the
//!    event is delivered again later.
//! 2. On every delivery: when the product's quote is this event's, is
//!    cheaper than the new price, and its notice was not sent, claim the
//!    notice and emit `mod.price-watch.cheaper-elsewhere`. A failed emit
//!    gives the claim back and fails the delivery, so a retry sends it.
//!
//! So the quote is written once per event and the event emitted at most
//! once (a delivery that stops between the claim and the emit loses it).
//! When a later price change replaced the quote before a retry, the stale
//! notice is not sent. At most 8 operations of the event budget's 100.

use modgate_sdk::events::{ProductPriceChanged, emit};
use modgate_sdk::{Error, log, settings};

use crate::cheaper::{self, OurPrice};
use crate::store::{self, LEDGER};
use crate::{price_api, settings as api_settings};

/// Handles one price change.
pub fn price_changed(event_id: &str, change: &ProductPriceChanged) -> Result<(), Error> {
    let product = change.product_id.as_str();
    let ours = OurPrice {
        minor: change.current.amount_minor,
        currency: change.current.currency.clone(),
    };
    if !store::already_applied(event_id)? {
        let api = api_settings::api(&settings::get())?;
        let quote = price_api::fetch(&api, product)?;
        LEDGER.once(
            event_id,
            &store::replace(product, quote.as_ref(), &ours, event_id),
        )?;
    }
    notify(event_id, product)
}

/// Emits `cheaper-elsewhere` for the event's quote, once.
fn notify(event_id: &str, product: &str) -> Result<(), Error> {
    let Some(stored) = store::latest(product)? else {
        return Ok(());
    };
    let pending = stored.event_id == event_id
        && !stored.notified
        && cheaper::is_cheaper(&stored.quote, &stored.ours);
    if !pending || !store::claim_notice(product, event_id)? {
        return Ok(());
    }
    let payload = cheaper::payload(product, &stored.quote, &stored.ours);
    if let Err(e) = emit(cheaper::EVENT, &payload) {
        if let Err(release) = store::release_notice(product, event_id) {
            log::error(&format!(
                "cheaper-elsewhere for {product} (event {event_id}) was not emitted and cannot be retried: {release}"
            ));
        }
        return Err(e);
    }
    Ok(())
}
