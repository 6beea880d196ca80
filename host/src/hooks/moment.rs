//! What each moment lets a hook do: between the manifest's moments, the
//! contract's and the rules of SPEC §8.

use modgate_manifest::HookWhen;

use crate::bindings::exports::modgate::host::hook_handler::When;

/// The contract's name for a moment.
pub(crate) fn contract_moment(when: HookWhen) -> When {
    match when {
        HookWhen::BeforeCreate => When::BeforeCreate,
        HookWhen::BeforeUpdate => When::BeforeUpdate,
        HookWhen::BeforeDelete => When::BeforeDelete,
        HookWhen::AfterCreate => When::AfterCreate,
        HookWhen::AfterUpdate => When::AfterUpdate,
        HookWhen::AfterDelete => When::AfterDelete,
        HookWhen::AfterRead => When::AfterRead,
        HookWhen::OnAction => When::OnAction,
    }
}

/// The moment as manifests and logs write it.
pub(crate) fn moment_name(when: When) -> &'static str {
    match when {
        When::BeforeCreate => "before-create",
        When::BeforeUpdate => "before-update",
        When::BeforeDelete => "before-delete",
        When::AfterCreate => "after-create",
        When::AfterUpdate => "after-update",
        When::AfterDelete => "after-delete",
        When::AfterRead => "after-read",
        When::OnAction => "on-action",
    }
}

/// Whether a hook's rejection stops the write or action.
pub(crate) fn decides(when: When) -> bool {
    matches!(when, When::BeforeCreate | When::BeforeUpdate | When::BeforeDelete | When::OnAction)
}

/// Whether a hook may adjust the records at this moment, and why not.
pub(crate) fn adjusting(when: When) -> Result<(), &'static str> {
    match when {
        When::BeforeCreate | When::BeforeUpdate | When::OnAction | When::AfterRead => Ok(()),
        When::BeforeDelete => Err("a record about to be deleted cannot be adjusted"),
        When::AfterCreate | When::AfterUpdate | When::AfterDelete => Err("a committed write cannot be adjusted"),
    }
}
