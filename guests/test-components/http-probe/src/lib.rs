//! A module that probes the HTTP bridge's defences. Its routes:
//! - `/echo`: JSON of every header it received, the body and the identity;
//! - `/headers`: a response setting every header the host must drop, and
//!   its own `x-frame-options`/`x-content-type-options`;
//! - `/lying-length`: declares a length its body does not have;
//! - `/status/{code}`: answers with that status;
//! - `/trap`: panics;
//! - `/big/{bytes}`: a body of that many bytes;
//! - `/spin`: loops until stopped (busy / deadline tests);
//! - `/stream`: sets a response and streams its body forever;
//! - `/trick/{name}`: responses the host must refuse or clean: `every-class`
//!   (one header of every dropped class beside ones that must be kept),
//!   `bad-value` (a non-ASCII byte in a value), `lookalike-cookie`
//!   (`set_cookie`), `invalid-names` (names `wasi:http` must refuse; the body
//!   lists any it accepted), `redirect-inside` and `redirect-outside`.
//!
//! Its slot answers depend on the product: `html` puts markup in a label,
//! `script` a script tag in text, `outside` links out of the mount,
//! `other-module` acts on another module's mount; anything else is valid.

use modgate_sdk::bindings::exports::wasi::http::incoming_handler::Guest;
use modgate_sdk::bindings::wasi::http::types::{
    Fields, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam,
};
use modgate_sdk::{Error, Link, SlotRequest, Slots, ToggleButton, Widget};

struct Probe;

impl modgate_sdk::Module for Probe {
    fn activate(_settings: &str) -> Result<(), Error> {
        Ok(())
    }
}

fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn read_body(request: &IncomingRequest) -> Vec<u8> {
    let mut bytes = Vec::new();
    let Ok(body) = request.consume() else { return bytes };
    if let Ok(stream) = body.stream() {
        while let Ok(chunk) = stream.blocking_read(65536) {
            bytes.extend_from_slice(&chunk);
        }
    }
    bytes
}

fn respond(out: ResponseOutparam, status: u16, headers: &[(&str, &str)], body: &[u8]) {
    let fields = Fields::new();
    for (name, value) in headers {
        let _ = fields.append(name, value.as_bytes());
    }
    respond_with(out, status, fields, body);
}

fn respond_with(out: ResponseOutparam, status: u16, fields: Fields, body: &[u8]) {
    let response = OutgoingResponse::new(fields);
    let _ = response.set_status_code(status);
    let Ok(outgoing) = response.body() else { return };
    ResponseOutparam::set(out, Ok(response));
    if let Ok(stream) = outgoing.write() {
        for chunk in body.chunks(4096) {
            if stream.blocking_write_and_flush(chunk).is_err() {
                return;
            }
        }
    }
    let _ = OutgoingBody::finish(outgoing, None);
}

impl Guest for Probe {
    fn handle(request: IncomingRequest, out: ResponseOutparam) {
        let target = request.path_with_query().unwrap_or_default();
        let path = target.split('?').next().unwrap_or("").to_owned();
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            ["echo"] => {
                let headers: Vec<String> = request
                    .headers()
                    .entries()
                    .iter()
                    .map(|(name, value)| format!("[{},{}]", json_string(name), json_string(&String::from_utf8_lossy(value))))
                    .collect();
                let body = read_body(&request);
                let json = format!(
                    "{{\"target\":{},\"headers\":[{}],\"body\":{}}}",
                    json_string(&target),
                    headers.join(","),
                    json_string(&String::from_utf8_lossy(&body))
                );
                respond(out, 200, &[("content-type", "application/json")], json.as_bytes());
            }
            ["headers"] => respond(
                out,
                200,
                &[
                    ("content-type", "text/plain"),
                    ("set-cookie", "session=stolen; Path=/"),
                    ("access-control-allow-origin", "*"),
                    ("access-control-allow-credentials", "true"),
                    ("cache-control", "public, max-age=31536000"),
                    ("content-length", "13"),
                    ("x-frame-options", "ALLOWALL"),
                    ("x-content-type-options", "sniff-please"),
                    ("modgate-customer-id", "forged"),
                    ("x-module-header", "kept"),
                ],
                b"headers probe",
            ),
            ["lying-length"] => respond(out, 200, &[("content-length", "99999")], b"short"),
            ["status", code] => {
                let code = code.parse().unwrap_or(500);
                respond(out, code, &[("content-type", "text/plain")], b"status probe");
            }
            ["trap"] => panic!("http-probe: trap requested"),
            ["big", bytes] => {
                let size: usize = bytes.parse().unwrap_or(0);
                respond(out, 200, &[("content-type", "application/octet-stream")], &vec![b'x'; size]);
            }
            ["spin"] => {
                let mut n: u64 = 0;
                loop {
                    n = std::hint::black_box(n.wrapping_add(1));
                }
            }
            ["trick", name] => trick(name, out),
            ["stream"] => {
                let response = OutgoingResponse::new(Fields::new());
                let Ok(outgoing) = response.body() else { return };
                ResponseOutparam::set(out, Ok(response));
                if let Ok(stream) = outgoing.write() {
                    while stream.blocking_write_and_flush(b"tick\n").is_ok() {}
                }
            }
            _ => respond(out, 404, &[], b"probe: no such path"),
        }
    }
}

/// One member of every response header class the host drops.
const EVERY_CLASS: [(&str, &str); 16] = [
    ("set-cookie2", "legacy=1"),
    ("strict-transport-security", "max-age=63072000; includeSubDomains"),
    ("clear-site-data", "\"cookies\", \"storage\""),
    ("service-worker-allowed", "/"),
    ("access-control-allow-private-network", "true"),
    ("content-security-policy-report-only", "default-src *"),
    ("cdn-cache-control", "max-age=86400"),
    ("surrogate-control", "max-age=86400"),
    ("expires", "Thu, 01 Dec 2099 16:00:00 GMT"),
    ("x-accel-redirect", "/internal/secrets"),
    ("x-sendfile", "/etc/passwd"),
    ("www-authenticate", "Basic realm=\"shop\""),
    ("refresh", "0; url=https://evil.example/"),
    ("link", "<https://evil.example/x.css>; rel=stylesheet"),
    ("location", "https://evil.example/"),
    ("modgate-tenant", "globex"),
];

/// Headers a module may set, sent beside [`EVERY_CLASS`].
const KEPT: [(&str, &str); 5] = [
    ("content-type", "text/plain"),
    ("etag", "\"v7\""),
    ("last-modified", "Tue, 01 Dec 2026 10:00:00 GMT"),
    ("vary", "accept-language"),
    ("x-module-header", "kept"),
];

fn trick(name: &str, out: ResponseOutparam) {
    match name {
        "every-class" => {
            let headers: Vec<(&str, &str)> = EVERY_CLASS.iter().chain(KEPT.iter()).copied().collect();
            respond(out, 200, &headers, b"every class");
        }
        "bad-value" => {
            let fields = Fields::new();
            let _ = fields.append("content-type", b"text/plain");
            let _ = fields.append("x-note", b"caf\xe9");
            respond_with(out, 200, fields, b"bad value");
        }
        "lookalike-cookie" => respond(out, 200, &[("set_cookie", "session=stolen; Path=/")], b"look-alike"),
        "invalid-names" => {
            let fields = Fields::new();
            let names = [
                ":status",
                "set-cookie ",
                " set-cookie",
                "set cookie",
                "set\tcookie",
                "Set-Cookie:",
                "\u{0455}et-cookie",
                "x-a\r\nset-cookie",
                "",
            ];
            let accepted: Vec<String> = names
                .iter()
                .filter(|name| fields.append(name, b"session=stolen").is_ok())
                .map(|name| json_string(name))
                .collect();
            let _ = fields.append("content-type", b"application/json");
            let body = format!("{{\"accepted\":[{}]}}", accepted.join(","));
            respond_with(out, 200, fields, body.as_bytes());
        }
        "redirect-inside" => respond(out, 303, &[("location", "/modules/http-probe/echo?from=trick")], b""),
        "redirect-outside" => respond(out, 302, &[("location", "https://evil.example/phish")], b""),
        _ => respond(out, 404, &[], b"probe: no such trick"),
    }
}

impl Slots for Probe {
    fn render(request: SlotRequest) -> Result<Vec<Widget>, Error> {
        let product = request.product_id.unwrap_or_default();
        let toggle = |label: &str, action: &str| {
            Widget::ToggleButton(ToggleButton {
                label: label.to_owned(),
                active_label: "On".to_owned(),
                active: false,
                action: action.to_owned(),
            })
        };
        Ok(match product.as_str() {
            "html" => vec![toggle("<b>Save</b>", "/modules/http-probe/save")],
            "script" => vec![Widget::Text("<script>alert(1)</script>".to_owned())],
            "outside" => vec![Widget::Link(Link { label: "Win".to_owned(), href: "https://evil.example/".to_owned() })],
            "other-module" => vec![toggle("Save", "/modules/wishlist/items/x/toggle")],
            _ => vec![toggle("Save", &format!("/modules/http-probe/save/{product}"))],
        })
    }
}

modgate_sdk::export_module!(Probe);
