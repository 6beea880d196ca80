//! Header rules at the module boundary, in both directions, plus the query
//! string's credentials.
//!
//! Requests ([`request`]): a module must never see the client's
//! credentials (the host has already turned them into a verified identity),
//! never believe a client's claim of identity or address (only the host sets
//! `modgate-*`), and never get headers about the client's connection.
//! Credentials in the query string refuse the request ([`query`]).
//!
//! Responses ([`response`]): a module answers on the shop's origin, so every
//! header that would act beyond its own response (cookies, origin-wide
//! policy, shared caches, proxies, authentication prompts, framing,
//! navigation outside its mount) is dropped by class, a malformed response is
//! refused whole, and the host pins `nosniff`, `DENY` and a sandboxing
//! Content-Security-Policy.
//!
//! Layout: `family.rs` (a rule as exact names, prefixes and suffixes),
//! `syntax.rs` (valid names and values, disguised spellings), `request.rs`,
//! `query.rs`, `response.rs` (the sanitizer and the pinned policy) and
//! `response_classes.rs` (the response classes); unit tests in `tests/`,
//! one file per concern.

mod family;
pub mod query;
pub mod request;
pub mod response;
mod response_classes;
mod syntax;
#[cfg(test)]
mod tests;

use http::header::{HeaderMap, HeaderName};

pub use self::family::NameFamily;
pub use self::query::{CREDENTIAL_PARAMETERS, credential_parameter};
pub use self::request::{RequestHeaderClass, StrippedHeader, sanitize_request_headers};
pub use self::response::{
    DroppedHeader, MODULE_CONTENT_SECURITY_POLICY, ResponseHeaderClass, ResponseRefused,
    check_status, drop_response_headers, sanitize_response_headers, set_protective_headers,
};

/// Prefix reserved for headers the host sets; removed from client requests and module responses.
pub const HOST_HEADER_PREFIX: &str = "modgate-";

/// Request headers set by the host for modules. Any client-sent header with the `modgate-`
/// prefix is removed first, so modules can trust these.
pub mod names {
    /// The verified customer (`sub` of the customer token, or the integrator's session).
    pub const MODGATE_CUSTOMER_ID: &str = "modgate-customer-id";
    /// The tenant the request is served for.
    pub const MODGATE_TENANT: &str = "modgate-tenant";
    /// The client address as resolved through trusted proxies.
    pub const MODGATE_CLIENT_IP: &str = "modgate-client-ip";
    /// The host-assigned request id, also used in logs.
    pub const MODGATE_REQUEST_ID: &str = "modgate-request-id";
    /// The mount path the module is served under.
    pub const MODGATE_MOUNT: &str = "modgate-mount";
    /// The module route that matched.
    pub const MODGATE_ROUTE: &str = "modgate-route";
}

/// Header names listed in `Connection` (RFC 9110 §7.6.1): those are hop-by-hop too.
/// Unparsable entries are skipped; there is nothing to remove for them.
fn names_listed_in_connection(headers: &HeaderMap) -> Vec<HeaderName> {
    headers
        .get_all(http::header::CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|list| list.split(','))
        .filter_map(|token| HeaderName::from_bytes(token.trim().as_bytes()).ok())
        .collect()
}
