//! Step 8: the request body, read whole (the module gets it already read)
//! and never more than the limit.

use axum::body::Body;
use bytes::Bytes;
use http::{HeaderMap, header};
use http_body_util::{BodyExt, Limited};

use crate::http::error::BridgeError;

/// Reads `body` up to `limit` bytes: 413 `payload-too-large` when its
/// `Content-Length` says more (before reading anything) or when more arrives.
pub(super) async fn read_within(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<Bytes, BridgeError> {
    let declared_length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared_length.is_some_and(|length| length > limit as u64) {
        return Err(BridgeError::payload_too_large(limit));
    }
    Ok(Limited::new(body, limit)
        .collect()
        .await
        .map_err(|_| BridgeError::payload_too_large(limit))?
        .to_bytes())
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn declaring(length: &'static str) -> HeaderMap {
        HeaderMap::from_iter([(header::CONTENT_LENGTH, HeaderValue::from_static(length))])
    }

    #[tokio::test]
    async fn a_body_within_the_limit_is_read_whole() {
        let read = read_within(&declaring("5"), Body::from("hello"), 5)
            .await
            .unwrap();
        assert_eq!(read, "hello");
    }

    #[tokio::test]
    async fn a_declared_length_over_the_limit_is_refused_before_reading() {
        let refused = read_within(&declaring("6"), Body::from("hello"), 5)
            .await
            .unwrap_err();
        assert_eq!(
            (refused.status.as_u16(), refused.code),
            (413, "payload-too-large")
        );
    }

    #[tokio::test]
    async fn more_bytes_than_the_limit_are_refused_whatever_the_length_said() {
        let refused = read_within(&declaring("1"), Body::from("hello!"), 5)
            .await
            .unwrap_err();
        assert_eq!(refused.code, "payload-too-large");
        let undeclared = read_within(&HeaderMap::new(), Body::from("hello!"), 5)
            .await
            .unwrap_err();
        assert_eq!(undeclared.code, "payload-too-large");
    }
}
