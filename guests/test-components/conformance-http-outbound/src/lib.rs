//! Conformance for world `modgate:host/http-outbound`: a request the
//! operator allowlisted reaches its server and the answer comes back whole
//! (status, headers, body; a POST's body and headers arrive); a redirect
//! comes back as it is, never followed; a request the allowlist or the SSRF
//! guard refuses fails with exactly `HTTP-request-denied`; and a request
//! that is allowed but cannot connect fails with another code, so a denial
//! is not the only answer the host knows.
//!
//! Module name `conformance`; permission `http:outbound`; no tables.
//! Settings (`key=value;...`; the install's `{...}` does nothing):
//! - `ok=<url>`: a `GET` answers 200 with the body `ok` (required);
//! - `post=<url>`: a `POST` of the body `ping` with the header
//!   `authorization: guest-token` answers 200 with the body `pong` (the
//!   server checks what arrived);
//! - `redirect=<url>`: a `GET` answers a 3xx with a `location` header;
//! - `denied=<url>,<url>,...`: each `GET` fails with `HTTP-request-denied`
//!   (empty or absent: none);
//! - `unreachable=<url>`: a `GET` fails with a code other than
//!   `HTTP-request-denied` (connection refused, say).
//!
//! Makes one request per URL given, stopping at the first failed check;
//! its message names the check and the URL.

use conformance_kit::{check, param};
use modgate_sdk::http::{self, HttpError, Request, Response};
use modgate_sdk::{Error, Module};

struct HttpOutbound;

impl Module for HttpOutbound {
    fn activate(settings: &str) -> Result<(), Error> {
        if settings.trim_start().starts_with('{') {
            return Ok(());
        }
        let ok = param(settings, "ok")?;
        expect_body(ok, "GET", http::get(ok), "ok")?;

        if let Ok(post) = param(settings, "post") {
            let sent = Request::post(post, "ping")
                .header("authorization", "guest-token")
                .send();
            expect_body(post, "POST", sent, "pong")?;
        }

        if let Ok(redirect) = param(settings, "redirect") {
            let response = answered(redirect, "GET", http::get(redirect))?;
            check(
                response.is_redirect() && response.header("location").is_some(),
                &format!(
                    "GET {redirect} comes back as a 3xx with a location header, unfollowed: got {}{}",
                    response.status,
                    if response.header("location").is_some() {
                        ""
                    } else {
                        " without location"
                    }
                ),
            )?;
        }

        let denied = param(settings, "denied").unwrap_or("");
        for url in denied
            .split(',')
            .map(str::trim)
            .filter(|url| !url.is_empty())
        {
            match http::get(url) {
                Err(e) if e.is_denied() => {}
                Err(e) => check(
                    false,
                    &format!("GET {url} is HTTP-request-denied: got {}", failure(&e)),
                )?,
                Ok(response) => check(
                    false,
                    &format!(
                        "GET {url} is HTTP-request-denied: got a response, status {}",
                        response.status
                    ),
                )?,
            }
        }

        if let Ok(unreachable) = param(settings, "unreachable") {
            match http::get(unreachable) {
                Err(e) if !e.is_denied() => {}
                Err(e) => check(
                    false,
                    &format!(
                        "GET {unreachable} fails with a code other than HTTP-request-denied: got {}",
                        failure(&e)
                    ),
                )?,
                Ok(response) => check(
                    false,
                    &format!(
                        "GET {unreachable} fails: got a response, status {}",
                        response.status
                    ),
                )?,
            }
        }
        Ok(())
    }
}

/// Fails unless `sent` is a 200 whose body is exactly `expected`.
fn expect_body(
    url: &str,
    method: &str,
    sent: Result<Response, HttpError>,
    expected: &str,
) -> Result<(), Error> {
    let response = answered(url, method, sent)?;
    check(
        response.status == 200 && response.body == expected.as_bytes(),
        &format!(
            "{method} {url} answers 200 {expected:?}: got {} {:?}",
            response.status,
            String::from_utf8_lossy(&response.body)
        ),
    )
}

/// The response, or a failed check naming the request and the error.
fn answered(url: &str, method: &str, sent: Result<Response, HttpError>) -> Result<Response, Error> {
    sent.map_err(|e| {
        Error::handler(format!(
            "conformance check failed: {method} {url} gets a response: got {}",
            failure(&e)
        ))
    })
}

/// The error, starting with its code as the contract names it.
fn failure(error: &HttpError) -> String {
    match error.code() {
        Some(_) => error.to_string(),
        None => format!("a refusal before sending: {error}"),
    }
}

modgate_sdk::export_module!(HttpOutbound);
