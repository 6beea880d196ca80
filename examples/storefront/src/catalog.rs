//! The storefront's own data: products, categories, customers and orders in
//! its own tables (`shop_*`, in the same SQLite file as modgate's), with the
//! four commerce providers implemented on them. Modules never see these
//! tables: they reach the catalogue only through the providers, which return
//! the field-limited records of the WIT contract.

use std::sync::Arc;

use async_trait::async_trait;
use modgate_host::capabilities::categories::{Category, CategoryCatalog};
use modgate_host::capabilities::customers::{Customer, CustomerDirectory};
use modgate_host::capabilities::orders::{Order, OrderBook, OrderLine, OrderStatus};
use modgate_host::capabilities::products::{Product, ProductCatalog};
use modgate_host::capabilities::provider::{PageRequest, ProviderError};
use modgate_host::bindings::modgate::commerce::types::Money;
use modgate_host::engine::TenantId;
use modgate_host::capabilities::Commerce;
use modgate_host::mail::CustomerContacts;

use crate::contacts::ShopContacts;
use sea_orm::{ConnectionTrait, DatabaseConnection, QueryResult, Statement, Value};

/// The shop's schema. `IF NOT EXISTS`: created on first start, kept after.
const SCHEMA: [&str; 4] = [
    "CREATE TABLE IF NOT EXISTS shop_categories (tenant TEXT NOT NULL, id TEXT NOT NULL, slug TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (tenant, id))",
    "CREATE TABLE IF NOT EXISTS shop_products (tenant TEXT NOT NULL, id TEXT NOT NULL, sku TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL, price_minor INTEGER NOT NULL, currency TEXT NOT NULL, category_id TEXT NOT NULL, stock INTEGER NOT NULL, cost_minor INTEGER NOT NULL, supplier TEXT NOT NULL, PRIMARY KEY (tenant, id))",
    "CREATE TABLE IF NOT EXISTS shop_customers (tenant TEXT NOT NULL, id TEXT NOT NULL, display_name TEXT NOT NULL, email TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (tenant, id))",
    "CREATE TABLE IF NOT EXISTS shop_orders (tenant TEXT NOT NULL, id TEXT NOT NULL, customer_id TEXT NOT NULL, status TEXT NOT NULL, product_id TEXT NOT NULL, quantity INTEGER NOT NULL, unit_price_minor INTEGER NOT NULL, placed_at TEXT NOT NULL, PRIMARY KEY (tenant, id))",
];

/// Sample products per tenant: (id, name, description, price in cents, category).
const PRODUCTS: [(&str, &str, &str, &str, i64, &str); 6] = [
    ("acme", "espresso-cup", "Espresso cup", "Thick-walled porcelain, 80 ml.", 1250, "kitchen"),
    ("acme", "milk-jug", "Milk jug", "Stainless steel, 350 ml, for latte art.", 1990, "kitchen"),
    ("acme", "tamper", "Tamper", "58 mm, walnut handle.", 3400, "tools"),
    ("acme", "grinder", "Hand grinder", "Conical burrs, 40 g hopper.", 8900, "tools"),
    ("globex", "hammock", "Hammock", "Cotton, two people.", 8900, "garden"),
    ("globex", "lantern", "Lantern", "Solar, warm white.", 2400, "garden"),
];

/// Sample customers: (tenant, id, display name, email — never shown to modules).
pub const CUSTOMERS: [(&str, &str, &str, &str); 3] = [
    ("acme", "cu-ada", "Ada L.", "ada@example.com"),
    ("acme", "cu-grace", "Grace H.", "grace@example.com"),
    ("globex", "cu-hank", "Hank S.", "hank@example.com"),
];

/// The storefront's data access; implements every commerce provider.
#[derive(Clone)]
pub struct Catalog {
    db: DatabaseConnection,
}

/// A product as the storefront page shows it (its own view, not a module's).
#[derive(Debug, Clone)]
pub struct ShopProduct {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Price in cents.
    pub price_minor: i64,
    /// Currency.
    pub currency: String,
    /// Units in stock.
    pub stock: i64,
}

impl Catalog {
    /// Creates the tables and, when they are empty, the sample data.
    pub async fn open(db: DatabaseConnection) -> anyhow::Result<Self> {
        for statement in SCHEMA {
            db.execute_unprepared(statement).await?;
        }
        let catalog = Catalog { db };
        if catalog.count("SELECT count(*) AS n FROM shop_products").await? == 0 {
            catalog.seed().await?;
        }
        Ok(catalog)
    }

    /// This catalogue as the provider of all four commerce capabilities,
    /// with `contacts` addressing customers for `send-to-customer`.
    pub fn into_commerce(self, contacts: ShopContacts) -> Commerce {
        let shared = Arc::new(self);
        Commerce {
            products: Some(shared.clone() as Arc<dyn ProductCatalog>),
            categories: Some(shared.clone() as Arc<dyn CategoryCatalog>),
            orders: Some(shared.clone() as Arc<dyn OrderBook>),
            customers: Some(shared as Arc<dyn CustomerDirectory>),
            contacts: Some(Arc::new(contacts) as Arc<dyn CustomerContacts>),
        }
    }

    /// The tenant's products for the storefront page.
    pub async fn products_for_page(&self, tenant: &TenantId) -> anyhow::Result<Vec<ShopProduct>> {
        let rows = self
            .query(
                "SELECT id, name, description, price_minor, currency, stock FROM shop_products WHERE tenant = ? ORDER BY name",
                vec![tenant.as_str().into()],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(ShopProduct {
                    id: row.try_get("", "id")?,
                    name: row.try_get("", "name")?,
                    description: row.try_get("", "description")?,
                    price_minor: row.try_get("", "price_minor")?,
                    currency: row.try_get("", "currency")?,
                    stock: row.try_get("", "stock")?,
                })
            })
            .collect()
    }

    async fn seed(&self) -> anyhow::Result<()> {
        let categories = [
            ("acme", "kitchen", "Kitchen"),
            ("acme", "tools", "Tools"),
            ("globex", "garden", "Garden"),
        ];
        for (tenant, id, name) in categories {
            self.exec(
                "INSERT INTO shop_categories (tenant, id, slug, name) VALUES (?, ?, ?, ?)",
                vec![tenant.into(), id.into(), id.into(), name.into()],
            )
            .await?;
        }
        for (index, (tenant, id, name, description, price, category)) in PRODUCTS.into_iter().enumerate() {
            self.exec(
                "INSERT INTO shop_products (tenant, id, sku, name, description, price_minor, currency, category_id, stock, cost_minor, supplier) VALUES (?, ?, ?, ?, ?, ?, 'EUR', ?, ?, ?, 'Internal Supplies Ltd')",
                vec![
                    tenant.into(),
                    id.into(),
                    format!("SKU-{:03}", index + 1).into(),
                    name.into(),
                    description.into(),
                    price.into(),
                    category.into(),
                    (if index % 4 == 3 { 0i64 } else { 12 }).into(),
                    (price / 3).into(),
                ],
            )
            .await?;
        }
        for (tenant, id, display_name, email) in CUSTOMERS {
            self.exec(
                "INSERT INTO shop_customers (tenant, id, display_name, email, created_at) VALUES (?, ?, ?, ?, '2026-01-15T10:00:00Z')",
                vec![tenant.into(), id.into(), display_name.into(), email.into()],
            )
            .await?;
        }
        let orders = [
            ("acme", "o-1001", "cu-ada", "paid", "espresso-cup", 2, 1250),
            ("acme", "o-1002", "cu-grace", "shipped", "tamper", 1, 3400),
            ("acme", "o-1003", "cu-ada", "pending", "milk-jug", 1, 1990),
            ("globex", "o-2001", "cu-hank", "paid", "hammock", 1, 8900),
        ];
        for (tenant, id, customer, status, product, quantity, price) in orders {
            self.exec(
                "INSERT INTO shop_orders (tenant, id, customer_id, status, product_id, quantity, unit_price_minor, placed_at) VALUES (?, ?, ?, ?, ?, ?, ?, '2026-11-01T09:30:00Z')",
                vec![tenant.into(), id.into(), customer.into(), status.into(), product.into(), quantity.into(), price.into()],
            )
            .await?;
        }
        Ok(())
    }

    async fn count(&self, sql: &str) -> anyhow::Result<i64> {
        let rows = self.query(sql, Vec::new()).await?;
        Ok(rows.first().map(|row| row.try_get::<i64>("", "n")).transpose()?.unwrap_or(0))
    }

    async fn exec(&self, sql: &str, values: Vec<Value>) -> Result<(), sea_orm::DbErr> {
        let backend = self.db.get_database_backend();
        self.db.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
        Ok(())
    }

    async fn query(&self, sql: &str, values: Vec<Value>) -> Result<Vec<QueryResult>, sea_orm::DbErr> {
        let backend = self.db.get_database_backend();
        self.db.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await
    }

    /// Runs a provider query: rows of `tenant`, windowed by `page` in SQL.
    async fn rows(
        &self,
        sql: &str,
        tenant: &TenantId,
        extra: Vec<Value>,
        page: Option<PageRequest>,
    ) -> Result<Vec<QueryResult>, ProviderError> {
        let mut values: Vec<Value> = vec![tenant.as_str().into()];
        values.extend(extra);
        let sql = match page {
            Some(page) => {
                values.push(i64::from(page.limit).into());
                values.push(i64::from(page.offset).into());
                format!("{sql} LIMIT ? OFFSET ?")
            }
            None => sql.to_owned(),
        };
        self.query(&sql, values).await.map_err(|e| ProviderError::Failed(e.to_string()))
    }
}

fn field<T: sea_orm::TryGetable>(row: &QueryResult, column: &str) -> Result<T, ProviderError> {
    row.try_get("", column)
        .map_err(|e| ProviderError::Failed(format!("reading {column}: {e}")))
}

fn eur(amount_minor: i64, currency: String) -> Money {
    Money { amount_minor, currency }
}

fn product(row: &QueryResult) -> Result<Product, ProviderError> {
    Ok(Product {
        id: field(row, "id")?,
        sku: field(row, "sku")?,
        name: field(row, "name")?,
        description: field(row, "description")?,
        price: eur(field(row, "price_minor")?, field(row, "currency")?),
        category_ids: vec![field(row, "category_id")?],
        in_stock: field::<i64>(row, "stock")? > 0,
    })
}

fn category(row: &QueryResult) -> Result<Category, ProviderError> {
    Ok(Category {
        id: field(row, "id")?,
        slug: field(row, "slug")?,
        name: field(row, "name")?,
        parent_id: None,
    })
}

fn customer(row: &QueryResult) -> Result<Customer, ProviderError> {
    // The email stays in the shop: the DTO has no field for it.
    Ok(Customer {
        id: field(row, "id")?,
        display_name: field(row, "display_name")?,
        created_at: field(row, "created_at")?,
    })
}

fn order(row: &QueryResult) -> Result<Order, ProviderError> {
    let quantity: i64 = field(row, "quantity")?;
    let unit: i64 = field(row, "unit_price_minor")?;
    let status = match field::<String>(row, "status")?.as_str() {
        "pending" => OrderStatus::Pending,
        "paid" => OrderStatus::Paid,
        "shipped" => OrderStatus::Shipped,
        "cancelled" => OrderStatus::Cancelled,
        _ => OrderStatus::Refunded,
    };
    Ok(Order {
        id: field(row, "id")?,
        customer_id: field(row, "customer_id")?,
        status,
        total: eur(quantity * unit, "EUR".to_owned()),
        placed_at: field(row, "placed_at")?,
        lines: vec![OrderLine {
            product_id: field(row, "product_id")?,
            quantity: u32::try_from(quantity).unwrap_or(0),
            unit_price: eur(unit, "EUR".to_owned()),
        }],
    })
}

const PRODUCT_COLUMNS: &str = "SELECT id, sku, name, description, price_minor, currency, category_id, stock FROM shop_products WHERE tenant = ?";

#[async_trait]
impl ProductCatalog for Catalog {
    async fn list(&self, tenant: &TenantId, page: PageRequest) -> Result<Vec<Product>, ProviderError> {
        let rows = self.rows(&format!("{PRODUCT_COLUMNS} ORDER BY id"), tenant, Vec::new(), Some(page)).await?;
        rows.iter().map(product).collect()
    }

    async fn get(&self, tenant: &TenantId, id: &str) -> Result<Option<Product>, ProviderError> {
        let rows = self.rows(&format!("{PRODUCT_COLUMNS} AND id = ?"), tenant, vec![id.into()], None).await?;
        rows.first().map(product).transpose()
    }
}

#[async_trait]
impl CategoryCatalog for Catalog {
    async fn list(&self, tenant: &TenantId, page: PageRequest) -> Result<Vec<Category>, ProviderError> {
        let sql = "SELECT id, slug, name FROM shop_categories WHERE tenant = ? ORDER BY id";
        self.rows(sql, tenant, Vec::new(), Some(page)).await?.iter().map(category).collect()
    }

    async fn get(&self, tenant: &TenantId, id: &str) -> Result<Option<Category>, ProviderError> {
        let sql = "SELECT id, slug, name FROM shop_categories WHERE tenant = ? AND id = ?";
        self.rows(sql, tenant, vec![id.into()], None).await?.first().map(category).transpose()
    }
}

#[async_trait]
impl CustomerDirectory for Catalog {
    async fn list(&self, tenant: &TenantId, page: PageRequest) -> Result<Vec<Customer>, ProviderError> {
        let sql = "SELECT id, display_name, created_at FROM shop_customers WHERE tenant = ? ORDER BY id";
        self.rows(sql, tenant, Vec::new(), Some(page)).await?.iter().map(customer).collect()
    }

    async fn get(&self, tenant: &TenantId, id: &str) -> Result<Option<Customer>, ProviderError> {
        let sql = "SELECT id, display_name, created_at FROM shop_customers WHERE tenant = ? AND id = ?";
        self.rows(sql, tenant, vec![id.into()], None).await?.first().map(customer).transpose()
    }
}

const ORDER_COLUMNS: &str = "SELECT id, customer_id, status, product_id, quantity, unit_price_minor, placed_at FROM shop_orders WHERE tenant = ?";

#[async_trait]
impl OrderBook for Catalog {
    async fn list(&self, tenant: &TenantId, page: PageRequest) -> Result<Vec<Order>, ProviderError> {
        let rows = self.rows(&format!("{ORDER_COLUMNS} ORDER BY id"), tenant, Vec::new(), Some(page)).await?;
        rows.iter().map(order).collect()
    }

    async fn get(&self, tenant: &TenantId, id: &str) -> Result<Option<Order>, ProviderError> {
        let rows = self.rows(&format!("{ORDER_COLUMNS} AND id = ?"), tenant, vec![id.into()], None).await?;
        rows.first().map(order).transpose()
    }

    async fn has_purchased(&self, tenant: &TenantId, customer_id: &str, product_id: &str) -> Result<bool, ProviderError> {
        let sql = "SELECT 1 AS found FROM shop_orders WHERE tenant = ? AND customer_id = ? AND product_id = ? AND status IN ('paid', 'shipped')";
        let rows = self.rows(sql, tenant, vec![customer_id.into(), product_id.into()], None).await?;
        Ok(!rows.is_empty())
    }
}
