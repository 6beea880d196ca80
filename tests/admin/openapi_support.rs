//! What `openapi.rs` needs to hold the document to the API: the document
//! and its checks of an answer, the API called as documented (on the
//! harness's listener, or on a second one whose API runs a hot-reload
//! watch), and a reader of the routes `router()` declares in
//! `host/src/admin/mod.rs`.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use modgate_host::admin::{AdminApi, AdminConfig, OPENAPI_DOCUMENT, Operator};
use modgate_host::reload::HotReload;
use modgate_tests::admin::{ALICE, AdminHarness};
use reqwest::Method;
use serde_json::{Value, json};

const ROUTER_SOURCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../host/src/admin/mod.rs");

/// The parsed document and the checks it makes of an answer.
pub(super) struct Document(pub(super) Value);

impl Document {
    pub(super) fn parse() -> Self {
        Document(serde_json::from_str(OPENAPI_DOCUMENT).expect("openapi.json is JSON"))
    }

    /// Every documented operation, as (`METHOD`, path template).
    pub(super) fn operations(&self) -> BTreeSet<(String, String)> {
        let paths = self.0["paths"].as_object().expect("the document has paths");
        paths
            .iter()
            .flat_map(|(path, item)| {
                item.as_object()
                    .expect("a path item")
                    .keys()
                    .filter(|key| *key != "parameters")
                    .map(move |method| (method.to_ascii_uppercase(), path.clone()))
            })
            .collect()
    }

    /// `value`, or what its local `$ref` points at.
    fn resolve<'a>(&'a self, value: &'a Value) -> &'a Value {
        match value["$ref"].as_str() {
            Some(reference) => {
                let pointer = reference.strip_prefix('#').unwrap_or_else(|| panic!("a non-local $ref {reference}"));
                self.resolve(self.0.pointer(pointer).unwrap_or_else(|| panic!("$ref {reference} points at nothing")))
            }
            None => value,
        }
    }

    /// Checks an answer of `method template` against the document; answers
    /// the body (JSON parsed, other media types as a string).
    pub(super) fn check(&self, method: &str, template: &str, status: u16, content_type: Option<&str>, text: &str) -> Value {
        let at = format!("{method} {template} answered {status}");
        let operation = &self.0["paths"][template][method.to_ascii_lowercase()];
        assert!(operation.is_object(), "{method} {template} is not documented (it answered {status}): {text}");
        let response = &operation["responses"][status.to_string()];
        assert!(response.is_object(), "{at}, a status the document does not list for it; body: {text}");
        let response = self.resolve(response);
        let Some(content) = response["content"].as_object() else {
            assert!(text.is_empty(), "{at} with a body, but the document lists none for it: {text}");
            return Value::Null;
        };
        let documented: Vec<&String> = content.keys().collect();
        let media = content_type
            .map(|value| value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
            .unwrap_or_else(|| panic!("{at} without a Content-Type; the document lists {documented:?}; body: {text}"));
        let entry = content
            .get(&media)
            .unwrap_or_else(|| panic!("{at} as {media}, but the document lists only {documented:?} for it; body: {text}"));
        let body = if media == "application/json" {
            serde_json::from_str(text).unwrap_or_else(|e| panic!("{at} with a body that is no JSON ({e}): {text}"))
        } else {
            Value::String(text.to_owned())
        };
        self.validate(&at, &entry["schema"], &body);
        body
    }

    /// Validates `body` against `schema`, whose `$ref`s point into this
    /// document's `components` (carried along, so they resolve).
    pub(super) fn validate(&self, at: &str, schema: &Value, body: &Value) {
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "allOf": [schema],
            "components": self.0["components"],
        });
        let validator =
            jsonschema::draft202012::new(&root).unwrap_or_else(|e| panic!("{at}: the documented schema {schema} does not compile: {e}"));
        let problems: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("  at {:?} (schema {}): {e}", e.instance_path().to_string(), e.evaluation_path()))
            .collect();
        assert!(
            problems.is_empty(),
            "{at} with a body that does not fit the documented schema {schema}:\n{}\nbody: {body:#}",
            problems.join("\n")
        );
    }
}

/// The API as documented: each call fills the template's parameters,
/// checks the answer against the document and notes the operations that
/// succeeded.
pub(super) struct Api {
    client: reqwest::Client,
    /// `http://127.0.0.1:<port>` of the admin listener called.
    base: String,
    pub(super) document: Document,
    pub(super) succeeded: BTreeSet<(String, String)>,
}

impl Api {
    /// Calls the harness's admin listener.
    pub(super) fn new(h: &AdminHarness) -> Self {
        Api { client: h.http.client.clone(), base: h.admin.clone(), document: Document::parse(), succeeded: BTreeSet::new() }
    }

    /// Calls go to the admin listener at `base` from now on.
    pub(super) fn switch_to(&mut self, base: &str) {
        base.clone_into(&mut self.base);
    }

    /// `method template` as Alice; `{tenant}` is `acme` and `{module}` the
    /// wishlist unless `params` says otherwise.
    pub(super) async fn call(
        &mut self,
        method: Method,
        template: &str,
        params: &[(&str, &str)],
        with: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> (u16, Value) {
        let url = format!("{}{}", self.base, fill(template, params));
        self.send(&method, template, with(self.client.request(method.clone(), url).bearer_auth(ALICE))).await
    }

    /// `method template` without a token.
    pub(super) async fn call_anonymously(&mut self, method: Method, template: &str) -> (u16, Value) {
        let url = format!("{}{}", self.base, fill(template, &[]));
        self.send(&method, template, self.client.request(method.clone(), url)).await
    }

    async fn send(&mut self, method: &Method, template: &str, request: reqwest::RequestBuilder) -> (u16, Value) {
        let response = request.send().await.unwrap_or_else(|e| panic!("{method} {template}: no answer: {e}"));
        let status = response.status().as_u16();
        let content_type = response.headers().get(reqwest::header::CONTENT_TYPE).map(|v| v.to_str().expect("ASCII").to_owned());
        let text = response.text().await.expect("a body");
        let body = self.document.check(method.as_str(), template, status, content_type.as_deref(), &text);
        self.note(method.as_str(), template, status);
        (status, body)
    }

    /// A JSON answer a shared helper already read.
    pub(super) fn check_json(&mut self, method: &str, template: &str, (status, body): &(u16, Value)) {
        self.document.check(method, template, *status, Some("application/json"), &body.to_string());
        self.note(method, template, *status);
    }

    fn note(&mut self, method: &str, template: &str, status: u16) {
        if (200..300).contains(&status) {
            self.succeeded.insert((method.to_owned(), template.to_owned()));
        }
    }
}

/// A second admin listener over the harness's host whose API runs a
/// hot-reload watch (the harness's own runs none), with the harness's
/// bridge and Alice as its operator. Stops when dropped.
pub(super) struct WatchedAdmin {
    /// `http://127.0.0.1:<port>`.
    pub(super) base: String,
    server: tokio::task::JoinHandle<()>,
}

impl WatchedAdmin {
    pub(super) async fn start(h: &AdminHarness, watch: Arc<HotReload>) -> Self {
        let config = AdminConfig { operators: vec![Operator { name: "alice".into(), token: ALICE.into() }], ..AdminConfig::default() };
        let router =
            AdminApi::new(h.http.lifecycle.clone(), config).with_bridge(h.http.bridge.clone()).with_hot_reload(watch).router();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("loopback port");
        let address = listener.local_addr().expect("bound");
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        WatchedAdmin { base: format!("http://{address}"), server }
    }
}

impl Drop for WatchedAdmin {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// `template` with its `{name}`s filled in.
pub(super) fn fill(template: &str, params: &[(&str, &str)]) -> String {
    let mut path = template.to_owned();
    for (name, value) in params.iter().chain(&[("tenant", "acme"), ("module", "wishlist")]) {
        path = path.replace(&format!("{{{name}}}"), value);
    }
    assert!(!path.contains('{'), "{template}: a parameter is not filled in: {path}");
    path
}

/// The routes `router()` in `host/src/admin/mod.rs` declares, as
/// (`METHOD`, path): each `.route(path, get(…).delete(…))`, its path a
/// literal, a `let` prefix or a `format!` of them. The page's `/admin/…`
/// routes are not part of the API, nor are `.fallback(…)` (404
/// `not-found`) and `.method_not_allowed_fallback(…)` (405
/// `method-not-allowed`), which answer what no route takes.
pub(super) fn routes_in_router_source() -> BTreeSet<(String, String)> {
    let source = std::fs::read_to_string(ROUTER_SOURCE).expect("host/src/admin/mod.rs");
    let body = &source[source.find("pub fn router(self)").expect("router() in host/src/admin/mod.rs")..];
    let body = &body[..body.find("\n    }\n").expect("the end of router()")];
    for unread in [".nest(", ".nest_service(", ".route_service(", ".fallback_service("] {
        assert!(!body.contains(unread), "router() uses {unread}: teach tests/admin/openapi_support.rs to read it");
    }
    // The fallbacks add no operation; each names a handler (the probe in
    // openapi.rs checks what they answer).
    for call in [".fallback(", ".method_not_allowed_fallback("] {
        for (at, _) in body.match_indices(call) {
            let handler = up_to_top_level(&body[at + call.len()..], ')');
            assert!(
                !handler.is_empty() && handler.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
                "router() has {call}{handler}): teach tests/admin/openapi_support.rs to read it"
            );
        }
    }
    let prefixes: HashMap<&str, &str> = body
        .lines()
        .filter_map(|line| {
            let (name, value) = line.trim().strip_prefix("let ")?.split_once(" = \"")?;
            Some((name, value.strip_suffix("\";")?))
        })
        .collect();
    let mut routes = BTreeSet::new();
    let mut rest = body;
    while let Some(at) = rest.find(".route(") {
        rest = &rest[at + ".route(".len()..];
        let arguments = up_to_top_level(rest, ')');
        let path_expression = up_to_top_level(arguments, ',');
        let path = expand(path_expression.trim(), &prefixes);
        let methods = method_calls(&arguments[path_expression.len() + 1..]);
        assert!(!methods.is_empty(), "no method in .route({arguments})");
        routes.extend(methods.into_iter().map(|method| (method, path.clone())));
        rest = &rest[arguments.len()..];
    }
    routes.retain(|(_, path)| path != "/admin" && !path.starts_with("/admin/"));
    routes
}

/// `text` up to the first `end` outside brackets and string literals.
fn up_to_top_level(text: &str, end: char) -> &str {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            _ if in_string => {}
            c if c == end && depth == 0 => return &text[..i],
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    panic!("no {end:?} closes {text:?}")
}

/// A route's path expression as text: `"…"`, `name`, `&format!("…")`.
fn expand(expression: &str, prefixes: &HashMap<&str, &str>) -> String {
    let prefix = |name: &str| -> String {
        (*prefixes.get(name).unwrap_or_else(|| panic!("route path {expression}: no `let {name} = \"…\";` in router()"))).to_owned()
    };
    if let Some(literal) = expression.strip_prefix('"').and_then(|e| e.strip_suffix('"')) {
        return literal.to_owned();
    }
    if let Some(template) = expression.strip_prefix("&format!(\"").and_then(|e| e.strip_suffix("\")")) {
        let (mut path, mut chars) = (String::new(), template.chars().peekable());
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => path.push(chars.next().unwrap()),
                '}' if chars.peek() == Some(&'}') => path.push(chars.next().unwrap()),
                '{' => path += &prefix(&chars.by_ref().take_while(|&c| c != '}').collect::<String>()),
                c => path.push(c),
            }
        }
        return path;
    }
    assert!(expression.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "a route path this test cannot read: {expression}");
    prefix(expression)
}

/// The HTTP methods a method router expression routes (`get(…).delete(…)`).
fn method_calls(expression: &str) -> Vec<String> {
    const METHODS: [&str; 8] = ["get", "post", "put", "delete", "patch", "head", "options", "trace"];
    let mut methods = Vec::new();
    let (mut word, mut before_word, mut previous) = (String::new(), ' ', ' ');
    for c in expression.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            if word.is_empty() {
                before_word = previous;
            }
            word.push(c);
        } else {
            // A call of a bare name (not `module::name(`).
            if c == '(' && before_word != ':' {
                assert!(!["any", "on"].contains(&word.as_str()), "router() routes with {word}(…): list its methods in this test");
                if METHODS.contains(&word.as_str()) {
                    methods.push(word.to_ascii_uppercase());
                }
            }
            word.clear();
        }
        previous = c;
    }
    methods
}
