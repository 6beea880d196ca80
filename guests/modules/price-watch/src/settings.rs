//! The `api` setting: the competitor price API's base URL.
//!
//! Read from `settings::get()` on every delivery, so an operator's change
//! applies to the next price change. The host validated the document
//! against the manifest's schema (an object whose `api` is an `http://` or
//! `https://` URL without query or fragment, filled with the default when
//! absent); it is checked again here, so a schema edited by mistake cannot
//! send the module somewhere else quietly.

use modgate_sdk::{Error, json};

/// The API's base URL from the settings document, without a trailing `/`.
pub fn api(settings: &str) -> Result<String, Error> {
    let document = json::parse(settings).map_err(|e| Error::invalid(format!("settings: {e}")))?;
    let Some(api) = document.get_str("api") else {
        return Err(Error::invalid(
            "settings: `api` is missing: set it to the price API's base URL, e.g. https://prices.example",
        ));
    };
    let scheme = api
        .split_once("://")
        .map(|(scheme, _)| scheme.to_ascii_lowercase());
    if !matches!(scheme.as_deref(), Some("http" | "https")) || api.contains(['?', '#']) {
        return Err(Error::invalid(format!(
            "settings: `api` must be an http:// or https:// URL without query or fragment, not {api:?}"
        )));
    }
    Ok(api.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_url_is_read_without_its_trailing_slash() {
        assert_eq!(
            api(r#"{"api":"https://prices.example"}"#).unwrap(),
            "https://prices.example"
        );
        assert_eq!(
            api(r#"{"api":"http://prices.example/base/"}"#).unwrap(),
            "http://prices.example/base"
        );
    }

    #[test]
    fn a_missing_or_unusable_api_is_invalid_and_says_what_to_set() {
        for settings in [
            "{}",
            "not json",
            r#"{"api":3}"#,
            r#"{"api":"ftp://prices.example"}"#,
            r#"{"api":"prices.example"}"#,
            r#"{"api":"https://prices.example/?key=1"}"#,
        ] {
            let error = api(settings).unwrap_err();
            assert_eq!(error.code, modgate_sdk::ErrorCode::Invalid, "{settings}");
            assert!(
                error.message.contains("settings"),
                "{settings}: {}",
                error.message
            );
        }
    }
}
