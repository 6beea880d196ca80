//! Client requests: what is removed before a module sees them.
//!
//! A module learns who the customer is from `modgate-customer-id` and
//! nothing else. Every header a client could write to claim an identity, an
//! address or a credential is removed, as families: a module author who
//! reads `x-user-id` (because another framework set it behind a proxy) gets
//! nothing rather than an attacker's value. Names are matched after folding
//! `_` into `-` because many servers (CGI, WSGI, PHP) read them as equal.

use http::header::{HeaderMap, HeaderName};

use super::family::NameFamily;
use super::names_listed_in_connection;
use super::syntax::folded;

/// Why a request header does not reach the module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestHeaderClass {
    /// Credentials: `authorization`, `proxy-authorization`, `cookie`, API
    /// keys and token headers. The host verifies them and passes on the
    /// result; the raw secret stays with the host.
    Credential,
    /// Headers claiming who the user, customer, tenant, account, role or
    /// group is (`x-customer-id`, `x-user*`, `x-tenant*`, `remote-user`,
    /// `x-remote-*`, `x-authenticated-*`, `x-auth-*`) and the identity
    /// headers of common authenticating proxies (oauth2-proxy, Kong, Azure
    /// Easy Auth, Google IAP, AWS ALB).
    IdentityClaim,
    /// Client address claims: `forwarded`, `x-forwarded-*`, `x-real-ip`,
    /// `true-client-ip`, … The host passes the address it resolved through
    /// its trusted proxies as `modgate-client-ip`.
    AddressClaim,
    /// `modgate-*`: only the host sets these.
    HostReserved,
    /// Hop-by-hop headers and those named in `Connection`: they describe the
    /// client's connection, not the request.
    HopByHop,
}

impl RequestHeaderClass {
    /// Every class, in documentation order.
    pub const ALL: [RequestHeaderClass; 5] = [
        Self::Credential,
        Self::IdentityClaim,
        Self::AddressClaim,
        Self::HostReserved,
        Self::HopByHop,
    ];

    /// The names of the class.
    pub fn family(self) -> &'static NameFamily {
        match self {
            Self::Credential => &CREDENTIAL,
            Self::IdentityClaim => &IDENTITY_CLAIM,
            Self::AddressClaim => &ADDRESS_CLAIM,
            Self::HostReserved => &HOST_RESERVED,
            Self::HopByHop => &HOP_BY_HOP,
        }
    }

    /// The class of a request header name (any case, `_` or `-`), if any.
    pub fn of(name: &str) -> Option<Self> {
        let name = name.to_ascii_lowercase();
        let name = folded(&name);
        Self::ALL
            .into_iter()
            .find(|class| class.family().contains(&name))
    }
}

const CREDENTIAL: NameFamily = NameFamily {
    exact: &[
        "authorization",
        "proxy-authorization",
        "cookie",
        "cookie2",
        "api-key",
        "apikey",
        "x-api-key",
        "x-apikey",
        "x-access-token",
        "x-id-token",
        "x-refresh-token",
        "x-session-token",
        "x-session-id",
    ],
    prefixes: &[],
    suffixes: &[],
};

const IDENTITY_CLAIM: NameFamily = NameFamily {
    exact: &[
        "remote-user",
        "x-email",
        "x-login",
        "x-role",
        "x-roles",
        "x-groups",
        "x-scope",
        "x-scopes",
    ],
    prefixes: &[
        "x-user",
        "x-customer",
        "x-tenant",
        "x-account",
        "x-principal",
        "x-identity",
        "x-remote-",
        "x-authenticated-",
        "x-auth-",
        "x-forwarded-user",
        "x-forwarded-email",
        "x-forwarded-preferred-username",
        "x-forwarded-groups",
        "x-forwarded-access-token",
        "x-consumer-",
        "x-credential-",
        "x-jwt-",
        "x-ms-client-principal",
        "x-ms-token-",
        "x-goog-authenticated-",
        "x-goog-iap-",
        "x-amzn-oidc-",
        "x-webauth-",
    ],
    suffixes: &[],
};

const ADDRESS_CLAIM: NameFamily = NameFamily {
    exact: &[
        "forwarded",
        "x-real-ip",
        "x-client-ip",
        "x-cluster-client-ip",
        "x-original-forwarded-for",
        "true-client-ip",
        "cf-connecting-ip",
        "fastly-client-ip",
    ],
    prefixes: &["x-forwarded-"],
    suffixes: &[],
};

const HOST_RESERVED: NameFamily = NameFamily {
    exact: &[],
    prefixes: &[super::HOST_HEADER_PREFIX],
    suffixes: &[],
};

const HOP_BY_HOP: NameFamily = NameFamily {
    exact: &[
        "connection",
        "keep-alive",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "proxy-connection",
    ],
    prefixes: &[],
    suffixes: &[],
};

/// A header removed from a client request, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrippedHeader {
    /// The header.
    pub name: HeaderName,
    /// Its class.
    pub class: RequestHeaderClass,
}

/// Cleans a client request before it reaches a module: every header of a
/// [`RequestHeaderClass`] (and any named in `Connection`) is removed.
/// Returns what was removed, each name once.
pub fn sanitize_request_headers(headers: &mut HeaderMap) -> Vec<StrippedHeader> {
    let connection_named = names_listed_in_connection(headers);
    let stripped: Vec<StrippedHeader> = headers
        .keys()
        .filter_map(|name| {
            let class = if connection_named.contains(name) {
                Some(RequestHeaderClass::HopByHop)
            } else {
                RequestHeaderClass::of(name.as_str())
            };
            class.map(|class| StrippedHeader {
                name: name.clone(),
                class,
            })
        })
        .collect();
    for header in &stripped {
        headers.remove(&header.name);
    }
    stripped
}
