//! [`DataHooks`]: what the integrator calls from its own write and read
//! paths. Each call finds the approved hooks of the tenant's modules on the
//! entity × moment, runs them one after another in module-name order, and
//! says what the write may do.

use std::sync::Arc;

use modgate_manifest::HookWhen;
use serde_json::Value;

use super::breakers::HookBreakers;
use super::chain::{HookChains, HookInstall};
use super::config::{FailurePolicy, HookConfig};
use super::error::HookError;
use super::moment::contract_moment;
use super::records::{apply, check_record};
use super::report::{AfterRead, Decision, HookReport, Rejection};
use super::run::{HookInvocation, Verdict, views};
use crate::bindings::exports::modgate::host::hook_handler::HookCall;
use crate::breaker::BreakerStatus;
use crate::hookable::{HookableEntities, HookableEntity};
use crate::storage::changes::{Change, ChangeObserver};
use crate::lifecycle::Lifecycle;
use crate::tenant::TenantId;

/// What a failed before-hook tells the person whose write it refused: the
/// cause is the operator's business (it is logged), not theirs.
const FAILED_CHECK: &str = "This change could not be checked right now. Please try again later.";

/// Whose record, of which entity, on whose behalf.
#[derive(Debug, Clone, Copy)]
pub struct HookTarget<'a> {
    /// The tenant whose modules' hooks run.
    pub tenant: &'a TenantId,
    /// The hookable entity.
    pub entity: &'a str,
    /// The verified customer the integrator acts for, if any.
    pub customer: Option<&'a str>,
}

impl<'a> HookTarget<'a> {
    /// `entity` of `tenant`, for nobody in particular.
    pub fn new(tenant: &'a TenantId, entity: &'a str) -> Self {
        HookTarget {
            tenant,
            entity,
            customer: None,
        }
    }

    /// The same, on behalf of `customer`.
    pub fn for_customer(self, customer: &'a str) -> Self {
        HookTarget {
            customer: Some(customer),
            ..self
        }
    }
}

/// The data hooks of one host: the integrator's entities and the modules'
/// hooks on them. Cheap to clone.
#[derive(Clone)]
pub struct DataHooks {
    inner: Arc<Inner>,
}

struct Inner {
    lifecycle: Arc<Lifecycle>,
    entities: HookableEntities,
    config: HookConfig,
    chains: HookChains,
    breakers: HookBreakers,
}

/// Another process changed an install: its tenant's chains are read again.
impl ChangeObserver for Inner {
    fn changed(&self, change: &Change<'_>) {
        match change {
            Change::Install { tenant, .. } => {
                self.chains.invalidate(tenant);
            }
            Change::Unknown => self.chains.invalidate_all(),
            Change::Work(_) => {}
        }
    }
}

/// One moment's call, before the records.
struct Moment<'a> {
    target: &'a HookTarget<'a>,
    when: HookWhen,
    action: Option<&'a str>,
    previous: Option<String>,
}

impl DataHooks {
    /// Publishes `entities` (installs from every process are checked
    /// against them) and starts dispatching hooks on them.
    pub async fn start(
        lifecycle: Arc<Lifecycle>,
        entities: HookableEntities,
        config: HookConfig,
    ) -> Result<Self, HookError> {
        lifecycle.publish_hookable(&entities).await?;
        let inner = Arc::new(Inner {
            chains: HookChains::new(config.refresh),
            breakers: HookBreakers::new(config.breaker_failures),
            lifecycle,
            entities,
            config,
        });
        inner.lifecycle.storage().changes().observe(&inner);
        Ok(DataHooks { inner })
    }

    /// The hookable entities.
    pub fn entities(&self) -> &HookableEntities {
        &self.inner.entities
    }

    /// Runs the `before-create` hooks on `record`, inside the integrator's
    /// transaction (they make no data operation).
    pub async fn before_create(&self, target: &HookTarget<'_>, record: Value) -> Result<Decision, HookError> {
        self.before(Moment::new(target, HookWhen::BeforeCreate), record).await
    }

    /// Runs the `before-update` hooks on `record` (the record as it will
    /// be written), showing them `previous` (as stored).
    pub async fn before_update(
        &self,
        target: &HookTarget<'_>,
        previous: &Value,
        record: Value,
    ) -> Result<Decision, HookError> {
        let entity = self.entity(target.entity, HookWhen::BeforeUpdate, None)?;
        check(entity, previous)?;
        let moment = Moment {
            previous: Some(super::records::hook_view(entity, previous)),
            ..Moment::new(target, HookWhen::BeforeUpdate)
        };
        self.before(moment, record).await
    }

    /// Runs the `before-delete` hooks on the record about to be deleted
    /// (they may refuse, not adjust).
    pub async fn before_delete(&self, target: &HookTarget<'_>, record: Value) -> Result<Decision, HookError> {
        self.before(Moment::new(target, HookWhen::BeforeDelete), record).await
    }

    /// Runs the `on-action` hooks of `action` on its input, before the
    /// integrator carries it out.
    pub async fn on_action(&self, target: &HookTarget<'_>, action: &str, input: Value) -> Result<Decision, HookError> {
        let moment = Moment {
            action: Some(action),
            ..Moment::new(target, HookWhen::OnAction)
        };
        self.before(moment, input).await
    }

    /// Runs the `after-read` hooks on `rows`, in batches, and returns them
    /// with the hooks' adjustments. A failing hook changes nothing.
    pub async fn after_read(&self, target: &HookTarget<'_>, mut rows: Vec<Value>) -> Result<AfterRead, HookError> {
        let entity = self.entity(target.entity, HookWhen::AfterRead, None)?;
        for row in &rows {
            check(entity, row)?;
        }
        let mut report = HookReport::default();
        let chain = self.chain(target, HookWhen::AfterRead, None).await?;
        let batch = self.inner.config.rows_per_call.max(1);
        for (install, subject) in &chain {
            for slice in rows.chunks_mut(batch) {
                let moment = Moment::new(target, HookWhen::AfterRead);
                let (verdict, run) = self.invoke(&moment, entity, install, subject, slice).await;
                if let Verdict::GoOn(changes) = verdict {
                    apply(slice, changes);
                }
                report.runs.push(run);
            }
        }
        Ok(AfterRead { rows, report })
    }

    /// Runs the `after-create` hooks on the committed `record`. Their
    /// failures are logged and reported; the write stands.
    pub async fn after_create(&self, target: &HookTarget<'_>, record: &Value) -> Result<HookReport, HookError> {
        self.after(Moment::new(target, HookWhen::AfterCreate), record).await
    }

    /// Runs the `after-update` hooks on the committed `record`, showing
    /// them `previous`.
    pub async fn after_update(
        &self,
        target: &HookTarget<'_>,
        previous: &Value,
        record: &Value,
    ) -> Result<HookReport, HookError> {
        let entity = self.entity(target.entity, HookWhen::AfterUpdate, None)?;
        check(entity, previous)?;
        let moment = Moment {
            previous: Some(super::records::hook_view(entity, previous)),
            ..Moment::new(target, HookWhen::AfterUpdate)
        };
        self.after(moment, record).await
    }

    /// Runs the `after-delete` hooks on the deleted `record`.
    pub async fn after_delete(&self, target: &HookTarget<'_>, record: &Value) -> Result<HookReport, HookError> {
        self.after(Moment::new(target, HookWhen::AfterDelete), record).await
    }

    /// The breaker state of one module's hook (`before-create review`), if
    /// it ran since this process started.
    pub fn breaker_status(&self, tenant: &TenantId, module: &str, hook: &str) -> Option<BreakerStatus> {
        self.inner.breakers.status(tenant, module, hook)
    }

    /// Forgets the tenant's hooks as read, so an approval made in this
    /// process applies at once.
    pub fn invalidate(&self, tenant: &TenantId) {
        self.inner.chains.invalidate(tenant);
    }

    /// A before-moment: each hook sees the record as the ones before it
    /// left it; the first refusal (or failure, failing closed) stops.
    async fn before(&self, moment: Moment<'_>, record: Value) -> Result<Decision, HookError> {
        let entity = self.entity(moment.target.entity, moment.when, moment.action)?;
        check(entity, &record)?;
        let chain = self.chain(moment.target, moment.when, moment.action).await?;
        let mut records = [record];
        let mut report = HookReport::default();
        for (install, subject) in &chain {
            let (verdict, run) = self.invoke(&moment, entity, install, subject, &records).await;
            let module = run.module.clone();
            report.runs.push(run);
            let rejection = match verdict {
                Verdict::GoOn(changes) => {
                    apply(&mut records, changes);
                    continue;
                }
                Verdict::Reject(messages) => Rejection {
                    module,
                    messages,
                    failed: false,
                },
                Verdict::Failed if self.inner.config.failure_policy == FailurePolicy::Skip => continue,
                Verdict::Failed => Rejection {
                    module,
                    messages: vec![FAILED_CHECK.to_owned()],
                    failed: true,
                },
            };
            return Ok(Decision::Reject { rejection, report });
        }
        let [record] = records;
        Ok(Decision::Proceed { record, report })
    }

    /// An after-write moment: every hook runs; nothing changes the write.
    async fn after(&self, moment: Moment<'_>, record: &Value) -> Result<HookReport, HookError> {
        let entity = self.entity(moment.target.entity, moment.when, None)?;
        check(entity, record)?;
        let chain = self.chain(moment.target, moment.when, None).await?;
        let records = [record.clone()];
        let mut report = HookReport::default();
        for (install, subject) in &chain {
            let (_, run) = self.invoke(&moment, entity, install, subject, &records).await;
            report.runs.push(run);
        }
        Ok(report)
    }

    async fn invoke(
        &self,
        moment: &Moment<'_>,
        entity: &HookableEntity,
        install: &HookInstall,
        subject: &str,
        records: &[Value],
    ) -> (Verdict, super::HookRun) {
        let tenant = moment.target.tenant;
        let breaker = self.inner.breakers.of(tenant, install, subject);
        let call = HookCall {
            entity: entity.name().to_owned(),
            when: contract_moment(moment.when),
            action: moment.action.map(str::to_owned),
            records: views(entity, records),
            previous: moment.previous.clone(),
            customer_id: moment.target.customer.map(str::to_owned),
        };
        HookInvocation {
            tenant,
            install,
            entity,
            breaker: &breaker,
            config: &self.inner.config,
            call,
        }
        .run()
        .await
    }

    /// The entity, if the integrator made `when` (and `action`) hookable.
    fn entity(&self, name: &str, when: HookWhen, action: Option<&str>) -> Result<&HookableEntity, HookError> {
        self.inner
            .entities
            .get(name)
            .filter(|entity| entity.is_hookable(when, action))
            .ok_or_else(|| HookError::NotHookable {
                entity: name.to_owned(),
                when: match action {
                    Some(action) => format!("on-action {action}"),
                    None => when.to_string(),
                },
            })
    }

    /// The installs with an approved hook here, in running order, each
    /// with the hook's subject.
    async fn chain(
        &self,
        target: &HookTarget<'_>,
        when: HookWhen,
        action: Option<&str>,
    ) -> Result<Vec<(Arc<HookInstall>, String)>, HookError> {
        let hooks = self.inner.chains.of(&self.inner.lifecycle, target.tenant).await?;
        Ok(hooks
            .installs
            .iter()
            .filter_map(|install| {
                let subject = install.approved_hook(target.entity, when, action)?;
                Some((install.clone(), subject))
            })
            .collect())
    }
}

impl<'a> Moment<'a> {
    fn new(target: &'a HookTarget<'a>, when: HookWhen) -> Self {
        Moment {
            target,
            when,
            action: None,
            previous: None,
        }
    }
}

fn check(entity: &HookableEntity, record: &Value) -> Result<(), HookError> {
    check_record(entity, record).map_err(|problem| HookError::InvalidRecord {
        entity: entity.name().to_owned(),
        problem,
    })
}
