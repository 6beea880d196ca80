//! What `modgate run` is asked to call, parsed from its flags: a route
//! (`GET /items?sort=newest`), a slot, a core event, or a data hook.

use std::fmt;

use modgate_manifest::{HookWhen, Slot};
use serde_json::Value;

use crate::events::CoreEvent;

/// One call into the module.
#[derive(Debug, Clone)]
pub enum Call {
    /// An HTTP request under the module's mount, through the bridge.
    Route {
        /// `GET`, `POST`, …
        method: http::Method,
        /// The path under the mount with its query (`/items?sort=newest`).
        target: String,
        /// The request body, if any.
        body: Option<String>,
    },
    /// A storefront slot's widgets.
    Slot {
        /// The slot.
        slot: Slot,
        /// The product shown, if any.
        product: Option<String>,
    },
    /// A core event delivered to the module's subscription.
    Event(CoreEvent),
    /// A data hook, as the integrator would run it.
    Hook {
        /// The moment.
        when: HookWhen,
        /// The hookable entity.
        entity: String,
        /// The action, for `on-action`.
        action: Option<String>,
        /// The record (for `after-read`, an array of rows).
        record: Value,
    },
}

/// A flag `modgate run` cannot use, with the form it takes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{flag} {value:?}: {message}")]
pub struct CallError {
    /// The flag.
    pub flag: &'static str,
    /// What it was given (cut to 200 characters).
    pub value: String,
    /// What is wrong and the form it takes.
    pub message: String,
}

impl CallError {
    fn new(flag: &'static str, value: &str, message: impl Into<String>) -> Self {
        CallError {
            flag,
            value: value.chars().take(200).collect(),
            message: message.into(),
        }
    }

    /// The stable code of the refusal.
    pub fn code(&self) -> &'static str {
        "invalid-call"
    }
}

impl Call {
    /// `--route 'METHOD /path?query'` with an optional `--body`.
    pub fn route(text: &str, body: Option<&str>) -> Result<Call, CallError> {
        let form = "give METHOD and a path under the module's mount, e.g. 'GET /items?sort=newest'";
        let (method, target) = text
            .trim()
            .split_once(' ')
            .ok_or_else(|| CallError::new("--route", text, form))?;
        let method = http::Method::from_bytes(method.to_ascii_uppercase().as_bytes())
            .map_err(|_| CallError::new("--route", text, form))?;
        let target = target.trim();
        if !target.starts_with('/') || target.contains(char::is_whitespace) {
            return Err(CallError::new("--route", text, form));
        }
        let body = matches!(
            method,
            http::Method::POST | http::Method::PUT | http::Method::PATCH
        )
        .then(|| body.map(str::to_owned))
        .flatten();
        Ok(Call::Route {
            method,
            target: target.to_owned(),
            body,
        })
    }

    /// `--slot SLOT` with an optional `--product`.
    pub fn slot(text: &str, product: Option<&str>) -> Result<Call, CallError> {
        let slot = text
            .parse::<Slot>()
            .map_err(|e| CallError::new("--slot", text, e.to_string()))?;
        Ok(Call::Slot {
            slot,
            product: product.map(str::to_owned),
        })
    }

    /// `--event NAME --payload JSON`: the payload's fields as the event
    /// carries them (`{"product_id": "p1", "previous": {"amount_minor":
    /// 1250, "currency": "EUR"}, …}`).
    pub fn event(name: &str, payload: Option<&str>) -> Result<Call, CallError> {
        let mut fields = match payload {
            None => serde_json::Map::new(),
            Some(text) => match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(fields)) => fields,
                Ok(_) => {
                    return Err(CallError::new(
                        "--payload",
                        text,
                        "give a JSON object of the event's fields",
                    ));
                }
                Err(e) => return Err(CallError::new("--payload", text, format!("not JSON: {e}"))),
            },
        };
        fields.insert("event".to_owned(), Value::String(name.to_owned()));
        let event: CoreEvent = serde_json::from_value(Value::Object(fields)).map_err(|e| {
            CallError::new(
                "--event",
                name,
                format!("{e}; core events and their fields: docs/events.md (e.g. product.price-changed with product_id, previous, current)"),
            )
        })?;
        event
            .validate()
            .map_err(|e| CallError::new("--payload", payload.unwrap_or_default(), e.to_string()))?;
        Ok(Call::Event(event))
    }

    /// `--hook MOMENT:ENTITY[:ACTION] --record JSON`.
    pub fn hook(text: &str, record: Option<&str>) -> Result<Call, CallError> {
        let form = "give MOMENT:ENTITY (or on-action:ENTITY:ACTION), e.g. before-create:review";
        let mut parts = text.split(':');
        let (Some(when), Some(entity)) = (parts.next(), parts.next()) else {
            return Err(CallError::new("--hook", text, form));
        };
        let action = parts.next().map(str::to_owned);
        if parts.next().is_some() || entity.is_empty() {
            return Err(CallError::new("--hook", text, form));
        }
        let when = when
            .parse::<HookWhen>()
            .map_err(|e| CallError::new("--hook", text, e.to_string()))?;
        if (when == HookWhen::OnAction) != action.is_some() {
            return Err(CallError::new(
                "--hook",
                text,
                "only on-action names an action: on-action:ENTITY:ACTION",
            ));
        }
        let record = match record {
            None => {
                return Err(CallError::new(
                    "--hook",
                    text,
                    "give the record with --record '{\"field\": …}'",
                ));
            }
            Some(text) => serde_json::from_str::<Value>(text)
                .map_err(|e| CallError::new("--record", text, format!("not JSON: {e}")))?,
        };
        let shape_ok = if when == HookWhen::AfterRead {
            record.is_array()
        } else {
            record.is_object()
        };
        if !shape_ok {
            let shape = if when == HookWhen::AfterRead {
                "an array of rows"
            } else {
                "a JSON object"
            };
            return Err(CallError::new(
                "--record",
                &record.to_string(),
                format!("{when} takes {shape}"),
            ));
        }
        Ok(Call::Hook {
            when,
            entity: entity.to_owned(),
            action,
            record,
        })
    }
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Call::Route { method, target, .. } => write!(f, "route {method} {target}"),
            Call::Slot {
                slot,
                product: Some(product),
            } => write!(f, "slot {slot} (product {product})"),
            Call::Slot {
                slot,
                product: None,
            } => write!(f, "slot {slot}"),
            Call::Event(event) => write!(f, "event {}", event.name()),
            Call::Hook {
                when,
                entity,
                action: Some(action),
                ..
            } => write!(f, "hook {when}:{entity}:{action}"),
            Call::Hook { when, entity, .. } => write!(f, "hook {when}:{entity}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_needs_a_method_and_a_path_under_the_mount() {
        let Call::Route {
            method,
            target,
            body,
        } = Call::route("get /items?sort=newest", Some("x")).unwrap()
        else {
            panic!()
        };
        assert_eq!(
            (method, target.as_str(), body),
            (http::Method::GET, "/items?sort=newest", None)
        );
        let Call::Route { body, .. } = Call::route("POST /notes", Some("hi")).unwrap() else {
            panic!()
        };
        assert_eq!(body.as_deref(), Some("hi"));
        for bad in ["/items", "GET items", "GET /a b", "G@T /x"] {
            let error = Call::route(bad, None).unwrap_err();
            assert_eq!(
                (error.code(), error.flag),
                ("invalid-call", "--route"),
                "{bad}"
            );
        }
    }

    #[test]
    fn an_unknown_slot_is_refused_with_the_catalog() {
        let error = Call::slot("sidebar", None).unwrap_err();
        assert!(error.message.contains("product-card.actions"), "{error}");
    }

    #[test]
    fn an_event_is_built_from_its_name_and_fields() {
        let payload = r#"{"product_id":"p1","previous":{"amount_minor":1250,"currency":"EUR"},"current":{"amount_minor":990,"currency":"EUR"}}"#;
        let Call::Event(event) = Call::event("product.price-changed", Some(payload)).unwrap()
        else {
            panic!()
        };
        assert_eq!(event.name(), "product.price-changed");
        let error =
            Call::event("product.price-changed", Some(r#"{"product_id":"p1"}"#)).unwrap_err();
        assert!(error.message.contains("missing field"), "{error}");
        let error = Call::event("order.exploded", None).unwrap_err();
        assert!(error.message.contains("docs/events.md"), "{error}");
    }

    #[test]
    fn a_hook_names_moment_entity_and_only_for_on_action_an_action() {
        let Call::Hook {
            when,
            entity,
            action,
            ..
        } = Call::hook("before-create:review", Some("{}")).unwrap()
        else {
            panic!()
        };
        assert_eq!(
            (when, entity.as_str(), action),
            (HookWhen::BeforeCreate, "review", None)
        );
        assert!(Call::hook("on-action:order:refund", Some("{}")).is_ok());
        for (bad, record) in [
            ("on-action:order", "{}"),
            ("before-create:review:x", "{}"),
            ("review", "{}"),
            ("after-read:product", "{}"),
            ("before-create:review", "[]"),
        ] {
            assert_eq!(
                Call::hook(bad, Some(record)).unwrap_err().code(),
                "invalid-call",
                "{bad} {record}"
            );
        }
        assert!(
            Call::hook("before-create:review", None)
                .unwrap_err()
                .message
                .contains("--record")
        );
    }
}
