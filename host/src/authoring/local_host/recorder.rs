//! Hears every invocation of the module under run and keeps what it spent.

use std::sync::{Arc, Mutex};

use crate::authoring::budget_report::Spent;
use crate::engine::{InvocationObserver, InvocationRecord};
use crate::sync::lock;

/// The invocations of one module, in the order they ended.
pub(super) struct SpendingRecorder {
    module: String,
    spent: Mutex<Vec<Spent>>,
}

impl SpendingRecorder {
    pub(super) fn new(module: &str) -> Arc<Self> {
        Arc::new(SpendingRecorder {
            module: module.to_owned(),
            spent: Mutex::default(),
        })
    }

    /// What was recorded since the last take.
    pub(super) fn take(&self) -> Vec<Spent> {
        std::mem::take(&mut *lock(&self.spent))
    }
}

impl InvocationObserver for SpendingRecorder {
    fn finished(&self, record: &InvocationRecord<'_>) {
        if record.module == self.module {
            lock(&self.spent).push(Spent::of(record));
        }
    }
}
