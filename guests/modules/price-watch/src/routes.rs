//! The HTTP routes under `/modules/price-watch/`. Quotes are public prices:
//! no route needs a signed-in customer.
//!
//! - `GET /quotes/{product_id}`: the product's latest quote, as
//!   `{"product_id", "price_minor", "currency", "seller", "our_price_minor",
//!   "our_currency", "cheaper", "seen_at"}`; 404 `no-quote` when there is
//!   none.

use modgate_sdk::json;
use modgate_sdk::{Error, Request, Response};

use crate::cheaper;
use crate::store::{self, Stored};

/// Longest product id accepted in a path.
const MAX_PRODUCT_ID: usize = 64;

/// Answers one request.
pub fn handle(request: &Request) -> Response {
    let segments = request.segments();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (request.method.as_str(), segments.as_slice()) {
        ("GET", ["quotes", product]) => quote(product).unwrap_or_else(|e| from_error(&e)),
        _ => Response::error(404, "not-found", "no such price-watch endpoint"),
    }
}

fn quote(product: &str) -> Result<Response, Error> {
    check_product_id(product)?;
    Ok(match store::latest(product)? {
        Some(stored) => Response::json(200, quote_json(product, &stored)),
        None => Response::error(
            404,
            "no-quote",
            "the price API has given no quote for this product yet",
        ),
    })
}

fn quote_json(product: &str, stored: &Stored) -> String {
    format!(
        "{{\"product_id\":{},\"price_minor\":{},\"currency\":{},\"seller\":{},\"our_price_minor\":{},\"our_currency\":{},\"cheaper\":{},\"seen_at\":{}}}",
        json::string(product),
        stored.quote.price_minor,
        json::string(&stored.quote.currency),
        json::string(&stored.quote.seller),
        stored.ours.minor,
        json::string(&stored.ours.currency),
        cheaper::is_cheaper(&stored.quote, &stored.ours),
        json::string(&stored.seen_at),
    )
}

/// A product id as the storefront writes them: 1 to 64 letters, digits,
/// `-` or `_`. Anything else cannot name a product, so it is refused
/// before a query is spent on it.
pub fn check_product_id(product: &str) -> Result<(), Error> {
    let valid = !product.is_empty()
        && product.len() <= MAX_PRODUCT_ID
        && product
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if valid {
        Ok(())
    } else {
        Err(Error::invalid(
            "a product id is 1 to 64 letters, digits, '-' or '_'",
        ))
    }
}

fn from_error(e: &Error) -> Response {
    Response::from_error(e, "the quote could not be read")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cheaper::OurPrice;
    use crate::quote::Quote;

    #[test]
    fn a_stored_quote_is_served_as_json_that_cannot_be_read_as_markup() {
        let stored = Stored {
            quote: Quote {
                price_minor: 1299,
                currency: "USD".into(),
                seller: "<Example> Prices".into(),
            },
            ours: OurPrice {
                minor: 1500,
                currency: "USD".into(),
            },
            event_id: "e1".into(),
            notified: true,
            seen_at: "2026-12-01T10:00:00Z".into(),
        };
        let text = quote_json("p1", &stored);
        assert!(!text.contains('<'), "{text}");
        let parsed = json::parse(&text).unwrap();
        assert_eq!(parsed.get_str("product_id"), Some("p1"));
        assert_eq!(parsed.get_i64("price_minor"), Some(1299));
        assert_eq!(parsed.get_str("seller"), Some("<Example> Prices"));
        assert_eq!(parsed.get_i64("our_price_minor"), Some(1500));
        assert_eq!(parsed.get_bool("cheaper"), Some(true));
    }

    #[test]
    fn product_ids_are_letters_digits_dashes_and_underscores() {
        for good in ["p1", "espresso-cup", "P_2"] {
            assert!(check_product_id(good).is_ok(), "{good}");
        }
        for bad in ["", "p 1", "p/1", "é", &"a".repeat(MAX_PRODUCT_ID + 1)] {
            assert!(check_product_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unknown_paths_and_methods_are_not_found() {
        for (method, path) in [
            ("GET", "/quotes"),
            ("POST", "/quotes/p1"),
            ("GET", "/other/p1"),
        ] {
            let request = Request {
                method: method.into(),
                path: path.into(),
                query: None,
                headers: Vec::new(),
                body: Vec::new(),
            };
            assert_eq!(handle(&request).status, 404, "{method} {path}");
        }
    }
}
