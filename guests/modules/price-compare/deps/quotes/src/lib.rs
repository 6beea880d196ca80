//! price-compare's `quotes` dependency: the one component of the module
//! that holds `http:outbound` (module.toml names the permission under
//! `[dependencies.quotes]`, so it is this component's alone). Exports
//! `modgate-example:price-compare/quotes`: `ask(api, product_id)` GETs
//! `{api}/v1/prices/{product_id}` with the SDK's client and reads the
//! quote. It exports no `lifecycle`: a dependency is not a module.

wit_bindgen::generate!({
    path: "../../wit",
    world: "modgate-example:price-compare/quotes-provider",
    generate_all,
});

use exports::modgate_example::price_compare::quotes::{Guest, Quote};
use modgate_sdk::http::{Request, path_segment};
use modgate_sdk::json;

/// The largest answer read: a quote is a hundred bytes or so.
const MAX_ANSWER_BYTES: u64 = 16 * 1024;

struct Quotes;

impl Guest for Quotes {
    fn ask(api: String, product_id: String) -> Result<Option<Quote>, String> {
        let url = format!("{api}/v1/prices/{}", path_segment(&product_id));
        let response = Request::get(url.as_str())
            .header("accept", "application/json")
            .max_response_body(MAX_ANSWER_BYTES)
            .send()
            .map_err(|e| format!("GET {url}: {e}"))?;
        match response.status {
            200 => {
                let document = response.json().map_err(|e| format!("GET {url}: the answer is not JSON: {e}"))?;
                parse(&document).map(Some).map_err(|why| format!("GET {url}: {why}"))
            }
            404 => Ok(None),
            status => Err(format!("GET {url}: status {status}")),
        }
    }
}

/// `{"price_minor", "currency", "seller"}`.
fn parse(document: &json::JsonValue) -> Result<Quote, String> {
    let field = |name: &str| document.get_str(name).map(str::to_owned).ok_or(format!("no `{name}` in the quote"));
    Ok(Quote {
        price_minor: document.get_i64("price_minor").ok_or("no `price_minor` in the quote")?,
        currency: field("currency")?,
        seller: field("seller")?,
    })
}

export!(Quotes);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quote_needs_every_field() {
        let quote = json::parse(r#"{"price_minor":1190,"currency":"EUR","seller":"Example Prices"}"#).unwrap();
        let parsed = parse(&quote).unwrap();
        assert_eq!((parsed.price_minor, parsed.currency.as_str()), (1190, "EUR"));
        assert!(parse(&json::parse(r#"{"currency":"EUR"}"#).unwrap()).is_err());
    }
}
