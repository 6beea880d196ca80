//! `modgate:commerce/categories` (permission `read:categories`): the tenant's categories.

mod host;
mod provider;

use modgate_manifest::Permission;
use wasmtime::component::{HasSelf, Linker};

use crate::bindings::modgate;
use crate::capabilities::{Availability, Capability};
use crate::engine::InvocationState;

pub use crate::bindings::modgate::commerce::categories::Category;
pub use provider::CategoryCatalog;

/// The categories capability.
#[derive(Debug, Clone, Copy)]
pub struct Categories;

impl Capability for Categories {
    fn name(&self) -> &'static str {
        "categories"
    }

    fn availability(&self) -> Availability {
        Availability::Granted(Permission::ReadCategories)
    }

    fn provides(&self, interface: &str) -> bool {
        interface == "modgate:commerce/categories"
    }

    fn add_to_linker(&self, linker: &mut Linker<InvocationState>) -> wasmtime::Result<()> {
        modgate::commerce::categories::add_to_linker::<_, HasSelf<_>>(linker, |s| s)
    }
}
