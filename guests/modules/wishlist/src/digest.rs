//! The price-drop digest: when a product's price falls, every customer who
//! keeps it on their wishlist gets an entry in `mod_wishlist_digest`.
//!
//! - [`record`] handles `product.price-changed` (a typed core event: nothing
//!   to parse). The effect is one INSERT … SELECT over the wishlist items,
//!   run through the ledger so a redelivered event adds nothing twice while
//!   two distinct drops of the same amount both count.
//! - [`list`] answers `GET /digest` with the customer's newest entries.
//! - [`latest_drop`] gives the product card's badge.

use modgate_sdk::events::ProductPriceChanged;
use modgate_sdk::ledger::{Ledger, Once};
use modgate_sdk::tables::{self, Statement, Value};
use modgate_sdk::{Error, log};

use crate::json;

/// Event ids whose digest entries were written.
const LEDGER: Ledger = Ledger::new("mod_wishlist_ledger");

/// Entries `GET /digest` returns at most.
const MAX_LISTED: u32 = 50;

/// Records a price drop for every customer keeping the product. A rise, or a
/// change of currency (not comparable), records nothing.
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
            "price drop {event_id} was recorded on an earlier delivery"
        ));
    }
    Ok(())
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

/// Currencies without minor units, and with three (ISO 4217); the rest have two.
const NO_DECIMALS: [&str; 16] = [
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND",
    "VUV", "XAF", "XOF",
];
const THREE_DECIMALS: [&str; 7] = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

/// An amount in minor units written in major units, e.g. `1250` EUR → `12.50`.
fn amount(minor: i64, currency: &str) -> String {
    let decimals = if NO_DECIMALS.contains(&currency) {
        0
    } else if THREE_DECIMALS.contains(&currency) {
        3
    } else {
        2
    };
    let sign = if minor < 0 { "-" } else { "" };
    let magnitude = minor.unsigned_abs();
    if decimals == 0 {
        return format!("{sign}{magnitude}");
    }
    let unit = 10u64.pow(decimals);
    format!(
        "{sign}{}.{:0width$}",
        magnitude / unit,
        magnitude % unit,
        width = decimals as usize
    )
}

#[cfg(test)]
mod tests {
    use super::amount;

    #[test]
    fn amounts_are_written_in_major_units() {
        assert_eq!(amount(1250, "EUR"), "12.50");
        assert_eq!(amount(990, "EUR"), "9.90");
        assert_eq!(amount(5, "USD"), "0.05");
        assert_eq!(amount(-1250, "EUR"), "-12.50");
        assert_eq!(amount(1500, "JPY"), "1500");
        assert_eq!(amount(1500, "KWD"), "1.500");
        assert_eq!(amount(i64::MIN, "EUR"), "-92233720368547758.08");
    }
}
