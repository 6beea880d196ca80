//! `modgate:commerce/products` (permission `read:products`): the tenant's catalogue as a field-limited view.

mod host;
mod provider;

use modgate_manifest::Permission;
use wasmtime::component::{HasSelf, Linker};

use crate::bindings::modgate;
use crate::capabilities::{Availability, Capability};
use crate::engine::InvocationState;

pub use crate::bindings::modgate::commerce::products::Product;
pub use provider::ProductCatalog;

/// The products capability.
#[derive(Debug, Clone, Copy)]
pub struct Products;

impl Capability for Products {
    fn name(&self) -> &'static str {
        "products"
    }

    fn availability(&self) -> Availability {
        Availability::Granted(Permission::ReadProducts)
    }

    fn provides(&self, interface: &str) -> bool {
        interface == "modgate:commerce/products"
    }

    fn add_to_linker(&self, linker: &mut Linker<InvocationState>) -> wasmtime::Result<()> {
        modgate::commerce::products::add_to_linker::<_, HasSelf<_>>(linker, |s| s)
    }
}
