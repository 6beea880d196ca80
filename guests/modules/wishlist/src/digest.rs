//! The price-drop digest: when a product's price falls, every customer who
//! keeps it on their wishlist gets an entry in `mod_wishlist_digest`, and
//! one email about it.
//!
//! - [`record`] handles `product.price-changed` (a typed core event: nothing
//!   to parse). The effect is one INSERT … SELECT over the wishlist items,
//!   run through the ledger so a redelivered event adds nothing twice while
//!   two distinct drops of the same amount both count. Then the customers
//!   of the event's entries are emailed (`digest_mail.rs`), on every
//!   delivery: the host queues each email once per event.
//! - [`list`] answers `GET /digest` with the customer's newest entries.
//! - [`latest_drop`] gives the product card's badge.

use modgate_sdk::events::ProductPriceChanged;
use modgate_sdk::json;
use modgate_sdk::ledger::{Ledger, Once};
use modgate_sdk::tables::{self, Statement, Value};
use modgate_sdk::{Error, log};

use crate::digest_mail;
use modgate_sdk::money::amount;

/// Event ids whose digest entries were written.
const LEDGER: Ledger = Ledger::new("mod_wishlist_ledger");

/// Entries `GET /digest` returns at most.
const MAX_LISTED: u32 = 50;

/// Records a price drop for every customer keeping the product, then emails
/// each of them. A rise, or a change of currency (not comparable), records
/// and sends nothing.
///
/// The emails go out whether the ledger applied the entries now or on an
/// earlier delivery: a delivery that stopped between the two still gets its
/// emails queued by the next one (see `digest_mail.rs`). An error — the
/// email rate limit reached (`rate-limited`), say — fails the delivery, so
/// the event is delivered again later.
pub fn record(event_id: &str, change: &ProductPriceChanged) -> Result<(), Error> {
    let (previous, current) = (&change.previous, &change.current);
    if previous.currency != current.currency || current.amount_minor >= previous.amount_minor {
        return Ok(());
    }
    let effect = Statement {
        sql: "INSERT INTO mod_wishlist_digest (customer_id, product_id, previous_minor, current_minor, currency, event_id) \
              SELECT customer_id, product_id, ?, ?, ?, ? FROM mod_wishlist_items WHERE product_id = ?"
            .to_owned(),
        params: vec![
            Value::Integer(previous.amount_minor),
            Value::Integer(current.amount_minor),
            Value::Text(current.currency.clone()),
            Value::Text(event_id.to_owned()),
            Value::Text(change.product_id.clone()),
        ],
    };
    if LEDGER.once(event_id, &[effect])? == Once::AlreadyApplied {
        log::debug(&format!(
            "price drop {event_id} was recorded on an earlier delivery; its emails are sent again (the host queues each once)"
        ));
    }
    digest_mail::send(event_id, change)
}

/// The customer's digest, newest first, as `{"drops":[...]}`.
pub fn list(customer: &str) -> Result<String, Error> {
    let rows = tables::query(
        &format!(
            "SELECT product_id, previous_minor, current_minor, currency, event_id, created_at \
             FROM mod_wishlist_digest WHERE customer_id = ?1 ORDER BY created_at DESC, id DESC LIMIT {MAX_LISTED}"
        ),
        &[Value::Text(customer.to_owned())],
    )?;
    let drops: Vec<String> = rows
        .rows
        .iter()
        .map(|row| {
            format!(
                "{{\"product_id\":{},\"previous_minor\":{},\"current_minor\":{},\"currency\":{},\"event_id\":{},\"at\":{}}}",
                json_value(row.first()),
                json_value(row.get(1)),
                json_value(row.get(2)),
                json_value(row.get(3)),
                json_value(row.get(4)),
                json_value(row.get(5)),
            )
        })
        .collect();
    Ok(format!("{{\"drops\":[{}]}}", drops.join(",")))
}

/// The badge text for the customer's newest price drop of `product`, if any
/// (one query).
pub fn latest_drop(customer: &str, product: &str) -> Result<Option<String>, Error> {
    let rows = tables::query(
        "SELECT previous_minor, current_minor, currency FROM mod_wishlist_digest \
         WHERE customer_id = ?1 AND product_id = ?2 ORDER BY created_at DESC, id DESC LIMIT 1",
        &[
            Value::Text(customer.to_owned()),
            Value::Text(product.to_owned()),
        ],
    )?;
    Ok(match rows.rows.first().map(Vec::as_slice) {
        Some(
            [
                Value::Integer(previous),
                Value::Integer(current),
                Value::Text(currency),
            ],
        ) => Some(format!(
            "Price dropped: {} → {} {currency}",
            amount(*previous, currency),
            amount(*current, currency)
        )),
        _ => None,
    })
}

fn json_value(value: Option<&Value>) -> String {
    match value {
        Some(Value::Text(text)) => json::string(text),
        Some(Value::Integer(n)) => n.to_string(),
        _ => "null".to_owned(),
    }
}
