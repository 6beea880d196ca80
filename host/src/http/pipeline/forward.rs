//! The request a module receives: the client's request with every header a
//! client could use to claim a credential, an identity or an address removed
//! ([`sanitize_request_headers`]), the host's `modgate-*` headers set, and
//! the path made relative to the module's mount.

use bytes::Bytes;
use http::request::Parts;
use http::{HeaderMap, HeaderName, HeaderValue, Request};

use crate::engine::ModuleRequest;
use crate::http::error::BridgeError;
use crate::http::hygiene::{names, sanitize_request_headers};
use crate::http::pipeline::admission::ClientAddress;
use crate::http::pipeline::seal::RequestId;
use crate::http::pipeline::target::Target;

/// Who is asking, as the host established it.
pub(super) struct Asker<'a> {
    /// Step 1.
    pub client: ClientAddress,
    /// Steps 6-7; `None`: anonymous.
    pub customer_id: Option<&'a str>,
    /// Given by the last step on the way in.
    pub request_id: &'a RequestId,
}

/// Builds the module's request from the client's `parts` and its `body`
/// (already read within the limit).
pub(super) fn module_request(
    mut parts: Parts,
    body: Bytes,
    target: &Target,
    asker: &Asker,
) -> Result<ModuleRequest, BridgeError> {
    let relative_target = match parts.uri.query() {
        Some(query) => format!("{}?{query}", target.relative),
        None => target.relative.clone(),
    };
    sanitize_request_headers(&mut parts.headers);
    let headers = &mut parts.headers;
    set(headers, names::MODGATE_TENANT, target.tenant.as_str());
    set(
        headers,
        names::MODGATE_CLIENT_IP,
        &asker.client.0.to_string(),
    );
    set(
        headers,
        names::MODGATE_REQUEST_ID,
        asker.request_id.as_str(),
    );
    set(headers, names::MODGATE_MOUNT, &target.mount);
    set(headers, names::MODGATE_ROUTE, &target.pattern);
    if let Some(customer_id) = asker.customer_id {
        set(headers, names::MODGATE_CUSTOMER_ID, customer_id);
    }
    // The body is read whole already, so its length is known: the module
    // gets it exact (whatever the client framed or claimed), and a module
    // can skip reading an empty body — the SDK does, saving the host calls.
    headers.insert(http::header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    parts.uri = relative_target
        .parse()
        .map_err(|_| BridgeError::bad_request("the request target is not a valid URI"))?;
    Ok(Request::from_parts(parts, body))
}

/// Values the host checked already; one that is not a valid header value
/// (which none of them can be) is left out rather than failing the request.
fn set(headers: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(HeaderName::from_static(name), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forwarded(client_request: Request<()>, customer_id: Option<&str>) -> ModuleRequest {
        let (parts, ()) = client_request.into_parts();
        let request_id = RequestId::generate();
        let asker = Asker {
            client: ClientAddress("203.0.113.9".parse().unwrap()),
            customer_id,
            request_id: &request_id,
        };
        module_request(
            parts,
            Bytes::from_static(b"body"),
            &Target::example(),
            &asker,
        )
        .unwrap()
    }

    #[test]
    fn the_module_gets_the_path_below_its_mount_with_the_query() {
        let request = Request::post("/modules/wishlist/items/p-1?sort=new")
            .body(())
            .unwrap();
        let forwarded = forwarded(request, None);
        assert_eq!(forwarded.uri(), "/items/p-1?sort=new");
        assert_eq!(forwarded.method(), "POST");
        assert_eq!(forwarded.body(), "body");
        assert_eq!(forwarded.headers()["content-length"], "4");
    }

    #[test]
    fn the_module_gets_the_length_of_the_body_it_receives_whatever_the_client_claimed() {
        let request = Request::post("/modules/wishlist/items")
            .header("content-length", "999")
            .body(())
            .unwrap();
        let forwarded = forwarded(request, None);
        let lengths: Vec<_> = forwarded.headers().get_all("content-length").iter().collect();
        assert_eq!(lengths, ["4"], "one value, the body's own length");
    }

    #[test]
    fn the_host_s_headers_replace_what_the_client_claimed() {
        let request = Request::get("/modules/wishlist/items/p-1")
            .header("modgate-customer-id", "cu-chosen-by-client")
            .header("modgate-tenant", "globex")
            .header("authorization", "Bearer secret")
            .header("x-user-id", "admin")
            .header("accept", "application/json")
            .body(())
            .unwrap();
        let forwarded = forwarded(request, Some("cu-verified"));
        let headers = forwarded.headers();
        assert_eq!(headers["modgate-customer-id"], "cu-verified");
        assert_eq!(headers["modgate-tenant"], "acme");
        assert_eq!(headers["modgate-client-ip"], "203.0.113.9");
        assert_eq!(headers["modgate-mount"], "/modules/wishlist");
        assert_eq!(headers["modgate-route"], "/items/{id}");
        assert_eq!(headers["modgate-request-id"].len(), 26, "a ULID");
        assert!(headers.get("authorization").is_none() && headers.get("x-user-id").is_none());
        assert_eq!(headers["accept"], "application/json");
    }

    #[test]
    fn an_anonymous_request_carries_no_customer_even_if_the_client_named_one() {
        let request = Request::get("/modules/wishlist/items/p-1")
            .header("modgate-customer-id", "cu-chosen-by-client")
            .body(())
            .unwrap();
        assert!(
            forwarded(request, None)
                .headers()
                .get("modgate-customer-id")
                .is_none()
        );
    }
}
