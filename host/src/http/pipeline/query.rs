//! Step 5: a credential in the query string refuses the request (the list
//! and why it is refused rather than stripped: [`crate::http::hygiene::query`]).

use http::Uri;

use crate::http::error::BridgeError;
use crate::http::hygiene::credential_parameter;

/// 400 `credential-in-query` naming the parameter (never its value).
pub(super) fn refuse_credentials(uri: &Uri) -> Result<(), BridgeError> {
    match uri.query().and_then(credential_parameter) {
        Some(parameter) => Err(BridgeError::credential_in_query(parameter)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_in_the_query_is_refused_by_name_without_its_value() {
        let uri: Uri = "/modules/wishlist/items?sort=new&access_token=secret-value"
            .parse()
            .unwrap();
        let refused = refuse_credentials(&uri).unwrap_err();
        assert_eq!(
            (refused.status.as_u16(), refused.code),
            (400, "credential-in-query")
        );
        assert!(
            refused.message.contains("\"accesstoken\"")
                && !refused.message.contains("secret-value"),
            "{}",
            refused.message
        );
    }

    #[test]
    fn ordinary_queries_and_none_pass() {
        assert!(
            refuse_credentials(&"/modules/wishlist/items?page_token=2".parse().unwrap()).is_ok()
        );
        assert!(refuse_credentials(&"/modules/wishlist/items".parse().unwrap()).is_ok());
    }
}
