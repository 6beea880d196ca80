//! Why an outgoing request failed: [`HttpError`].
//!
//! The host answers every refusal with the standard wasi:http `error-code`,
//! and that code is kept as it came ([`HttpError::code`]) so nothing the
//! host said is lost. [`HttpError::kind`] sorts the codes a module acts on
//! differently — denied, busy, too large, out of budget — from the rest.

use std::fmt;

pub use crate::bindings::wasi::http::types::ErrorCode;

use super::url::UrlError;

/// Why [`send`](super::send) returned no response.
#[derive(Debug, Clone)]
pub enum HttpError {
    /// The URL was refused before the host was asked: not `http://` or
    /// `https://`, or no host. Nothing was sent.
    Url {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        error: UrlError,
    },
    /// A part of the request that wasi:http would not take as the request
    /// was built (the authority, a header, the method). Nothing was sent.
    Rejected {
        /// Which part, e.g. `authority "a b"` or `header "x-a\r\n"`.
        part: String,
        /// Why, as the wasi:http types said it.
        reason: String,
    },
    /// The host refused or failed the request with a wasi:http `error-code`.
    Failed(ErrorCode),
}

/// What kind of failure an [`HttpError`] is: what a module does about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpErrorKind {
    /// `HTTP-request-denied`: the operator's allowlist or the SSRF guard
    /// refused the request (a host or port not allowed, userinfo in the
    /// authority, an address in a blocked range). Permanent until the
    /// operator changes the allowlist.
    Denied,
    /// `internal-error("budget-exhausted: …")`: the invocation's operation
    /// budget is used up (each request is one operation).
    BudgetExhausted,
    /// `connection-limit-reached`: too many requests of this module are in
    /// flight. Try again later.
    ConnectionLimit,
    /// `HTTP-response-body-size`: the response body is larger than the
    /// host's limit or the request's
    /// [`max_response_body`](super::Request::max_response_body).
    ResponseTooLarge,
    /// `HTTP-request-body-size`: the request body is larger than the host's
    /// limit.
    RequestTooLarge,
    /// The server could not be reached in time or at all: DNS, connection,
    /// TLS or a timeout. Usually worth retrying later.
    Unreachable,
    /// The request was refused before it was sent ([`HttpError::Url`],
    /// [`HttpError::Rejected`]): fix the request.
    Invalid,
    /// Any other wasi:http error code (a protocol error, say).
    Other,
}

/// The prefix the host gives the `internal-error` message of an exhausted
/// operation budget.
const BUDGET_EXHAUSTED: &str = "budget-exhausted";

impl HttpError {
    /// The wasi:http error code the host answered, when it answered one
    /// (`None` for a request refused before it was sent).
    pub fn code(&self) -> Option<&ErrorCode> {
        match self {
            HttpError::Failed(code) => Some(code),
            HttpError::Url { .. } | HttpError::Rejected { .. } => None,
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> HttpErrorKind {
        let Some(code) = self.code() else {
            return HttpErrorKind::Invalid;
        };
        match code {
            ErrorCode::HttpRequestDenied => HttpErrorKind::Denied,
            ErrorCode::InternalError(Some(message)) if message.starts_with(BUDGET_EXHAUSTED) => {
                HttpErrorKind::BudgetExhausted
            }
            ErrorCode::ConnectionLimitReached => HttpErrorKind::ConnectionLimit,
            ErrorCode::HttpResponseBodySize(_) => HttpErrorKind::ResponseTooLarge,
            ErrorCode::HttpRequestBodySize(_) => HttpErrorKind::RequestTooLarge,
            ErrorCode::DnsTimeout
            | ErrorCode::DnsError(_)
            | ErrorCode::DestinationNotFound
            | ErrorCode::DestinationUnavailable
            | ErrorCode::DestinationIpUnroutable
            | ErrorCode::ConnectionRefused
            | ErrorCode::ConnectionTerminated
            | ErrorCode::ConnectionTimeout
            | ErrorCode::ConnectionReadTimeout
            | ErrorCode::ConnectionWriteTimeout
            | ErrorCode::TlsProtocolError
            | ErrorCode::TlsCertificateError
            | ErrorCode::TlsAlertReceived(_)
            | ErrorCode::HttpResponseTimeout => HttpErrorKind::Unreachable,
            _ => HttpErrorKind::Other,
        }
    }

    /// Whether the host's allowlist or SSRF guard refused the request
    /// (`HTTP-request-denied`).
    pub fn is_denied(&self) -> bool {
        self.kind() == HttpErrorKind::Denied
    }

    /// Whether the invocation's operation budget is used up.
    pub fn is_budget_exhausted(&self) -> bool {
        self.kind() == HttpErrorKind::BudgetExhausted
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::Url { url, error } => write!(f, "{url:?}: {error}"),
            HttpError::Rejected { part, reason } => {
                write!(f, "the request's {part} was refused: {reason}")
            }
            HttpError::Failed(code) => write!(f, "{}", describe(code)),
        }
    }
}

impl std::error::Error for HttpError {}

impl From<ErrorCode> for HttpError {
    fn from(code: ErrorCode) -> Self {
        HttpError::Failed(code)
    }
}

/// A failed request as a modgate error, so a handler can `?` it: an
/// exhausted budget stays `budget-exhausted`, a denial is `forbidden`, the
/// connection limit `busy`, a timeout `timeout`, a refused request
/// `invalid`, the rest `handler-error`. Each keeps the readable message.
impl From<HttpError> for crate::Error {
    fn from(error: HttpError) -> Self {
        use crate::ErrorCode as Modgate;
        let code = match (error.kind(), error.code()) {
            (HttpErrorKind::BudgetExhausted, _) => Modgate::BudgetExhausted,
            (HttpErrorKind::Denied, _) => Modgate::Forbidden,
            (HttpErrorKind::ConnectionLimit, _) => Modgate::Busy,
            (HttpErrorKind::Invalid, _) => Modgate::Invalid,
            (
                _,
                Some(
                    ErrorCode::DnsTimeout
                    | ErrorCode::ConnectionTimeout
                    | ErrorCode::ConnectionReadTimeout
                    | ErrorCode::ConnectionWriteTimeout
                    | ErrorCode::HttpResponseTimeout,
                ),
            ) => Modgate::Timeout,
            _ => Modgate::HandlerError,
        };
        crate::Error::new(code, format!("outgoing HTTP: {error}"))
    }
}

/// The code as the contract writes it, then, for the codes a module is
/// likely to meet, what it means.
fn describe(code: &ErrorCode) -> String {
    let limit = |size: &Option<u64>| size.map(|n| format!(" ({n} bytes)")).unwrap_or_default();
    let meaning = match code {
        ErrorCode::HttpRequestDenied => {
            "the host refused the request: its host, port or address is not on the \
             operator's allowlist for this module, or its authority carries userinfo"
                .to_owned()
        }
        ErrorCode::ConnectionLimitReached => {
            "too many requests of this module are in flight; try again later".to_owned()
        }
        ErrorCode::HttpResponseBodySize(max) => {
            format!("the response body is too large{}", limit(max))
        }
        ErrorCode::HttpRequestBodySize(max) => {
            format!("the request body is too large{}", limit(max))
        }
        ErrorCode::DnsError(payload) => format!(
            "the host name could not be resolved{}",
            payload
                .rcode
                .as_deref()
                .map(|rcode| format!(" ({rcode})"))
                .unwrap_or_default()
        ),
        ErrorCode::DnsTimeout => "the host name was not resolved in time".to_owned(),
        ErrorCode::ConnectionRefused => "the server refused the connection".to_owned(),
        ErrorCode::ConnectionTimeout => {
            "the server did not accept the connection in time".to_owned()
        }
        ErrorCode::HttpResponseTimeout => "the server did not answer in time".to_owned(),
        ErrorCode::InternalError(Some(message)) => message.clone(),
        _ => return code_name(code).to_owned(),
    };
    format!("{}: {meaning}", code_name(code))
}

/// The error code's name in the wasi:http contract, e.g.
/// `HTTP-request-denied`: stable, for logs and test reports.
pub fn code_name(code: &ErrorCode) -> &'static str {
    match code {
        ErrorCode::DnsTimeout => "DNS-timeout",
        ErrorCode::DnsError(_) => "DNS-error",
        ErrorCode::DestinationNotFound => "destination-not-found",
        ErrorCode::DestinationUnavailable => "destination-unavailable",
        ErrorCode::DestinationIpProhibited => "destination-IP-prohibited",
        ErrorCode::DestinationIpUnroutable => "destination-IP-unroutable",
        ErrorCode::ConnectionRefused => "connection-refused",
        ErrorCode::ConnectionTerminated => "connection-terminated",
        ErrorCode::ConnectionTimeout => "connection-timeout",
        ErrorCode::ConnectionReadTimeout => "connection-read-timeout",
        ErrorCode::ConnectionWriteTimeout => "connection-write-timeout",
        ErrorCode::ConnectionLimitReached => "connection-limit-reached",
        ErrorCode::TlsProtocolError => "TLS-protocol-error",
        ErrorCode::TlsCertificateError => "TLS-certificate-error",
        ErrorCode::TlsAlertReceived(_) => "TLS-alert-received",
        ErrorCode::HttpRequestDenied => "HTTP-request-denied",
        ErrorCode::HttpRequestLengthRequired => "HTTP-request-length-required",
        ErrorCode::HttpRequestBodySize(_) => "HTTP-request-body-size",
        ErrorCode::HttpRequestMethodInvalid => "HTTP-request-method-invalid",
        ErrorCode::HttpRequestUriInvalid => "HTTP-request-URI-invalid",
        ErrorCode::HttpRequestUriTooLong => "HTTP-request-URI-too-long",
        ErrorCode::HttpRequestHeaderSectionSize(_) => "HTTP-request-header-section-size",
        ErrorCode::HttpRequestHeaderSize(_) => "HTTP-request-header-size",
        ErrorCode::HttpRequestTrailerSectionSize(_) => "HTTP-request-trailer-section-size",
        ErrorCode::HttpRequestTrailerSize(_) => "HTTP-request-trailer-size",
        ErrorCode::HttpResponseIncomplete => "HTTP-response-incomplete",
        ErrorCode::HttpResponseHeaderSectionSize(_) => "HTTP-response-header-section-size",
        ErrorCode::HttpResponseHeaderSize(_) => "HTTP-response-header-size",
        ErrorCode::HttpResponseBodySize(_) => "HTTP-response-body-size",
        ErrorCode::HttpResponseTrailerSectionSize(_) => "HTTP-response-trailer-section-size",
        ErrorCode::HttpResponseTrailerSize(_) => "HTTP-response-trailer-size",
        ErrorCode::HttpResponseTransferCoding(_) => "HTTP-response-transfer-coding",
        ErrorCode::HttpResponseContentCoding(_) => "HTTP-response-content-coding",
        ErrorCode::HttpResponseTimeout => "HTTP-response-timeout",
        ErrorCode::HttpUpgradeFailed => "HTTP-upgrade-failed",
        ErrorCode::HttpProtocolError => "HTTP-protocol-error",
        ErrorCode::LoopDetected => "loop-detected",
        ErrorCode::ConfigurationError => "configuration-error",
        ErrorCode::InternalError(_) => "internal-error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(code: ErrorCode) -> HttpError {
        HttpError::Failed(code)
    }

    #[test]
    fn a_denial_is_told_apart_from_every_other_failure() {
        assert!(failed(ErrorCode::HttpRequestDenied).is_denied());
        for code in [
            ErrorCode::ConnectionRefused,
            ErrorCode::DestinationIpProhibited,
            ErrorCode::ConnectionLimitReached,
            ErrorCode::InternalError(None),
        ] {
            assert!(!failed(code.clone()).is_denied(), "{code:?}");
        }
    }

    #[test]
    fn each_host_refusal_has_its_kind() {
        for (code, kind) in [
            (ErrorCode::HttpRequestDenied, HttpErrorKind::Denied),
            (
                ErrorCode::ConnectionLimitReached,
                HttpErrorKind::ConnectionLimit,
            ),
            (
                ErrorCode::HttpResponseBodySize(Some(10)),
                HttpErrorKind::ResponseTooLarge,
            ),
            (
                ErrorCode::HttpRequestBodySize(None),
                HttpErrorKind::RequestTooLarge,
            ),
            (
                ErrorCode::InternalError(Some("budget-exhausted: 100 operations".into())),
                HttpErrorKind::BudgetExhausted,
            ),
            (
                ErrorCode::InternalError(Some("boom".into())),
                HttpErrorKind::Other,
            ),
            (ErrorCode::ConnectionRefused, HttpErrorKind::Unreachable),
            (ErrorCode::HttpProtocolError, HttpErrorKind::Other),
        ] {
            assert_eq!(failed(code.clone()).kind(), kind, "{code:?}");
        }
    }

    #[test]
    fn a_request_refused_before_sending_has_no_code() {
        let error = HttpError::Url {
            url: "ftp://x".into(),
            error: UrlError::UnsupportedScheme("ftp".into()),
        };
        assert_eq!(error.code().map(|_| ()), None);
        assert_eq!(error.kind(), HttpErrorKind::Invalid);
        assert!(error.to_string().contains("ftp://x"), "{error}");
    }

    #[test]
    fn messages_name_the_code_as_the_contract_writes_it() {
        assert!(
            failed(ErrorCode::HttpRequestDenied)
                .to_string()
                .starts_with("HTTP-request-denied: ")
        );
        assert_eq!(failed(ErrorCode::LoopDetected).to_string(), "loop-detected");
        assert_eq!(
            failed(ErrorCode::InternalError(Some(
                "budget-exhausted: 100 operations".into()
            )))
            .to_string(),
            "internal-error: budget-exhausted: 100 operations"
        );
        assert!(
            failed(ErrorCode::HttpResponseBodySize(Some(1024)))
                .to_string()
                .contains("too large (1024 bytes)")
        );
    }

    #[test]
    fn as_a_modgate_error_the_budget_stays_budget_exhausted_and_a_denial_is_forbidden() {
        let modgate = |code: ErrorCode| crate::Error::from(failed(code)).code;
        assert_eq!(
            modgate(ErrorCode::InternalError(Some("budget-exhausted: x".into()))),
            crate::ErrorCode::BudgetExhausted
        );
        assert_eq!(
            modgate(ErrorCode::HttpRequestDenied),
            crate::ErrorCode::Forbidden
        );
        assert_eq!(
            modgate(ErrorCode::ConnectionLimitReached),
            crate::ErrorCode::Busy
        );
        assert_eq!(
            modgate(ErrorCode::ConnectionTimeout),
            crate::ErrorCode::Timeout
        );
        assert_eq!(
            modgate(ErrorCode::ConnectionRefused),
            crate::ErrorCode::HandlerError
        );
    }
}
