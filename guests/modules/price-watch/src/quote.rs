//! A competitor's quote as the price API writes it:
//! `{"product_id":"p1","price_minor":1299,"currency":"USD","seller":"Example Prices"}`.
//!
//! The API is a third party: everything is checked before it is stored —
//! the quote must be for the product asked about, the price a whole number
//! of minor units, the currency an ISO 4217 code, the seller one short line.

use modgate_sdk::email::one_line;
use modgate_sdk::json::JsonValue;

/// Longest seller name kept (characters).
pub const MAX_SELLER_CHARS: usize = 100;

/// A competitor's price for one product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// The price, in minor units of `currency`.
    pub price_minor: i64,
    /// ISO 4217 code, e.g. `USD`.
    pub currency: String,
    /// Who sells at that price, as one line.
    pub seller: String,
}

/// The quote in `document` for `product_id`; `Err` says what is wrong with
/// the answer.
pub fn parse(document: &JsonValue, product_id: &str) -> Result<Quote, String> {
    match document.get_str("product_id") {
        Some(id) if id == product_id => {}
        Some(id) => {
            return Err(format!(
                "the quote is for product {id:?}, not {product_id:?}"
            ));
        }
        None => return Err("the quote has no string `product_id`".to_owned()),
    }
    let price_minor = document
        .get_i64("price_minor")
        .filter(|price| *price >= 0)
        .ok_or("`price_minor` is not a whole number of minor units, 0 or more")?;
    let currency = document
        .get_str("currency")
        .filter(|code| code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()))
        .ok_or("`currency` is not an ISO 4217 code like \"USD\"")?;
    let seller = document.get_str("seller").map(one_line).unwrap_or_default();
    if seller.is_empty() || seller.chars().count() > MAX_SELLER_CHARS {
        return Err(format!(
            "`seller` is not a name of 1 to {MAX_SELLER_CHARS} characters"
        ));
    }
    Ok(Quote {
        price_minor,
        currency: currency.to_owned(),
        seller,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use modgate_sdk::json;

    fn read(text: &str) -> Result<Quote, String> {
        parse(&json::parse(text).unwrap(), "p1")
    }

    #[test]
    fn a_quote_as_the_api_writes_it_is_read() {
        let quote = read(
            r#"{"product_id":"p1","price_minor":1299,"currency":"USD","seller":"Example Prices"}"#,
        );
        assert_eq!(
            quote,
            Ok(Quote {
                price_minor: 1299,
                currency: "USD".into(),
                seller: "Example Prices".into()
            })
        );
    }

    #[test]
    fn a_quote_for_another_product_is_refused() {
        let error = read(r#"{"product_id":"p2","price_minor":1,"currency":"USD","seller":"x"}"#)
            .unwrap_err();
        assert!(error.contains("p2"), "{error}");
    }

    #[test]
    fn prices_currencies_and_sellers_that_cannot_be_shown_are_refused() {
        for text in [
            r#"{"product_id":"p1","price_minor":-1,"currency":"USD","seller":"x"}"#,
            r#"{"product_id":"p1","price_minor":12.99,"currency":"USD","seller":"x"}"#,
            r#"{"product_id":"p1","price_minor":"1299","currency":"USD","seller":"x"}"#,
            r#"{"product_id":"p1","price_minor":1299,"currency":"usd","seller":"x"}"#,
            r#"{"product_id":"p1","price_minor":1299,"currency":"US$","seller":"x"}"#,
            r#"{"product_id":"p1","price_minor":1299,"currency":"USD","seller":" \n "}"#,
            r#"{"product_id":"p1","price_minor":1299,"currency":"USD"}"#,
            r#"{"price_minor":1299,"currency":"USD","seller":"x"}"#,
        ] {
            assert!(read(text).is_err(), "{text}");
        }
        let long = format!(
            r#"{{"product_id":"p1","price_minor":1,"currency":"USD","seller":"{}"}}"#,
            "s".repeat(MAX_SELLER_CHARS + 1)
        );
        assert!(read(&long).is_err());
    }

    #[test]
    fn a_seller_becomes_one_line() {
        let quote = read(
            r#"{"product_id":"p1","price_minor":1,"currency":"USD","seller":" Example\r\nPrices "}"#,
        );
        assert_eq!(quote.unwrap().seller, "Example Prices");
    }
}
