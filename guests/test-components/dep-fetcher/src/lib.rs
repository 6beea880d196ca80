//! Per-dependency grants: a dependency that holds `http:outbound` for the
//! module that depends on it. Exports `modgate-example:deps/fetcher@0.1.0`:
//! `get(url)` sends `GET url` with the SDK's client (`modgate_sdk::http`,
//! over `wasi:http/outgoing-handler`) and answers the body as text (any
//! status; lossy UTF-8), or, when no response came, the wasi:http error
//! code's name exactly as the SDK names it (`HTTP-request-denied` when the
//! allowlist or the SSRF guard refused, as `conformance-http-outbound`
//! checks; `connection-refused`, ...). A request refused before it was sent
//! (not `http://` or `https://`, say) answers `invalid: <why>`.
//!
//! It uses the SDK without exporting a `lifecycle`: it is a dependency,
//! not a module, so it exports only `fetcher`.
//!
//! The lead's tests: granted `http:outbound` on this dependency only (not
//! on `dep-user`), `dep-user`'s slot shows the body of an allowed URL, and
//! `error:HTTP-request-denied` for one the operator did not allowlist.

wit_bindgen::generate!({
    path: ["../../../wit/host", "../dep-wit/wit"],
    world: "modgate-example:deps/fetcher-provider",
    generate_all,
});

use exports::modgate_example::deps::fetcher::Guest;
use modgate_sdk::http::{self, HttpError};

struct Fetcher;

impl Guest for Fetcher {
    fn get(url: String) -> Result<String, String> {
        match http::get(&url) {
            Ok(response) => Ok(String::from_utf8_lossy(&response.body).into_owned()),
            Err(error) => Err(failure(&error)),
        }
    }
}

/// The wasi:http error code's name, or `invalid: ...` for a request the
/// SDK refused before sending it.
fn failure(error: &HttpError) -> String {
    match error.code() {
        Some(code) => http::code_name(code).to_owned(),
        None => format!("invalid: {error}"),
    }
}

export!(Fetcher);
