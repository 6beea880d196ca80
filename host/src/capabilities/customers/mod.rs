//! `modgate:commerce/customers` (permission `read:customers`): the tenant's customers without email or other personal data.

mod host;
mod provider;

use modgate_manifest::Permission;
use wasmtime::component::{HasSelf, Linker};

use crate::bindings::modgate;
use crate::capabilities::{Availability, Capability};
use crate::engine::InvocationState;

pub use crate::bindings::modgate::commerce::customers::Customer;
pub use provider::CustomerDirectory;

/// The customers capability.
#[derive(Debug, Clone, Copy)]
pub struct Customers;

impl Capability for Customers {
    fn name(&self) -> &'static str {
        "customers"
    }

    fn availability(&self) -> Availability {
        Availability::Granted(Permission::ReadCustomers)
    }

    fn provides(&self, interface: &str) -> bool {
        interface == "modgate:commerce/customers"
    }

    fn add_to_linker(&self, linker: &mut Linker<InvocationState>) -> wasmtime::Result<()> {
        modgate::commerce::customers::add_to_linker::<_, HasSelf<_>>(linker, |s| s)
    }
}
