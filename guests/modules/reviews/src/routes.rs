//! The HTTP routes under `/modules/reviews/`. Reviews are public: no route
//! needs a signed-in customer.
//!
//! - `GET /products/{product_id}`: the product's reviews, newest first, at
//!   most 50, as `{"product_id": ..., "reviews": [{"review_id", "rating",
//!   "author", "body", "created_at"}, ...]}`.

use modgate_sdk::json;
use modgate_sdk::{Error, Request, Response};

use crate::store::{self, Listed};

/// Longest product id accepted in a path.
const MAX_PRODUCT_ID: usize = 64;

/// Answers one request.
pub fn handle(request: &Request) -> Response {
    let segments = request.segments();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (request.method.as_str(), segments.as_slice()) {
        ("GET", ["products", product]) => {
            product_reviews(product).unwrap_or_else(|e| from_error(&e))
        }
        _ => error(404, "not-found", "no such reviews endpoint"),
    }
}

fn product_reviews(product: &str) -> Result<Response, Error> {
    check_product_id(product)?;
    let reviews: Vec<String> = store::newest(product)?.iter().map(review_json).collect();
    Ok(Response::json(
        200,
        format!(
            "{{\"product_id\":{},\"reviews\":[{}]}}",
            json::string(product),
            reviews.join(",")
        ),
    ))
}

fn review_json(review: &Listed) -> String {
    format!(
        "{{\"review_id\":{},\"rating\":{},\"author\":{},\"body\":{},\"created_at\":{}}}",
        json::string(&review.review_id),
        review.rating,
        json::string(&review.author),
        json::string(&review.body),
        json::string(&review.created_at),
    )
}

/// A product id as the storefront writes them: 1 to 64 letters, digits,
/// `-` or `_`. Anything else cannot name a product, so it is refused
/// before a query is spent on it.
fn check_product_id(product: &str) -> Result<(), Error> {
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
    Response::from_error(e, "the reviews could not be read")
}

fn error(status: u16, code: &str, message: &str) -> Response {
    Response::error(status, code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_ids_are_letters_digits_dashes_and_underscores() {
        for good in ["p-1", "P_2", &"a".repeat(MAX_PRODUCT_ID)] {
            assert!(check_product_id(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "p 1",
            "p/1",
            "p'1",
            "é",
            &"a".repeat(MAX_PRODUCT_ID + 1),
        ] {
            assert!(check_product_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_listed_review_is_written_as_json_that_cannot_be_read_as_markup() {
        let review = Listed {
            review_id: "r-1".into(),
            rating: 4,
            author: "Ada".into(),
            body: "<b>Great</b> \"mug\"".into(),
            created_at: "2026-12-01T10:00:00Z".into(),
        };
        let text = review_json(&review);
        assert!(!text.contains('<'), "{text}");
        let parsed = json::parse(&text).unwrap();
        assert_eq!(parsed.get_str("body"), Some("<b>Great</b> \"mug\""));
        assert_eq!(parsed.get_i64("rating"), Some(4));
    }

    #[test]
    fn unknown_paths_and_methods_are_not_found() {
        for (method, path) in [
            ("GET", "/products"),
            ("POST", "/products/p-1"),
            ("GET", "/other/p-1"),
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
