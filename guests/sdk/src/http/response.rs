//! [`Response`]: what came back, read in full.

use crate::json::{self, JsonError, JsonValue};

/// A response, its body read in full (within the request's
/// [`max_response_body`](super::Request::max_response_body)).
///
/// Any status is a response, not an error: a 404 or a 500 is for the module
/// to judge, and a redirect (3xx) arrives as it is, its `location` header
/// unfollowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The headers, names in lower case as the host passes them on.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The whole body.
    pub body: Vec<u8>,
}

impl Response {
    /// The first value of the header `name` (any letter case), when it is
    /// valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .and_then(|(_, value)| std::str::from_utf8(value).ok())
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Whether the status is 3xx: a redirect, which is never followed.
    pub fn is_redirect(&self) -> bool {
        (300..400).contains(&self.status)
    }

    /// The body as text, when it is valid UTF-8.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }

    /// The body read as JSON with the SDK's [`json`] reader.
    pub fn json(&self) -> Result<JsonValue, JsonError> {
        let text = std::str::from_utf8(&self.body).map_err(|e| JsonError {
            offset: e.valid_up_to(),
            reason: "the body is not UTF-8",
        })?;
        json::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, headers: &[(&str, &[u8])], body: &[u8]) -> Response {
        Response {
            status,
            headers: headers
                .iter()
                .map(|(name, value)| ((*name).to_owned(), value.to_vec()))
                .collect(),
            body: body.to_vec(),
        }
    }

    #[test]
    fn a_header_is_found_in_any_letter_case_first_value_first() {
        let answer = response(
            302,
            &[
                ("location", b"/next"),
                ("x-tag", b"a"),
                ("x-tag", b"b"),
                ("x-bad", b"\xff"),
            ],
            b"",
        );
        assert_eq!(answer.header("Location"), Some("/next"));
        assert_eq!(answer.header("x-tag"), Some("a"));
        assert_eq!(answer.header("x-bad"), None);
        assert_eq!(answer.header("missing"), None);
    }

    #[test]
    fn the_status_class_is_told() {
        assert!(response(204, &[], b"").is_success());
        assert!(response(301, &[], b"").is_redirect());
        assert!(!response(404, &[], b"").is_success());
        assert!(!response(200, &[], b"").is_redirect());
    }

    #[test]
    fn the_body_reads_as_text_or_json() {
        let answer = response(200, &[], br#"{"price_minor":1299}"#);
        assert_eq!(answer.text(), Some(r#"{"price_minor":1299}"#));
        assert_eq!(answer.json().unwrap().get_i64("price_minor"), Some(1299));
        let binary = response(200, &[], b"ok\xff");
        assert_eq!(binary.text(), None);
        assert_eq!(binary.json().unwrap_err().offset, 2);
    }
}
