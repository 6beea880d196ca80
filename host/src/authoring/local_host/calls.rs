//! Making one call into the module the way the real host does: a route
//! through the bridge (identity, approvals, header hygiene and all), a slot
//! through the bridge's widget validation, a core event straight to the
//! module's handler (as the event worker delivers it), a hook through the
//! dispatcher on the fixtures' entities.

use std::fmt;
use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use super::{LocalHost, LocalHostError};
use crate::authoring::request::Call;
use crate::bindings::exports::modgate::commerce::core_event_handler::CoreEvent as WitCoreEvent;
use crate::engine::InvocationError;
use crate::events::{CoreEvent, HandledEvent};
use crate::hooks::{Decision, HookReport, HookTarget, RunResult};
use crate::http::identity::issue_hs256;
use modgate_manifest::HookWhen;

/// How long a customer token made for one call is valid.
const TOKEN_LIFETIME_SECS: u64 = 300;

/// What the module answered.
#[derive(Debug, Clone)]
pub enum Answer {
    /// The HTTP response, as the client would see it.
    Http {
        /// Status code.
        status: u16,
        /// Headers, in order.
        headers: Vec<(String, String)>,
        /// The body (lossy UTF-8).
        body: String,
    },
    /// The validated widgets (none when the module failed or its widgets
    /// were refused: its log says why).
    Widgets(Value),
    /// The event was delivered; `Err` is why the handler failed (the event
    /// worker would retry it).
    Event(Result<(), String>),
    /// What the hook dispatcher decided, and each run.
    Hook(String),
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::Http {
                status,
                headers,
                body,
            } => {
                writeln!(f, "HTTP {status}")?;
                for (name, value) in headers {
                    writeln!(f, "{name}: {value}")?;
                }
                write!(f, "\n{body}")
            }
            Answer::Widgets(widgets) => write!(
                f,
                "{}",
                serde_json::to_string_pretty(widgets).unwrap_or_default()
            ),
            Answer::Event(Ok(())) => write!(f, "delivered"),
            Answer::Event(Err(error)) => {
                write!(f, "failed (the event worker would retry it): {error}")
            }
            Answer::Hook(text) => f.write_str(text),
        }
    }
}

impl LocalHost {
    /// Makes `call`, as `customer` when given (a signed-in customer of the
    /// fixtures' tenant).
    pub async fn call(
        &self,
        call: &Call,
        customer: Option<&str>,
    ) -> Result<Answer, LocalHostError> {
        match call {
            Call::Route {
                method,
                target,
                body,
            } => self.route(method, target, body.as_deref(), customer).await,
            Call::Slot { slot, product } => {
                if !self.manifest_lists(|m| m.slots.contains(slot)) {
                    return Err(not_offered(
                        "slot-not-declared",
                        format!(
                            "{} lists no slot {slot}: add slots = [\"{slot}\"] to module.toml",
                            self.module
                        ),
                    ));
                }
                let rendered = self
                    .bridge
                    .slot_widgets(&self.tenant, *slot, product.as_deref(), customer)
                    .await;
                let widgets: Vec<_> = rendered
                    .into_iter()
                    .filter(|m| m.module == self.module)
                    .flat_map(|m| m.widgets)
                    .collect();
                Ok(Answer::Widgets(
                    serde_json::to_value(widgets).unwrap_or(Value::Null),
                ))
            }
            Call::Event(event) => self.deliver(event).await,
            Call::Hook {
                when,
                entity,
                action,
                record,
            } => {
                let target = HookTarget {
                    tenant: &self.tenant,
                    entity,
                    customer,
                };
                self.hook(&target, *when, action.as_deref(), record.clone())
                    .await
            }
        }
    }

    fn manifest_lists(&self, test: impl Fn(&modgate_manifest::Manifest) -> bool) -> bool {
        self.lifecycle
            .module(&self.tenant, &self.module)
            .is_some_and(|loaded| test(loaded.manifest()))
    }

    async fn route(
        &self,
        method: &http::Method,
        target: &str,
        body: Option<&str>,
        customer: Option<&str>,
    ) -> Result<Answer, LocalHostError> {
        let mut request = http::Request::builder()
            .method(method.clone())
            .uri(format!("/modules/{}{target}", self.module))
            .header(http::header::HOST, "localhost");
        if let Some(customer) = customer {
            request = request.header(
                http::header::AUTHORIZATION,
                format!("Bearer {}", self.token(customer)?),
            );
        }
        if body.is_some() {
            request = request.header(http::header::CONTENT_TYPE, "text/plain; charset=utf-8");
        }
        let mut request = request
            .body(axum::body::Body::from(body.unwrap_or_default().to_owned()))
            .map_err(|e| not_offered("invalid-call", format!("{method} {target}: {e}")))?;
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 0))));
        let Ok(response) = self.router.clone().oneshot(request).await;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = match response.into_body().collect().await {
            Ok(collected) => String::from_utf8_lossy(&collected.to_bytes()).into_owned(),
            Err(e) => format!("(the body failed mid-stream: {e})"),
        };
        Ok(Answer::Http {
            status,
            headers,
            body,
        })
    }

    fn token(&self, customer: &str) -> Result<String, LocalHostError> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let claims = json!({ "sub": customer, "tenant": self.tenant.as_str(), "iat": now, "exp": now + TOKEN_LIFETIME_SECS });
        issue_hs256(&self.secret, &claims)
            .map_err(|e| not_offered("invalid-call", format!("--as {customer}: {e}")))
    }

    /// Delivers a core event as the event worker does: to the installed
    /// version, with the install's settings and the event's id for the
    /// module's idempotency ledger.
    async fn deliver(&self, event: &CoreEvent) -> Result<Answer, LocalHostError> {
        let name = event.name();
        if !self.manifest_lists(|m| m.subscriptions.iter().any(|s| s.as_str() == name)) {
            return Err(not_offered(
                "not-subscribed",
                format!(
                    "{} does not subscribe to {name}: add subscriptions = [\"{name}\"] (and permission subscribe:events) to module.toml",
                    self.module
                ),
            ));
        }
        let record = self
            .lifecycle
            .serving_record(&self.tenant, &self.module)
            .await?;
        let loaded = self.lifecycle.module(&self.tenant, &self.module);
        let (Some(record), Some(loaded)) = (record, loaded) else {
            return Err(not_offered(
                "not-installed",
                format!("{} is no longer installed", self.module),
            ));
        };
        let id = crate::storage::new_id();
        let wit = WitCoreEvent {
            id: id.clone(),
            tenant: self.tenant.to_string(),
            occurred_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            payload: event.to_contract(),
        };
        let extensions = record.inputs.extensions().with(HandledEvent::new(&id));
        Ok(Answer::Event(
            match loaded
                .handle_core_event(&self.tenant, &wit, &extensions)
                .await
            {
                Ok(_) => Ok(()),
                Err(error) => Err(failure(&error)),
            },
        ))
    }

    async fn hook(
        &self,
        target: &HookTarget<'_>,
        when: HookWhen,
        action: Option<&str>,
        record: Value,
    ) -> Result<Answer, LocalHostError> {
        if !self.manifest_lists(|m| {
            m.hooks
                .iter()
                .any(|h| h.when == when && h.entity == target.entity)
        }) {
            return Err(not_offered(
                "hook-not-declared",
                format!(
                    "{} declares no {when} hook on {}: add [[hooks]] entity = \"{}\" when = \"{when}\" to module.toml",
                    self.module, target.entity, target.entity
                ),
            ));
        }
        let hooks = &self.hooks;
        let text = match when {
            HookWhen::BeforeCreate => decision(hooks.before_create(target, record).await?),
            HookWhen::BeforeUpdate => {
                decision(hooks.before_update(target, &record.clone(), record).await?)
            }
            HookWhen::BeforeDelete => decision(hooks.before_delete(target, record).await?),
            HookWhen::OnAction => decision(
                hooks
                    .on_action(target, action.unwrap_or_default(), record)
                    .await?,
            ),
            HookWhen::AfterRead => {
                let rows = match record {
                    Value::Array(rows) => rows,
                    other => vec![other],
                };
                let read = hooks.after_read(target, rows).await?;
                format!(
                    "rows: {}\n{}",
                    pretty(&Value::Array(read.rows)),
                    runs(&read.report)
                )
            }
            HookWhen::AfterCreate => runs(&hooks.after_create(target, &record).await?),
            HookWhen::AfterUpdate => runs(&hooks.after_update(target, &record, &record).await?),
            HookWhen::AfterDelete => runs(&hooks.after_delete(target, &record).await?),
        };
        Ok(Answer::Hook(text))
    }
}

fn decision(decision: Decision) -> String {
    match decision {
        Decision::Proceed { record, report } => {
            format!("proceed with: {}\n{}", pretty(&record), runs(&report))
        }
        Decision::Reject { rejection, report } => format!(
            "{} by {}: {}\n{}",
            rejection.code(),
            rejection.module,
            rejection.messages.join(" | "),
            runs(&report)
        ),
    }
}

fn runs(report: &HookReport) -> String {
    let lines: Vec<String> = report
        .runs
        .iter()
        .map(|run| {
            let result = match &run.result {
                RunResult::Allowed => "allowed".to_owned(),
                RunResult::Adjusted(fields) => format!("adjusted {}", fields.join(", ")),
                RunResult::Rejected(messages) => format!("rejected: {}", messages.join(" | ")),
                RunResult::Failed { code, message, .. } => format!("failed [{code}]: {message}"),
                RunResult::BreakerOpen => "skipped: breaker open".to_owned(),
            };
            let dropped: Vec<String> = run
                .dropped
                .iter()
                .map(|d| format!("; dropped change of {}: {}", d.field, d.reason))
                .collect();
            format!("  {}: {result}{}", run.module, dropped.concat())
        })
        .collect();
    if lines.is_empty() {
        "no hook ran".to_owned()
    } else {
        format!("hooks:\n{}", lines.join("\n"))
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn failure(error: &InvocationError) -> String {
    format!("[{}] {error}", crate::engine::error_code_name(error.code()))
}

fn not_offered(code: &'static str, message: String) -> LocalHostError {
    LocalHostError::NotOffered { code, message }
}
