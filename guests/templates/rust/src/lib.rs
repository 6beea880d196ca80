//! {{ name }}: a modgate module made by `modgate new`. README.md says how to
//! build it, run it against fixtures and read its budget report.
//!
//! What it says lives in `messages.rs`, apart from the host calls, so
//! `cargo test` checks it without a host.

mod messages;
{%- if tables %}
mod notes;
{%- endif %}

use modgate_sdk::{Error, Module, log};
{%- if serve %}
use modgate_sdk::{Request, Response, Serve};
{%- endif %}
{%- if slots %}
use modgate_sdk::{Badge, SlotRequest, Slots, Tone, Widget};
{%- endif %}
{%- if events %}
use modgate_sdk::Subscriber;
use modgate_sdk::events::{CoreEvent, CorePayload};
{%- endif %}
{%- if hooks %}
use modgate_sdk::json;
use modgate_sdk::{HookCall, Hooks, Outcome, When};
{%- endif %}

struct {{ type_name }};

impl Module for {{ type_name }} {
    /// Runs once per install and upgrade, with the install's settings (JSON).
    fn activate(_settings: &str) -> Result<(), Error> {
        log::info(&messages::activated("{{ name }}"));
{%- if tables and not serve and not events %}
        notes::add("{{ name }}", "activated")?;
{%- endif %}
        Ok(())
    }
}
{%- if serve %}

impl Serve for {{ type_name }} {
    /// Every request under /modules/{{ name }}/ whose route the manifest
    /// declares (and the operator approved). The customer is the one the
    /// host verified; never trust one named in the request.
    fn handle(request: Request) -> Response {
        let customer = request.customer_id().map(str::to_owned);
        let segments = request.segments();
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        match (request.method.as_str(), segments.as_slice()) {
            ("GET", ["hello"]) => Response::json(200, messages::hello("{{ name }}", customer.as_deref())),
{%- if tables %}
            ("GET", ["notes"]) => match notes::list() {
                Ok(body) => Response::json(200, body),
                Err(e) => Response::from_error(&e, "listing notes failed"),
            },
            ("POST", ["notes"]) => {
                let Some(author) = customer else {
                    return Response::error(401, "login-required", "sign in to leave a note");
                };
                let text = String::from_utf8_lossy(&request.body).trim().to_owned();
                if let Some(problem) = messages::note_problem(&text) {
                    return Response::error(400, "invalid-note", problem);
                }
                match notes::add(&author, &text) {
                    Ok(()) => Response::empty(201),
                    Err(e) => Response::from_error(&e, "saving the note failed"),
                }
            }
{%- endif %}
            _ => Response::error(404, "not-found", "no such endpoint"),
        }
    }
}
{%- endif %}
{%- if slots %}

impl Slots for {{ type_name }} {
    /// The widgets for one slot the manifest lists.
    fn render(request: SlotRequest) -> Result<Vec<Widget>, Error> {
        let mut widgets = vec![Widget::Badge(Badge { text: messages::badge("{{ name }}"), tone: Tone::Info })];
        if let Some(product) = request.product_id {
            widgets.push(Widget::Text(product));
        }
        Ok(widgets)
    }
}
{%- endif %}
{%- if events %}

impl Subscriber for {{ type_name }} {
    /// A core event the manifest subscribes to. An `Err` is retried later
    /// with the same event id.
    fn core_event(event: CoreEvent) -> Result<(), Error> {
        if let CorePayload::ProductPriceChanged(change) = &event.payload {
            let line = messages::price_changed(
                &change.product_id,
                (change.previous.amount_minor, &change.previous.currency),
                (change.current.amount_minor, &change.current.currency),
            );
            log::info(&line);
{%- if tables %}
            notes::add("events", &line)?;
{%- endif %}
        }
        Ok(())
    }
}
{%- endif %}
{%- if hooks %}

impl Hooks for {{ type_name }} {
    /// Before the integrator writes a review: refuse spam, tidy the body.
    /// Before-hooks run inside the integrator's transaction and may not
    /// call data operations.
    fn handle(call: HookCall) -> Result<Outcome, Error> {
        if call.when != When::BeforeCreate {
            return Ok(Outcome::Allow);
        }
        let record = call.record(0)?;
        let body = record.get_str("body").unwrap_or_default();
        if let Some(problem) = messages::review_problem(body) {
            return Ok(Outcome::reject(problem));
        }
        let tidy = body.trim();
        if tidy == body {
            return Ok(Outcome::Allow);
        }
        Ok(Outcome::adjust_one("body", json::string(tidy)))
    }
}
{%- endif %}

modgate_sdk::export_module!({{ type_name }});
