//! The label sets of the metric families. Each field is one label, encoded
//! in declaration order: `tenant` first, then `module`, so every family
//! reads the same way in the exposition.

use prometheus_client::encoding::EncodeLabelSet;

use crate::engine::InvocationRecord;

/// Where an invocation ran: `{tenant, module, context}`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(super) struct ContextLabels {
    pub tenant: String,
    pub module: String,
    pub context: &'static str,
}

impl ContextLabels {
    pub fn of(record: &InvocationRecord<'_>) -> Self {
        ContextLabels {
            tenant: record.tenant.as_str().to_owned(),
            module: record.module.to_owned(),
            context: record.context.as_str(),
        }
    }
}

/// Where an invocation ran and how it ended: `{tenant, module, context, outcome}`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(super) struct OutcomeLabels {
    pub tenant: String,
    pub module: String,
    pub context: &'static str,
    /// `ok`, or the stable error code (`busy`, `timeout`, …).
    pub outcome: &'static str,
}

/// One capability operation of an install: `{tenant, module, operation}`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(super) struct OperationLabels {
    pub tenant: String,
    pub module: String,
    /// `products.get`, `tables.query`, …
    pub operation: &'static str,
}

/// One capability operation of one dependency component of an install:
/// `{tenant, module, path, operation}`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(super) struct PathOperationLabels {
    pub tenant: String,
    pub module: String,
    /// `wishlist>fetcher`: the chain of calls that reached the component.
    pub path: String,
    /// `products.get`, `http.outbound`, …
    pub operation: &'static str,
}

/// One install: `{tenant, module}` (the scrape-time gauges).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(super) struct InstallLabels {
    pub tenant: String,
    pub module: String,
}
