//! The classes of response headers a module may not send, each a
//! [`NameFamily`] with one reason. `response.rs` applies them; `docs/http.md`
//! lists them for readers.

use super::family::NameFamily;

/// Why a response header is not passed on. Every family member is dropped,
/// except `location` and `content-location` pointing inside the module's
/// own mount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResponseHeaderClass {
    /// `set-cookie`, `set-cookie2`, any `set-cookie*`, `cookie`: cookies are
    /// shared by the whole origin, so one module could fix or overwrite the
    /// shop's session.
    Cookie,
    /// Policy the browser applies to the whole origin and remembers: HSTS,
    /// `clear-site-data`, `service-worker-allowed`, `alt-svc`, NEL and the
    /// reporting API, `timing-allow-origin`, every CORS header (including
    /// private-network access), client-hint opt-ins, origin trials.
    OriginPolicy,
    /// The document's security policy, which the host decides: CSP (and its
    /// report-only and legacy spellings), framing, sniffing,
    /// `permissions-policy`, `cross-origin-*` isolation, `referrer-policy`.
    DocumentPolicy,
    /// Instructions to shared caches and CDNs: any `*cache-control`
    /// (`cdn-cache-control`, `cloudflare-cdn-cache-control`, …),
    /// `expires`, `pragma`, `age`, `surrogate-*`, cache tags. A module must
    /// not make a shared cache keep (and serve to others) a per-customer
    /// answer.
    SharedCache,
    /// Directives a reverse proxy or CDN in front of the host acts on:
    /// internal redirects and file serving (`x-accel-*`, `x-sendfile*`,
    /// `x-lighttpd-send-file`, `x-reproxy-url`, `x-litespeed-*`), CGI
    /// `status`, vendor control headers (`x-envoy-*`, `cf-*`, `fastly-*`,
    /// `x-akamai-*`, `x-varnish*`, `x-middleware-*`, `x-vercel-*`).
    ProxyDirective,
    /// Authentication challenges (`www-authenticate`, `proxy-authenticate`,
    /// any `*-authenticate`, `authentication-info`): a browser would prompt
    /// for credentials in the shop's name.
    AuthChallenge,
    /// Message framing and hop-by-hop headers (`content-length`,
    /// `transfer-encoding`, `connection` and every name it lists,
    /// `keep-alive`, `upgrade`, `trailer`, `te`, `host`, …): the host frames
    /// the response itself and sets the length from the body it holds.
    Framing,
    /// Headers that send the browser elsewhere or make it fetch: `location`
    /// and `content-location` outside the module's mount, `refresh`, `link`
    /// (preload, preconnect, stylesheets), `speculation-rules`.
    Navigation,
    /// `modgate-*`: reserved for the host.
    HostReserved,
}

impl ResponseHeaderClass {
    /// Every class, in documentation order.
    pub const ALL: [ResponseHeaderClass; 9] = [
        Self::Cookie,
        Self::OriginPolicy,
        Self::DocumentPolicy,
        Self::SharedCache,
        Self::ProxyDirective,
        Self::AuthChallenge,
        Self::Framing,
        Self::Navigation,
        Self::HostReserved,
    ];

    /// Stable name of the class, used in the module log.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cookie => "cookie",
            Self::OriginPolicy => "origin-policy",
            Self::DocumentPolicy => "document-policy",
            Self::SharedCache => "shared-cache",
            Self::ProxyDirective => "proxy-directive",
            Self::AuthChallenge => "auth-challenge",
            Self::Framing => "framing",
            Self::Navigation => "navigation",
            Self::HostReserved => "host-reserved",
        }
    }

    /// The names of the class.
    pub fn family(self) -> &'static NameFamily {
        match self {
            Self::Cookie => &COOKIE,
            Self::OriginPolicy => &ORIGIN_POLICY,
            Self::DocumentPolicy => &DOCUMENT_POLICY,
            Self::SharedCache => &SHARED_CACHE,
            Self::ProxyDirective => &PROXY_DIRECTIVE,
            Self::AuthChallenge => &AUTH_CHALLENGE,
            Self::Framing => &FRAMING,
            Self::Navigation => &NAVIGATION,
            Self::HostReserved => &HOST_RESERVED,
        }
    }

    /// The class of a lower-case response header name, if it has one.
    pub fn of(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|class| class.family().contains(name))
    }
}

const COOKIE: NameFamily = NameFamily {
    exact: &["cookie", "cookie2"],
    prefixes: &["set-cookie"],
    suffixes: &[],
};

const ORIGIN_POLICY: NameFamily = NameFamily {
    exact: &[
        "strict-transport-security",
        "clear-site-data",
        "service-worker-allowed",
        "alt-svc",
        "nel",
        "report-to",
        "reporting-endpoints",
        "timing-allow-origin",
        "expect-ct",
        "accept-ch",
        "accept-ch-lifetime",
        "critical-ch",
        "origin-trial",
        "set-login",
    ],
    prefixes: &["access-control-", "public-key-pins"],
    suffixes: &[],
};

const DOCUMENT_POLICY: NameFamily = NameFamily {
    exact: &[
        "x-frame-options",
        "x-content-type-options",
        "x-content-security-policy",
        "x-webkit-csp",
        "permissions-policy",
        "feature-policy",
        "require-document-policy",
        "origin-agent-cluster",
        "referrer-policy",
        "x-xss-protection",
        "x-permitted-cross-domain-policies",
        "x-dns-prefetch-control",
    ],
    prefixes: &[
        "content-security-policy",
        "cross-origin-",
        "document-policy",
    ],
    suffixes: &[],
};

const SHARED_CACHE: NameFamily = NameFamily {
    exact: &[
        "expires",
        "pragma",
        "age",
        "cache-tag",
        "edge-cache-tag",
        "edge-control",
        "xkey",
    ],
    prefixes: &["surrogate-"],
    suffixes: &["cache-control"],
};

const PROXY_DIRECTIVE: NameFamily = NameFamily {
    exact: &["x-lighttpd-send-file", "status"],
    prefixes: &[
        "x-accel-",
        "x-sendfile",
        "x-lighttpd-",
        "x-litespeed-",
        "x-reproxy-",
        "x-envoy-",
        "x-akamai-",
        "x-varnish",
        "x-middleware-",
        "x-vercel-",
        "cf-",
        "fastly-",
    ],
    suffixes: &[],
};

const AUTH_CHALLENGE: NameFamily = NameFamily {
    exact: &["authentication-info", "proxy-authentication-info"],
    prefixes: &[],
    suffixes: &["-authenticate"],
};

const FRAMING: NameFamily = NameFamily {
    exact: &[
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "upgrade",
        "trailer",
        "te",
        "proxy-connection",
        "host",
        "http2-settings",
    ],
    prefixes: &[],
    suffixes: &[],
};

const NAVIGATION: NameFamily = NameFamily {
    exact: &[
        "location",
        "content-location",
        "refresh",
        "link",
        "speculation-rules",
    ],
    prefixes: &[],
    suffixes: &[],
};

const HOST_RESERVED: NameFamily = NameFamily {
    exact: &[],
    prefixes: &[super::HOST_HEADER_PREFIX],
    suffixes: &[],
};
