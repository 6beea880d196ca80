//! What tests need: an in-memory commerce provider with a small two-tenant
//! sample (`acme` and `globex`) whose ids never overlap, so tenant-isolation
//! tests can ask one tenant for the other's ids; the capability test kit
//! ([`capability`]); the hostile SQL corpus ([`hostile_sql`]); a listener
//! that proves no connection was made ([`Tripwire`]).

pub mod capability;
pub mod hostile_sql;
mod tripwire;

pub use tripwire::Tripwire;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::capabilities::categories::{Category, CategoryCatalog};
use crate::capabilities::customers::{Customer, CustomerDirectory};
use crate::mail::CustomerContacts;
use crate::capabilities::orders::{Order, OrderBook, OrderLine, OrderStatus};
use crate::capabilities::products::{Product, ProductCatalog};
use crate::capabilities::provider::{PageRequest, ProviderError};
use crate::capabilities::Commerce;
use crate::tenant::TenantId;
use crate::bindings::modgate::commerce::types::Money;

/// One tenant's data.
#[derive(Debug, Clone, Default)]
pub struct TenantData {
    /// Products by id (listed in id order).
    pub products: BTreeMap<String, Product>,
    /// Categories by id.
    pub categories: BTreeMap<String, Category>,
    /// Orders by id (listed newest first by `placed-at`).
    pub orders: BTreeMap<String, Order>,
    /// Customers by id.
    pub customers: BTreeMap<String, Customer>,
    /// Email contacts by customer id (never shown to modules).
    pub contacts: BTreeMap<String, Contact>,
}

/// What the integrator knows about emailing one customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// The address; `None` once the customer was erased.
    pub address: Option<String>,
    /// Whether they opted out of email.
    pub opted_out: bool,
}

/// Commerce data per tenant, in memory. Implements every commerce provider.
#[derive(Debug, Clone, Default)]
pub struct InMemoryCommerce {
    tenants: BTreeMap<TenantId, TenantData>,
}

impl InMemoryCommerce {
    /// No data.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a tenant's data.
    pub fn with_tenant(mut self, tenant: TenantId, data: TenantData) -> Self {
        self.tenants.insert(tenant, data);
        self
    }

    /// The sample: tenant `acme` (products `p-1`..`p-3`, category `c-1`,
    /// customers `cu-1` and `cu-2`, paid order `o-1` of `cu-1` for `p-1`) and
    /// tenant `globex` (product `g-p-1`, category `g-c-1`, customer `g-cu-1`,
    /// order `g-o-1`). Contacts: `cu-1` is `ada@acme.example`, `cu-2`
    /// (`grace@acme.example`) opted out, `cu-3` was erased, `g-cu-1` is
    /// `hank@globex.example`.
    pub fn sample() -> Self {
        let mut acme = tenant_data(
            &[("p-1", "Espresso cup", 1250), ("p-2", "Milk jug", 1990), ("p-3", "Tamper", 3400)],
            ("c-1", "kitchen", "Kitchen"),
            &[("cu-1", "Ada L."), ("cu-2", "Grace H.")],
            ("o-1", "cu-1", "p-1"),
        );
        let mut globex = tenant_data(
            &[("g-p-1", "Hammock", 8900)],
            ("g-c-1", "garden", "Garden"),
            &[("g-cu-1", "Hank S.")],
            ("g-o-1", "g-cu-1", "g-p-1"),
        );
        acme.contacts = BTreeMap::from([
            ("cu-1".to_owned(), Contact { address: Some("ada@acme.example".into()), opted_out: false }),
            ("cu-2".to_owned(), Contact { address: Some("grace@acme.example".into()), opted_out: true }),
            ("cu-3".to_owned(), Contact { address: None, opted_out: false }),
        ]);
        globex.contacts =
            BTreeMap::from([("g-cu-1".to_owned(), Contact { address: Some("hank@globex.example".into()), opted_out: false })]);
        InMemoryCommerce::new()
            .with_tenant(sample_tenant("acme"), acme)
            .with_tenant(sample_tenant("globex"), globex)
    }

    /// This data as the provider of all four commerce capabilities and of
    /// customer contacts.
    pub fn into_commerce(self) -> Commerce {
        let shared = Arc::new(self);
        Commerce {
            products: Some(shared.clone() as Arc<dyn ProductCatalog>),
            categories: Some(shared.clone() as Arc<dyn CategoryCatalog>),
            orders: Some(shared.clone() as Arc<dyn OrderBook>),
            customers: Some(shared.clone() as Arc<dyn CustomerDirectory>),
            contacts: Some(shared as Arc<dyn CustomerContacts>),
        }
    }

    fn tenant(&self, tenant: &TenantId) -> Option<&TenantData> {
        self.tenants.get(tenant)
    }
}

fn sample_tenant(id: &str) -> TenantId {
    TenantId::new(id).unwrap_or_else(|e| unreachable!("sample tenant ids are slugs: {e}"))
}

fn eur(amount_minor: i64) -> Money {
    Money {
        amount_minor,
        currency: "EUR".to_owned(),
    }
}

fn tenant_data(
    products: &[(&str, &str, i64)],
    category: (&str, &str, &str),
    customers: &[(&str, &str)],
    order: (&str, &str, &str),
) -> TenantData {
    let mut data = TenantData::default();
    for (i, (id, name, price)) in products.iter().enumerate() {
        data.products.insert(
            (*id).to_owned(),
            Product {
                id: (*id).to_owned(),
                sku: format!("SKU-{}", i + 1),
                name: (*name).to_owned(),
                description: format!("{name}, from the sample catalogue."),
                price: eur(*price),
                category_ids: vec![category.0.to_owned()],
                in_stock: i % 3 != 2,
            },
        );
    }
    data.categories.insert(
        category.0.to_owned(),
        Category {
            id: category.0.to_owned(),
            slug: category.1.to_owned(),
            name: category.2.to_owned(),
            parent_id: None,
        },
    );
    for (id, name) in customers {
        data.customers.insert(
            (*id).to_owned(),
            Customer {
                id: (*id).to_owned(),
                display_name: (*name).to_owned(),
                created_at: "2026-01-15T10:00:00Z".to_owned(),
            },
        );
    }
    let unit_price = data.products.get(order.2).map_or(eur(0), |p| p.price.clone());
    data.orders.insert(
        order.0.to_owned(),
        Order {
            id: order.0.to_owned(),
            customer_id: order.1.to_owned(),
            status: OrderStatus::Paid,
            total: unit_price.clone(),
            placed_at: "2026-03-01T12:30:00Z".to_owned(),
            lines: vec![OrderLine {
                product_id: order.2.to_owned(),
                quantity: 1,
                unit_price,
            }],
        },
    );
    data
}

/// Lists a tenant's map through the page; an unknown tenant has nothing.
fn page_of<T: Clone>(
    data: Option<&TenantData>,
    pick: impl Fn(&TenantData) -> &BTreeMap<String, T>,
    page: PageRequest,
) -> Vec<T> {
    data.map(|d| page.apply(pick(d).values().cloned())).unwrap_or_default()
}

fn one_of<T: Clone>(
    data: Option<&TenantData>,
    pick: impl Fn(&TenantData) -> &BTreeMap<String, T>,
    id: &str,
) -> Option<T> {
    data.and_then(|d| pick(d).get(id).cloned())
}

#[async_trait::async_trait]
impl ProductCatalog for InMemoryCommerce {
    async fn list(&self, tenant: &TenantId, page: PageRequest) -> Result<Vec<Product>, ProviderError> {
        Ok(page_of(self.tenant(tenant), |d| &d.products, page))
    }

    async fn get(&self, tenant: &TenantId, id: &str) -> Result<Option<Product>, ProviderError> {
        Ok(one_of(self.tenant(tenant), |d| &d.products, id))
    }
}

#[async_trait::async_trait]
impl CategoryCatalog for InMemoryCommerce {
    async fn list(&self, tenant: &TenantId, page: PageRequest) -> Result<Vec<Category>, ProviderError> {
        Ok(page_of(self.tenant(tenant), |d| &d.categories, page))
    }

    async fn get(&self, tenant: &TenantId, id: &str) -> Result<Option<Category>, ProviderError> {
        Ok(one_of(self.tenant(tenant), |d| &d.categories, id))
    }
}

#[async_trait::async_trait]
impl CustomerDirectory for InMemoryCommerce {
    async fn list(&self, tenant: &TenantId, page: PageRequest) -> Result<Vec<Customer>, ProviderError> {
        Ok(page_of(self.tenant(tenant), |d| &d.customers, page))
    }

    async fn get(&self, tenant: &TenantId, id: &str) -> Result<Option<Customer>, ProviderError> {
        Ok(one_of(self.tenant(tenant), |d| &d.customers, id))
    }
}

#[async_trait::async_trait]
impl OrderBook for InMemoryCommerce {
    async fn list(&self, tenant: &TenantId, page: PageRequest) -> Result<Vec<Order>, ProviderError> {
        let mut orders: Vec<Order> = self
            .tenant(tenant)
            .map(|d| d.orders.values().cloned().collect())
            .unwrap_or_default();
        orders.sort_by(|a, b| b.placed_at.cmp(&a.placed_at));
        Ok(page.apply(orders))
    }

    async fn get(&self, tenant: &TenantId, id: &str) -> Result<Option<Order>, ProviderError> {
        Ok(one_of(self.tenant(tenant), |d| &d.orders, id))
    }

    async fn has_purchased(
        &self,
        tenant: &TenantId,
        customer_id: &str,
        product_id: &str,
    ) -> Result<bool, ProviderError> {
        let paid_or_later = |s: OrderStatus| {
            matches!(s, OrderStatus::Paid | OrderStatus::Shipped | OrderStatus::Completed)
        };
        Ok(self.tenant(tenant).is_some_and(|d| {
            d.orders.values().any(|o| {
                o.customer_id == customer_id
                    && paid_or_later(o.status)
                    && o.lines.iter().any(|l| l.product_id == product_id)
            })
        }))
    }
}

#[async_trait::async_trait]
impl CustomerContacts for InMemoryCommerce {
    async fn reachable_address(&self, tenant: &TenantId, customer_id: &str) -> Result<Option<String>, ProviderError> {
        let contact = self.tenant(tenant).and_then(|data| data.contacts.get(customer_id));
        Ok(contact.filter(|c| !c.opted_out).and_then(|c| c.address.clone()))
    }
}
