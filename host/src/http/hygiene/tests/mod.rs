//! Unit tests of the header and query rules, one file per direction. Every
//! class is pinned both ways: its members are removed, and the headers
//! modules legitimately use are left alone.

mod query;
mod request;
mod response;
mod response_classes;
mod syntax;

use http::header::{HeaderMap, HeaderName, HeaderValue};

/// A header map from `(name, value)` pairs, appended in order.
fn header_map(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in pairs {
        headers.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    headers
}

/// The names left in a map, sorted.
fn left(headers: &HeaderMap) -> Vec<&str> {
    let mut names: Vec<&str> = headers.keys().map(HeaderName::as_str).collect();
    names.sort_unstable();
    names
}
