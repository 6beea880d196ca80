//! Conformance for world `modgate:host/serve`: the host hands over method,
//! path relative to the mount, query, body and the verified identity, and
//! returns the module's status, headers and body.
//!
//! Every request is answered with a JSON echo of what arrived.

use modgate_sdk::{Error, Request, Response, Serve};

struct Echo;

impl modgate_sdk::Module for Echo {
    fn activate(_settings: &str) -> Result<(), Error> {
        Ok(())
    }
}

impl Serve for Echo {
    fn handle(request: Request) -> Response {
        let text = |value: Option<&str>| match value {
            Some(v) => format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")),
            None => "null".to_owned(),
        };
        let body = format!(
            "{{\"method\":{},\"path\":{},\"query\":{},\"customer\":{},\"tenant\":{},\"route\":{},\"body_bytes\":{}}}",
            text(Some(&request.method)),
            text(Some(&request.path)),
            text(request.query.as_deref()),
            text(request.customer_id()),
            text(request.tenant()),
            text(request.header("modgate-route")),
            request.body.len()
        );
        Response::json(200, body).with_header("x-conformance", "serve")
    }
}

modgate_sdk::export_module!(Echo);
