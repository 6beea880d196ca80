//! The competitor price API: `GET {api}/v1/prices/{product_id}` (permission
//! `http:outbound`).
//!
//! - 200 with a quote: the quote ([`quote::parse`] checks it);
//! - 404: the API has no quote for the product — an answer, not a failure;
//! - anything else (a refusal by the host, a network error, another status,
//!   a redirect, which the host never follows, a body that is no quote) is
//!   a failure: logged, and returned so the price change is delivered again
//!   later.

use modgate_sdk::http::{HttpError, Request, Response, path_segment};
use modgate_sdk::{Error, log};

use crate::quote::{self, Quote};

/// The largest answer read: a quote is a hundred bytes or so.
const MAX_ANSWER_BYTES: u64 = 16 * 1024;

/// The quote URL for `product_id` under the base URL `api` (no trailing
/// `/`). The id is percent-encoded, so it is always one path segment.
pub fn quote_url(api: &str, product_id: &str) -> String {
    format!("{api}/v1/prices/{}", path_segment(product_id))
}

/// Asks the API for its quote for `product_id`: `Ok(None)` when it has
/// none. One operation of the budget.
pub fn fetch(api: &str, product_id: &str) -> Result<Option<Quote>, Error> {
    let url = quote_url(api, product_id);
    let response = Request::get(url.as_str())
        .header("accept", "application/json")
        .max_response_body(MAX_ANSWER_BYTES)
        .send()
        .map_err(|e| refused(&url, e))?;
    read_answer(&response, product_id).map_err(|problem| {
        log::warn(&format!("price API: GET {url}: {problem}"));
        Error::handler(format!("price API: GET {url}: {problem}"))
    })
}

/// Logs a request that got no response, with what the operator can do.
fn refused(url: &str, error: HttpError) -> Error {
    if error.is_denied() {
        log::error(&format!(
            "price API: GET {url} was refused by the host: allowlist the API's host for this module (http:outbound), or change the `api` setting: {error}"
        ));
    } else {
        log::warn(&format!("price API: GET {url} failed: {error}"));
    }
    error.into()
}

/// What the API's answer means: a quote, no quote (404), or a problem.
fn read_answer(response: &Response, product_id: &str) -> Result<Option<Quote>, String> {
    match response.status {
        200 => {
            let document = response
                .json()
                .map_err(|e| format!("the answer is not JSON: {e}"))?;
            quote::parse(&document, product_id).map(Some)
        }
        404 => Ok(None),
        status if response.is_redirect() => Err(format!(
            "status {status}, a redirect to {:?}, which is not followed: set `api` to where it points",
            response.header("location").unwrap_or("nowhere")
        )),
        status => Err(format!("status {status}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
        Response {
            status,
            headers: headers
                .iter()
                .map(|(name, value)| ((*name).to_owned(), value.as_bytes().to_vec()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn the_quote_url_keeps_the_product_id_one_segment() {
        assert_eq!(
            quote_url("http://prices.demo.example", "p1"),
            "http://prices.demo.example/v1/prices/p1"
        );
        assert_eq!(
            quote_url("https://x.example/base", "espresso-cup"),
            "https://x.example/base/v1/prices/espresso-cup"
        );
        assert_eq!(
            quote_url("https://x.example", "a/../b?c#d"),
            "https://x.example/v1/prices/a%2F..%2Fb%3Fc%23d"
        );
        assert_eq!(
            quote_url("https://x.example", "café"),
            "https://x.example/v1/prices/caf%C3%A9"
        );
    }

    #[test]
    fn a_200_is_the_quote() {
        let body =
            r#"{"product_id":"p1","price_minor":1299,"currency":"USD","seller":"Example Prices"}"#;
        let quote = read_answer(&answer(200, &[], body), "p1").unwrap().unwrap();
        assert_eq!(quote.price_minor, 1299);
        assert_eq!(quote.seller, "Example Prices");
    }

    #[test]
    fn a_404_is_no_quote_rather_than_a_failure() {
        assert_eq!(read_answer(&answer(404, &[], "not found"), "p1"), Ok(None));
    }

    #[test]
    fn other_answers_are_failures_that_say_why() {
        let redirect = read_answer(
            &answer(302, &[("location", "https://elsewhere.example/")], ""),
            "p1",
        )
        .unwrap_err();
        assert!(
            redirect.contains("elsewhere.example") && redirect.contains("not followed"),
            "{redirect}"
        );
        assert_eq!(
            read_answer(&answer(503, &[], ""), "p1").unwrap_err(),
            "status 503"
        );
        let garbage = read_answer(&answer(200, &[], "<html>"), "p1").unwrap_err();
        assert!(garbage.contains("not JSON"), "{garbage}");
        let wrong = read_answer(&answer(200, &[], r#"{"product_id":"p2"}"#), "p1").unwrap_err();
        assert!(wrong.contains("p2"), "{wrong}");
    }
}
