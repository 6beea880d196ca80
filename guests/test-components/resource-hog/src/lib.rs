//! A hostile module that makes the host hold memory for it. Its routes:
//! - `/fields/{count}/{bytes}`: keeps `count` header maps alive, each with
//!   two values of `bytes` bytes;
//! - `/churn/{count}/{bytes}`: creates and drops a header map of `bytes`
//!   bytes `count` times (never more than one alive);
//! - `/bodies/{count}`: keeps `count` responses with open bodies alive;
//! - `/handles/{count}`: keeps `count` empty header maps alive;
//! - `/log/{bytes}`: hands the host one log line of `bytes` bytes.
//!
//! Each answers 200 with what it managed if the host let it finish.
//! `activate` with settings `{"error-bytes": n}` (or the bare text
//! `error:<n>`) fails with a message `n` bytes long.

use modgate_sdk::bindings::exports::wasi::http::incoming_handler::Guest;
use modgate_sdk::bindings::wasi::http::types::{
    Fields, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam,
};
use modgate_sdk::{Error, log};

struct Hog;

impl modgate_sdk::Module for Hog {
    fn activate(settings: &str) -> Result<(), Error> {
        let requested = settings
            .strip_prefix("error:")
            .or_else(|| settings.split("\"error-bytes\":").nth(1))
            .map(|rest| rest.trim_start().chars().take_while(char::is_ascii_digit).collect::<String>());
        match requested.and_then(|n| n.parse::<usize>().ok()) {
            Some(bytes) => Err(Error::handler("E".repeat(bytes))),
            None => Ok(()),
        }
    }
}

fn respond(out: ResponseOutparam, body: &str) {
    let response = OutgoingResponse::new(Fields::new());
    let Ok(outgoing) = response.body() else { return };
    ResponseOutparam::set(out, Ok(response));
    if let Ok(stream) = outgoing.write() {
        let _ = stream.blocking_write_and_flush(body.as_bytes());
    }
    let _ = OutgoingBody::finish(outgoing, None);
}

fn number(text: &str) -> usize {
    text.parse().unwrap_or(0)
}

impl Guest for Hog {
    fn handle(request: IncomingRequest, out: ResponseOutparam) {
        let target = request.path_with_query().unwrap_or_default();
        let segments: Vec<&str> = target.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            ["fields", count, bytes] => {
                let value = vec![b'v'; number(bytes)];
                let mut kept = Vec::new();
                for _ in 0..number(count) {
                    let fields = Fields::new();
                    let _ = fields.append("x-one", &value);
                    let _ = fields.append("x-two", &value);
                    kept.push(fields);
                }
                respond(out, &format!("kept {} header maps", kept.len()));
            }
            ["churn", count, bytes] => {
                let value = vec![b'v'; number(bytes)];
                for _ in 0..number(count) {
                    let fields = Fields::new();
                    let _ = fields.append("x-one", &value);
                    drop(fields);
                }
                respond(out, "churned");
            }
            ["bodies", count] => {
                let mut kept = Vec::new();
                for _ in 0..number(count) {
                    let response = OutgoingResponse::new(Fields::new());
                    if let Ok(body) = response.body() {
                        kept.push((response, body));
                    }
                }
                respond(out, &format!("kept {} bodies", kept.len()));
            }
            ["handles", count] => {
                let kept: Vec<Fields> = (0..number(count)).map(|_| Fields::new()).collect();
                respond(out, &format!("kept {} handles", kept.len()));
            }
            ["log", bytes] => {
                log::info(&"L".repeat(number(bytes)));
                respond(out, "logged");
            }
            _ => respond(out, "resource-hog: no such path"),
        }
    }
}

modgate_sdk::export_module!(Hog);
