//! Running one module's hook once, under its breaker, and reading its
//! outcome as the moment allows: the one place where what a hook answered
//! becomes a [`HookRun`] and the changes to apply.

use serde_json::Value;

use super::chain::HookInstall;
use super::config::HookConfig;
use super::records::{self, CheckedChanges};
use super::report::{HookRun, RunResult};
use crate::bindings::exports::modgate::host::hook_handler::{HookCall, Outcome};
use super::moment::moment_name;
use crate::breaker::{BreakerStatus, CircuitBreaker};
use crate::engine::error_code_name;
use crate::engine::module_log::LogLevel;
use crate::hookable::HookableEntity;
use crate::tenant::TenantId;

/// What a rejection without messages tells the person who asked.
const NO_REASON: &str = "This change was refused.";

/// What a hook's run means for the caller.
pub(crate) enum Verdict {
    /// Go on (with these changes to apply, possibly none).
    GoOn(CheckedChanges),
    /// The hook refused.
    Reject(Vec<String>),
    /// The hook failed.
    Failed,
}

/// One hook's call.
pub(crate) struct HookInvocation<'a> {
    pub tenant: &'a TenantId,
    pub install: &'a HookInstall,
    pub entity: &'a HookableEntity,
    pub breaker: &'a CircuitBreaker,
    pub config: &'a HookConfig,
    pub call: HookCall,
}

impl HookInvocation<'_> {
    /// Calls the hook and reads its outcome; the run is logged when it
    /// failed or had changes dropped.
    pub async fn run(self) -> (Verdict, HookRun) {
        let module = self.install.name().to_owned();
        let mut run = HookRun {
            module: module.clone(),
            result: RunResult::Allowed,
            dropped: Vec::new(),
        };
        let Ok(permit) = self.breaker.admit() else {
            // Disabled after repeated failures until a new version or the
            // operator re-arms it: not called, and treated as failing, so
            // that failing it on purpose cannot switch a check off.
            run.result = RunResult::BreakerOpen;
            return (Verdict::Failed, run);
        };
        let loaded = match &self.install.module {
            Ok(loaded) => loaded,
            Err(why) => {
                drop(permit);
                run.result = RunResult::Failed {
                    code: "not-available",
                    message: format!("module {module} cannot be loaded: {why}"),
                    counted: false,
                };
                self.log(&run);
                return (Verdict::Failed, run);
            }
        };
        let failures_before = self.consecutive_failures();
        let answer = loaded.handle_hook(self.tenant, &self.call, &self.install.extensions()).await;
        let outcome = match answer {
            Ok(invoked) => invoked.value,
            Err(error) => {
                let counted = error.is_module_fault();
                if counted {
                    permit.failed();
                    self.note_if_disabled(failures_before);
                }
                run.result = RunResult::Failed {
                    code: error_code_name(error.code()),
                    message: error.to_string(),
                    counted,
                };
                self.log(&run);
                return (Verdict::Failed, run);
            }
        };
        let verdict = match self.read(outcome) {
            Ok((verdict, result, dropped)) => {
                permit.succeeded();
                run.result = result;
                run.dropped = dropped;
                verdict
            }
            Err(message) => {
                permit.failed();
                self.note_if_disabled(failures_before);
                run.result = RunResult::Failed {
                    code: "invalid",
                    message: format!("module {module}: {message}"),
                    counted: true,
                };
                Verdict::Failed
            }
        };
        self.log(&run);
        (verdict, run)
    }

    /// What the outcome means at this moment; `Err` when it is invalid.
    #[allow(clippy::type_complexity)]
    fn read(&self, outcome: Outcome) -> Result<(Verdict, RunResult, Vec<super::DroppedChange>), String> {
        let when = self.call.when;
        let deciding = super::moment::decides(when);
        Ok(match outcome {
            Outcome::Allow => (Verdict::GoOn(CheckedChanges::default()), RunResult::Allowed, Vec::new()),
            Outcome::Reject(messages) => {
                check_messages(&messages, self.config)?;
                let messages = if messages.is_empty() { vec![NO_REASON.to_owned()] } else { messages };
                if deciding {
                    (Verdict::Reject(messages.clone()), RunResult::Rejected(messages), Vec::new())
                } else {
                    // Too late to refuse: the write is committed or the rows read.
                    tracing::warn!(module = self.install.name(), moment = moment_name(when), "a rejection after the fact is ignored");
                    (Verdict::GoOn(CheckedChanges::default()), RunResult::Rejected(messages), Vec::new())
                }
            }
            Outcome::Adjust(changes) => {
                let adjusting = super::moment::adjusting(when);
                let mut checked = records::check_changes(self.entity, changes, self.call.records.len(), adjusting)?;
                let dropped = std::mem::take(&mut checked.dropped);
                let result = if checked.apply.is_empty() {
                    RunResult::Allowed
                } else {
                    RunResult::Adjusted(checked.fields())
                };
                (Verdict::GoOn(checked), result, dropped)
            }
        })
    }

    /// The breaker's count of consecutive failures while it is closed.
    fn consecutive_failures(&self) -> Option<u32> {
        match self.breaker.status() {
            BreakerStatus::Closed { consecutive_failures } => Some(consecutive_failures),
            _ => None,
        }
    }

    /// Says so when the failure just reported is the one that opened the
    /// breaker (it was closed, one short of the threshold, before).
    fn note_if_disabled(&self, failures_before: Option<u32>) {
        let opened_now = failures_before.is_some_and(|n| n.saturating_add(1) >= self.config.breaker_failures.max(1))
            && matches!(self.breaker.status(), BreakerStatus::Open { .. });
        if !opened_now {
            return;
        }
        let entity = self.entity.name();
        let line = format!(
            "hook {} {entity} disabled after {} consecutive failures: it is not called, and counts as failing, until a new version or `modgate breaker-reset {} --tenant {} --hooks`",
            moment_name(self.call.when),
            self.config.breaker_failures,
            self.install.name(),
            self.tenant
        );
        tracing::warn!(module = self.install.name(), tenant = %self.tenant, entity, "{line}");
        if let Ok(module) = &self.install.module {
            module.log().append(self.tenant.as_str(), LogLevel::Warn, &line);
        }
    }

    /// Failures and dropped changes go to the host's log and to the
    /// module's own, where its author looks.
    fn log(&self, run: &HookRun) {
        let entity = self.entity.name();
        let Ok(module) = &self.install.module else { return };
        let log = module.log();
        let tenant = self.tenant.as_str();
        if let RunResult::Failed { code, message, .. } = &run.result {
            let moment = moment_name(self.call.when);
            tracing::warn!(module = %run.module, tenant, entity, moment, code, "hook failed: {message}");
            log.append(tenant, LogLevel::Warn, &format!("hook {moment} {entity} failed ({code}): {message}"));
        }
        for dropped in &run.dropped {
            tracing::warn!(module = %run.module, tenant, entity, field = %dropped.field, "hook change dropped: {}", dropped.reason);
            let line = format!("hook on {entity}: change of {} dropped: {}", dropped.field, dropped.reason);
            log.append(tenant, LogLevel::Warn, &line);
        }
    }
}

/// A rejection's messages reach a person: bounded, plain text.
fn check_messages(messages: &[String], config: &HookConfig) -> Result<(), String> {
    if messages.len() > config.max_messages {
        return Err(format!("rejected with {} messages, more than {}", messages.len(), config.max_messages));
    }
    for message in messages {
        let chars = message.chars().count();
        if chars > config.max_message_chars {
            return Err(format!("a rejection message is {chars} characters, more than {}", config.max_message_chars));
        }
        if let Some(bad) = message.chars().find(|&c| is_unprintable(c)) {
            return Err(format!("a rejection message holds the unprintable character U+{:04X}", bad as u32));
        }
    }
    Ok(())
}

/// Control characters, line and paragraph separators, and the bidirectional
/// controls that can make a message read differently from what it says.
fn is_unprintable(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The record as its hook view, for building calls.
pub(crate) fn views(entity: &HookableEntity, records: &[Value]) -> Vec<String> {
    records.iter().map(|record| records::hook_view(entity, record)).collect()
}
