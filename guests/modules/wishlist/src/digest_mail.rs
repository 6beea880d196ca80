//! The digest email: each customer who got a digest entry for a price drop
//! (`digest.rs`) receives one email about it, through
//! `email::send_to_customer` (permission `email:send`): the host addresses
//! it, the module never sees an address.
//!
//! **Sent on every delivery of the drop, the first and the redelivered.**
//! The recipients are the customers of the event's digest rows, which the
//! ledger wrote once, so every delivery of the event mails the same
//! customers the same message. That is what makes a crash safe: if a
//! delivery stopped after the ledger committed the digest but before the
//! emails were queued, the redelivery still queues them; and the host
//! queues a message once per (event, recipient, subject, text), so a
//! redelivery whose emails were already queued queues nothing new. The
//! subject and text are built from the event and the product's name only,
//! so they come out the same each time (unless the product is renamed or
//! deleted between two deliveries: then a customer may get a second email).
//!
//! **Outcomes.** `false` from the host means the customer opted out of
//! email, was erased or no longer exists: normal, logged at `debug`.
//! `invalid` (a customer id the host refuses) cannot improve on a retry, so
//! that customer is skipped with a warning. Any other error fails the
//! handler so the event is delivered again later — `rate-limited` above all:
//! the module's email rate limit for the tenant was reached, and the retry
//! sends what is left (what was queued is not queued twice).
//!
//! **Scale.** Every send is one operation of the event's budget (100 by
//! default), on a redelivery too; a first send also counts against the rate
//! limit (a redelivery's already-queued messages do not). A drop
//! on more wishlists than one delivery's budget can mail fails with
//! `budget-exhausted` on every delivery until the event is dead-lettered:
//! past that size, mail in slices and mark who was mailed.

use modgate_sdk::commerce::products;
use modgate_sdk::email;
use modgate_sdk::events::ProductPriceChanged;
use modgate_sdk::tables::{self, Value};
use modgate_sdk::{Error, ErrorCode, log};

use modgate_sdk::money::amount;

/// Characters of a product name kept in an email: a mail client shows about
/// this many of a subject, and it keeps the subject well under the host's
/// limit whatever the catalogue holds.
const MAX_NAME_CHARS: usize = 80;

/// Emails every customer with a digest entry for the drop `event_id`; see
/// the module docs for why this runs on redeliveries too.
pub fn send(event_id: &str, change: &ProductPriceChanged) -> Result<(), Error> {
    let customers = recipients(event_id)?;
    if customers.is_empty() {
        return Ok(());
    }
    let (subject, text) = compose(&product_name(&change.product_id)?, change);
    for customer in &customers {
        match email::send_to_customer(customer, &subject, &text) {
            Ok(true) => {}
            Ok(false) => log::debug(&format!(
                "price drop {event_id}: no email for customer {customer} (opted out, erased or unknown)"
            )),
            Err(e) if e.code == ErrorCode::Invalid => log::warn(&format!(
                "price drop {event_id}: email for customer {customer} refused: {}",
                e.message
            )),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The customers of the event's digest rows (one query).
fn recipients(event_id: &str) -> Result<Vec<String>, Error> {
    let rows = tables::query(
        "SELECT customer_id FROM mod_wishlist_digest WHERE event_id = ? ORDER BY customer_id",
        &[Value::Text(event_id.to_owned())],
    )?;
    Ok(rows
        .rows
        .into_iter()
        .filter_map(|row| match row.into_iter().next() {
            Some(Value::Text(customer)) => Some(customer),
            _ => None,
        })
        .collect())
}

/// The product's name, or its id when the catalogue no longer has it (one
/// call).
fn product_name(product_id: &str) -> Result<String, Error> {
    match products::get(product_id) {
        Ok(product) => Ok(product.name),
        Err(e) if e.code == ErrorCode::NotFound => Ok(product_id.to_owned()),
        Err(e) => Err(e),
    }
}

/// The subject and text of the email about `change` to `name`.
fn compose(name: &str, change: &ProductPriceChanged) -> (String, String) {
    let name = match shortened(name) {
        short if short.is_empty() => shortened(&change.product_id),
        short => short,
    };
    let currency = &change.current.currency;
    let subject = format!("Price drop: {name}");
    let text = format!(
        "Good news: {name} now costs {} {currency}, down from {} {currency}.\n\
         \n\
         You are receiving this email because the product is on your wishlist. \
         Open your wishlist in your account to see it and all your price drops.\n",
        amount(change.current.amount_minor, currency),
        amount(change.previous.amount_minor, currency),
    );
    (subject, text)
}

/// `name` as one line of at most [`MAX_NAME_CHARS`] characters, cut with an
/// ellipsis.
fn shortened(name: &str) -> String {
    let line = email::one_line(name);
    if line.chars().count() <= MAX_NAME_CHARS {
        return line;
    }
    let mut short: String = line.chars().take(MAX_NAME_CHARS - 1).collect();
    short.truncate(short.trim_end().len());
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use modgate_sdk::events::Money;

    use super::*;

    fn price_drop(previous: i64, current: i64) -> ProductPriceChanged {
        let money = |amount_minor| Money {
            amount_minor,
            currency: "EUR".to_owned(),
        };
        ProductPriceChanged {
            product_id: "p-1".to_owned(),
            previous: money(previous),
            current: money(current),
        }
    }

    #[test]
    fn the_subject_names_the_product() {
        let (subject, _) = compose("Blue mug", &price_drop(1250, 990));
        assert_eq!(subject, "Price drop: Blue mug");
    }

    #[test]
    fn the_text_gives_both_prices_in_major_units_and_points_to_the_wishlist() {
        let (_, text) = compose("Blue mug", &price_drop(1250, 990));
        assert!(
            text.contains("Blue mug now costs 9.90 EUR, down from 12.50 EUR."),
            "{text}"
        );
        assert!(text.contains("Open your wishlist"), "{text}");
    }

    #[test]
    fn the_same_drop_composes_the_same_email_every_time() {
        assert_eq!(
            compose("Blue mug", &price_drop(1250, 990)),
            compose("Blue mug", &price_drop(1250, 990))
        );
    }

    #[test]
    fn a_name_with_line_breaks_or_controls_cannot_break_the_subject() {
        let (subject, text) = compose("Mug\r\nBcc: x@y.example\0", &price_drop(1250, 990));
        assert_eq!(subject, "Price drop: Mug Bcc: x@y.example");
        assert!(
            !text.contains('\0') && !text.contains("\r\nBcc"),
            "{text:?}"
        );
    }

    #[test]
    fn a_long_name_is_cut_with_an_ellipsis() {
        let (subject, _) = compose(&"a".repeat(500), &price_drop(1250, 990));
        let name = subject.strip_prefix("Price drop: ").unwrap();
        assert_eq!(name.chars().count(), MAX_NAME_CHARS);
        assert!(name.ends_with('…'), "{name}");
        assert_eq!(
            shortened(&"b".repeat(MAX_NAME_CHARS)),
            "b".repeat(MAX_NAME_CHARS)
        );
    }

    #[test]
    fn a_blank_name_falls_back_to_the_product_id() {
        let (subject, _) = compose(" \n ", &price_drop(1250, 990));
        assert_eq!(subject, "Price drop: p-1");
    }
}
