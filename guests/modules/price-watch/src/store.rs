//! The module's tables: `mod_price_watch_quotes`, the latest quote per
//! product, and `mod_price_watch_ledger`, the price changes applied. Every
//! statement the module runs; all SQL is parameterised.

use modgate_sdk::Error;
use modgate_sdk::ledger::Ledger;
use modgate_sdk::tables::{self, Statement, Value};

use crate::cheaper::OurPrice;
use crate::quote::Quote;

/// The ids of the price changes whose quote was stored.
pub const LEDGER: Ledger = Ledger::new("mod_price_watch_ledger");

/// A quote as stored, with the shop's price it was compared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The competitor's quote.
    pub quote: Quote,
    /// The shop's price when the quote was fetched.
    pub ours: OurPrice,
    /// The price change that fetched it.
    pub event_id: String,
    /// Whether `cheaper-elsewhere` was emitted for it.
    pub notified: bool,
    /// When it was stored (RFC 3339).
    pub seen_at: String,
}

/// Whether the price change `event_id` was applied already (one query).
pub fn already_applied(event_id: &str) -> Result<bool, Error> {
    let found = tables::query(
        &format!("SELECT 1 FROM {} WHERE event_id = ?", LEDGER.table()),
        &[Value::Text(event_id.to_owned())],
    )?;
    Ok(!found.rows.is_empty())
}

/// The statements that make `quote` (or, with `None`, no quote) the
/// product's latest, for the ledger to run with the event's record: two
/// for a quote, one without.
pub fn replace(
    product_id: &str,
    quote: Option<&Quote>,
    ours: &OurPrice,
    event_id: &str,
) -> Vec<Statement> {
    // Delete then insert rather than an upsert: plain statements behave the
    // same on both backends, and the batch makes the pair atomic.
    let delete = Statement {
        sql: "DELETE FROM mod_price_watch_quotes WHERE product_id = ?".to_owned(),
        params: vec![Value::Text(product_id.to_owned())],
    };
    let Some(quote) = quote else {
        return vec![delete];
    };
    let insert = Statement {
        sql: "INSERT INTO mod_price_watch_quotes \
              (product_id, price_minor, currency, seller, our_price_minor, our_currency, event_id, notified) \
              VALUES (?, ?, ?, ?, ?, ?, ?, 0)"
            .to_owned(),
        params: vec![
            Value::Text(product_id.to_owned()),
            Value::Integer(quote.price_minor),
            Value::Text(quote.currency.clone()),
            Value::Text(quote.seller.clone()),
            Value::Integer(ours.minor),
            Value::Text(ours.currency.clone()),
            Value::Text(event_id.to_owned()),
        ],
    };
    vec![delete, insert]
}

/// The product's latest quote, if any (one query).
pub fn latest(product_id: &str) -> Result<Option<Stored>, Error> {
    let rows = tables::query(
        "SELECT price_minor, currency, seller, our_price_minor, our_currency, event_id, notified, created_at \
         FROM mod_price_watch_quotes WHERE product_id = ?",
        &[Value::Text(product_id.to_owned())],
    )?;
    rows.rows.first().map(|row| stored(row)).transpose()
}

/// Marks the notice of `event_id`'s quote as sent, unless it was already:
/// whether this call marked it (one operation). Marking before emitting
/// means two overlapping deliveries cannot both emit.
pub fn claim_notice(product_id: &str, event_id: &str) -> Result<bool, Error> {
    set_notified(product_id, event_id, 1).map(|changed| changed > 0)
}

/// Gives a claimed notice back after its emit failed, so the next delivery
/// emits it (one operation).
pub fn release_notice(product_id: &str, event_id: &str) -> Result<(), Error> {
    set_notified(product_id, event_id, 0).map(|_| ())
}

fn set_notified(product_id: &str, event_id: &str, notified: i64) -> Result<u64, Error> {
    tables::exec(
        "UPDATE mod_price_watch_quotes SET notified = ? WHERE product_id = ? AND event_id = ? AND notified = ?",
        &[
            Value::Integer(notified),
            Value::Text(product_id.to_owned()),
            Value::Text(event_id.to_owned()),
            Value::Integer(1 - notified),
        ],
    )
}

fn stored(row: &[Value]) -> Result<Stored, Error> {
    match row {
        [
            Value::Integer(price_minor),
            Value::Text(currency),
            Value::Text(seller),
            Value::Integer(our_minor),
            Value::Text(our_currency),
            Value::Text(event_id),
            Value::Integer(notified),
            Value::Text(seen_at),
        ] => Ok(Stored {
            quote: Quote {
                price_minor: *price_minor,
                currency: currency.clone(),
                seller: seller.clone(),
            },
            ours: OurPrice {
                minor: *our_minor,
                currency: our_currency.clone(),
            },
            event_id: event_id.clone(),
            notified: *notified != 0,
            seen_at: seen_at.clone(),
        }),
        other => Err(Error::handler(format!("quotes: unexpected row {other:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote() -> Quote {
        Quote {
            price_minor: 1299,
            currency: "USD".into(),
            seller: "Example Prices".into(),
        }
    }

    fn ours() -> OurPrice {
        OurPrice {
            minor: 1500,
            currency: "USD".into(),
        }
    }

    #[test]
    fn a_quote_replaces_the_products_row_and_no_quote_removes_it() {
        let with = replace("p1", Some(&quote()), &ours(), "e1");
        assert_eq!(with.len(), 2);
        assert!(with[0].sql.starts_with("DELETE") && with[1].sql.starts_with("INSERT"));
        assert_eq!(with[1].params.len(), with[1].sql.matches('?').count());
        let without = replace("p1", None, &ours(), "e1");
        assert_eq!(without.len(), 1);
        assert!(without[0].sql.starts_with("DELETE"));
    }

    #[test]
    fn a_stored_row_is_read_back() {
        let row = vec![
            Value::Integer(1299),
            Value::Text("USD".into()),
            Value::Text("Example Prices".into()),
            Value::Integer(1500),
            Value::Text("USD".into()),
            Value::Text("e1".into()),
            Value::Integer(0),
            Value::Text("2026-12-01T10:00:00Z".into()),
        ];
        let read = stored(&row).unwrap();
        assert_eq!(read.quote, quote());
        assert_eq!(read.ours, ours());
        assert!(!read.notified);
        assert!(stored(&row[..7]).is_err());
    }
}
