//! price-compare: least privilege inside a module (docs/dependencies.md).
//!
//! `GET /compare/{product_id}` answers the shop's price beside a
//! competitor's: `{"product_id", "our_price_minor", "our_currency",
//! "elsewhere": {"price_minor", "currency", "seller"} | null, "cheaper_elsewhere"}`;
//! 404 `not-found` for a product the tenant does not sell, 502
//! `price-api-unavailable` (with why) when no quote came.
//!
//! The module is two components. This main one reads the catalogue
//! (`read:products`) and imports `modgate-example:price-compare/quotes`,
//! which the host wires to the `quotes` dependency (`deps/quotes`). Only
//! that dependency holds `http:outbound`: this component cannot make an
//! outgoing request even if it tried — the host would refuse to link it —
//! and the dependency cannot read the catalogue or anything else.

use modgate_sdk::commerce::products;
use modgate_sdk::{Error, ErrorCode, Module, Request, Response, Serve, json, settings};

mod deps {
    wit_bindgen::generate!({
        path: "wit",
        world: "modgate-example:price-compare/main",
        generate_all,
    });
}

use deps::modgate_example::price_compare::quotes::{self, Quote};

/// Longest product id accepted in a path.
const MAX_PRODUCT_ID: usize = 64;

struct PriceCompare;

impl Module for PriceCompare {
    fn activate(settings: &str) -> Result<(), Error> {
        api(settings).map(|_| ())
    }
}

impl Serve for PriceCompare {
    fn handle(request: Request) -> Response {
        let segments = request.segments();
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        match (request.method.as_str(), segments.as_slice()) {
            ("GET", ["compare", product]) => compare(product).unwrap_or_else(|e| from_error(&e)),
            _ => Response::error(404, "not-found", "no such price-compare endpoint"),
        }
    }
}

fn compare(product_id: &str) -> Result<Response, Error> {
    check_product_id(product_id)?;
    let product = products::get(product_id)?;
    let elsewhere = match quotes::ask(&api(&settings::get())?, product_id) {
        Ok(quote) => quote,
        Err(why) => return Ok(Response::error(502, "price-api-unavailable", &why)),
    };
    let ours = &product.price;
    let cheaper = elsewhere
        .as_ref()
        .is_some_and(|quote| quote.currency == ours.currency && quote.price_minor < ours.amount_minor);
    Ok(Response::json(
        200,
        format!(
            "{{\"product_id\":{},\"our_price_minor\":{},\"our_currency\":{},\"elsewhere\":{},\"cheaper_elsewhere\":{cheaper}}}",
            json::string(product_id),
            ours.amount_minor,
            json::string(&ours.currency),
            elsewhere.as_ref().map_or_else(|| "null".to_owned(), quote_json),
        ),
    ))
}

fn quote_json(quote: &Quote) -> String {
    format!(
        "{{\"price_minor\":{},\"currency\":{},\"seller\":{}}}",
        quote.price_minor,
        json::string(&quote.currency),
        json::string(&quote.seller)
    )
}

/// The `api` setting, without a trailing `/` (the host fills its default).
fn api(settings: &str) -> Result<String, Error> {
    let document = json::parse(settings).map_err(|e| Error::invalid(format!("settings are not JSON: {e}")))?;
    let api = document
        .get_str("api")
        .ok_or_else(|| Error::invalid("setting `api` is missing: set the price API's base URL"))?;
    Ok(api.trim_end_matches('/').to_owned())
}

/// A product id as the storefront writes them: 1 to 64 letters, digits,
/// `-` or `_`.
fn check_product_id(product: &str) -> Result<(), Error> {
    let valid = !product.is_empty()
        && product.len() <= MAX_PRODUCT_ID
        && product.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if valid { Ok(()) } else { Err(Error::invalid(format!("{product:?} is not a product id"))) }
}

fn from_error(error: &Error) -> Response {
    match error.code {
        ErrorCode::NotFound => Response::error(404, "not-found", &error.message),
        ErrorCode::Invalid => Response::error(400, "invalid", &error.message),
        _ => Response::from_error(error, "price-compare failed"),
    }
}

modgate_sdk::export_module!(PriceCompare);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_setting_loses_its_trailing_slash() {
        assert_eq!(api(r#"{"api":"http://prices.demo.example/"}"#).unwrap(), "http://prices.demo.example");
        assert_eq!(api("{}").unwrap_err().code, ErrorCode::Invalid);
    }

    #[test]
    fn product_ids_are_checked_before_any_call() {
        assert!(check_product_id("espresso-cup").is_ok());
        assert!(check_product_id("a/../b").is_err());
        assert!(check_product_id("").is_err());
    }
}
