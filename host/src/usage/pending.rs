//! What a recorder has counted since its last flush: plain maps, keyed so
//! that counting an invocation allocates only the first time an install
//! is seen (operation names are `'static`, days and minutes are numbers).

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::histogram::LatencyHistogram;
use super::keys::{unix_day, unix_minute};
use super::operations::EVENT_DELIVERY_OPERATION;
use crate::engine::{InvocationContext, InvocationRecord};
use crate::tenant::TenantId;

/// Everything counted since the last flush, per tenant and module.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    pub(crate) installs: HashMap<TenantId, HashMap<String, InstallUsage>>,
}

/// One install's counts.
#[derive(Debug, Default)]
pub(crate) struct InstallUsage {
    /// Calls per (operation, day since the epoch).
    pub(crate) calls: HashMap<(&'static str, i64), u64>,
    /// Of those, the calls its dependency components made, per (path,
    /// operation, day): the main component's are the rest.
    pub(crate) dependency_calls: HashMap<(Arc<str>, &'static str, i64), u64>,
    /// Per minute since the epoch.
    pub(crate) minutes: HashMap<i64, MinuteUsage>,
}

/// One install's invocations in one minute.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct MinuteUsage {
    pub(crate) invocations: u64,
    pub(crate) errors: u64,
    pub(crate) fuel: u64,
    pub(crate) ops: u64,
    pub(crate) memory_peak_bytes: u64,
    pub(crate) latency: LatencyHistogram,
}

impl Pending {
    /// Counts `record`, which ended at `at`.
    pub(crate) fn record(&mut self, record: &InvocationRecord<'_>, at: DateTime<Utc>) {
        if let Some(install) = self
            .installs
            .get_mut(record.tenant)
            .and_then(|modules| modules.get_mut(record.module))
        {
            install.record(record, at);
            return;
        }
        let mut install = InstallUsage::default();
        install.record(record, at);
        self.installs
            .entry(record.tenant.clone())
            .or_default()
            .insert(record.module.to_owned(), install);
    }

    /// Whether nothing was counted.
    pub(crate) fn is_empty(&self) -> bool {
        self.installs.is_empty()
    }

    /// Adds `other`'s counts to these (a failed flush's counts going back).
    pub(crate) fn absorb(&mut self, other: Pending) {
        for (tenant, modules) in other.installs {
            let mine = self.installs.entry(tenant).or_default();
            for (module, usage) in modules {
                mine.entry(module).or_default().absorb(usage);
            }
        }
    }
}

impl InstallUsage {
    fn record(&mut self, record: &InvocationRecord<'_>, at: DateTime<Utc>) {
        let day = unix_day(at);
        for (operation, calls) in record.op_calls {
            if *calls > 0 {
                self.add_calls(operation, day, u64::from(*calls));
            }
        }
        for call in record.path_calls.iter().filter(|call| &*call.path != record.module && call.calls > 0) {
            self.add_dependency_calls(&call.path, call.operation, day, u64::from(call.calls));
        }
        if record.context == InvocationContext::Event {
            self.add_calls(EVENT_DELIVERY_OPERATION, day, 1);
        }
        let minute = self.minutes.entry(unix_minute(at)).or_default();
        minute.invocations += 1;
        minute.errors += u64::from(record.error.is_some());
        minute.fuel = minute.fuel.saturating_add(record.fuel_used);
        minute.ops += u64::from(record.ops_used);
        let memory = u64::try_from(record.memory_peak_bytes).unwrap_or(u64::MAX);
        minute.memory_peak_bytes = minute.memory_peak_bytes.max(memory);
        minute.latency.record(record.elapsed);
    }

    fn add_calls(&mut self, operation: &'static str, day: i64, calls: u64) {
        let count = self.calls.entry((operation, day)).or_default();
        *count = count.saturating_add(calls);
    }

    fn add_dependency_calls(&mut self, path: &Arc<str>, operation: &'static str, day: i64, calls: u64) {
        let count = self.dependency_calls.entry((Arc::clone(path), operation, day)).or_default();
        *count = count.saturating_add(calls);
    }

    fn absorb(&mut self, other: InstallUsage) {
        for ((operation, day), calls) in other.calls {
            self.add_calls(operation, day, calls);
        }
        for ((path, operation, day), calls) in other.dependency_calls {
            self.add_dependency_calls(&path, operation, day, calls);
        }
        for (minute, usage) in other.minutes {
            self.minutes.entry(minute).or_default().absorb(&usage);
        }
    }
}

impl MinuteUsage {
    /// Adds `other`: counts and sums add, the memory peak is the larger,
    /// histograms add bucket by bucket (as the flush does in the tables).
    pub(crate) fn absorb(&mut self, other: &MinuteUsage) {
        self.invocations = self.invocations.saturating_add(other.invocations);
        self.errors = self.errors.saturating_add(other.errors);
        self.fuel = self.fuel.saturating_add(other.fuel);
        self.ops = self.ops.saturating_add(other.ops);
        self.memory_peak_bytes = self.memory_peak_bytes.max(other.memory_peak_bytes);
        self.latency.merge(&other.latency);
    }
}
