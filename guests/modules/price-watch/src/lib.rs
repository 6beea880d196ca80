//! The price-watch reference module: outgoing HTTP (`http:outbound`).
//!
//! When a product's price changes, it asks a competitor price API for that
//! product's price, keeps the latest quote, and tells other modules and
//! shoppers when the product is cheaper elsewhere:
//!
//! | where | file | budget | what it does |
//! |---|---|---|---|
//! | `product.price-changed` | `watch.rs` | at most 8 of 100 operations | `GET {api}/v1/prices/{product_id}` (`price_api.rs`), stores the quote (`store.rs`), emits `mod.price-watch.cheaper-elsewhere` when cheaper (`cheaper.rs`) |
//! | `GET /quotes/{product_id}` | `routes.rs` | 1 operation | the stored quote as JSON |
//! | slot `product-card.badges` | `lib.rs` | 1 of 10 operations | "Seen for $12.99 at Example Prices" when cheaper |
//!
//! - Only the event handler makes a request. The slot and the route read
//!   the module's table: a slot must answer within a few operations and a
//!   short deadline, and a shopper's page view must not reach a third party.
//! - The API is a third party: its answer is checked before it is stored
//!   (`quote.rs`), and a seller's name is made a valid badge whatever it
//!   holds. A redirect is not followed (the host never follows one).
//! - A request the host refuses (the API's host not allowlisted for this
//!   module, say) or that fails is logged, and the delivery fails, so the
//!   price change is delivered again later; a 404 is no quote.
//! - The `api` setting is read on every delivery (`settings.rs`).

mod cheaper;
mod price_api;
mod quote;
mod routes;
mod settings;
mod store;
mod watch;

use modgate_sdk::commerce::{Page, products};
use modgate_sdk::events::{CoreEvent, CorePayload};
use modgate_sdk::{
    Badge, Error, ErrorCode, Module, Request, Response, Serve, SlotRequest, Slots, Subscriber,
    Tone, Widget, log,
};

struct PriceWatch;

impl Module for PriceWatch {
    fn activate(settings: &str) -> Result<(), Error> {
        // A base URL the module could not use refuses the install, naming it.
        let api = settings::api(settings)?;
        match products::list(Page {
            offset: 0,
            limit: 1,
        }) {
            Ok(_) => log::info(&format!("price-watch activated: quotes from {api}")),
            // A host without a catalogue (the bare `modgate` CLI) can still
            // install the module; the storefront provides one.
            Err(e) if e.code == ErrorCode::NotAvailable => log::warn(&format!(
                "price-watch activated: quotes from {api}; no catalogue on this host yet"
            )),
            Err(e) => return Err(e),
        }
        Ok(())
    }
}

impl Subscriber for PriceWatch {
    fn core_event(event: CoreEvent) -> Result<(), Error> {
        match &event.payload {
            CorePayload::ProductPriceChanged(change) => watch::price_changed(&event.id, change),
            // Not in the manifest's subscriptions: never delivered.
            _ => Ok(()),
        }
    }
}

impl Serve for PriceWatch {
    fn handle(request: Request) -> Response {
        routes::handle(&request)
    }
}

impl Slots for PriceWatch {
    fn render(request: SlotRequest) -> Result<Vec<Widget>, Error> {
        let Some(product) = request.product_id else {
            return Ok(Vec::new());
        };
        if routes::check_product_id(&product).is_err() {
            return Ok(Vec::new());
        }
        // One query, no request: the slot budget is 10 operations.
        Ok(match store::latest(&product)? {
            Some(stored) if cheaper::is_cheaper(&stored.quote, &stored.ours) => {
                vec![Widget::Badge(Badge {
                    text: cheaper::badge_text(&stored.quote),
                    tone: Tone::Info,
                })]
            }
            _ => Vec::new(),
        })
    }
}

modgate_sdk::export_module!(PriceWatch);
