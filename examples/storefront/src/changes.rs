//! The shop's own writes that modules hear about: a price, a stock level,
//! an order's payment. Each runs in one database transaction that also
//! records the core events it causes in modgate's outbox
//! ([`Outbox::raise`]): if the write rolls back, no event exists; once it
//! commits, the events are delivered even if the process dies right after.

use modgate_host::engine::TenantId;
use modgate_host::events::{Amount, CoreEvent, EventError, Outbox, RecordedEvent};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, Statement, TransactionTrait, Value};
use serde::Serialize;

/// Largest price or stock level the demo accepts.
const MAX_VALUE: i64 = 1_000_000_000;

/// Why a change was refused.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    /// The tenant has no such product.
    #[error("tenant {tenant} has no product {product}")]
    NoSuchProduct {
        /// The tenant.
        tenant: String,
        /// The product asked for.
        product: String,
    },
    /// The tenant has no such order.
    #[error("tenant {tenant} has no order {order}")]
    NoSuchOrder {
        /// The tenant.
        tenant: String,
        /// The order asked for.
        order: String,
    },
    /// The order is not waiting for payment.
    #[error("order {order} is {status}, not pending: only a pending order can be marked paid")]
    NotPending {
        /// The order.
        order: String,
        /// Its status.
        status: String,
    },
    /// A value is out of range.
    #[error("{0}")]
    Invalid(String),
    /// Recording the event failed.
    #[error("recording the event: {0}")]
    Event(#[from] EventError),
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

impl ChangeError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ChangeError::NoSuchProduct { .. } => "no-such-product",
            ChangeError::NoSuchOrder { .. } => "no-such-order",
            ChangeError::NotPending { .. } => "order-not-pending",
            ChangeError::Invalid(_) => "invalid-value",
            ChangeError::Event(_) | ChangeError::Database(_) => "storage",
        }
    }
}

/// What a change did.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// The value before.
    pub previous: i64,
    /// The value now.
    pub current: i64,
    /// The events it raised: (name, id, deliveries).
    pub events: Vec<RaisedEvent>,
}

/// One event a change raised.
#[derive(Debug, Clone, Serialize)]
pub struct RaisedEvent {
    /// Its name.
    pub name: String,
    /// Its id.
    pub id: String,
    /// How many installs it was fanned out to.
    pub deliveries: u64,
}

impl From<RecordedEvent> for RaisedEvent {
    fn from(event: RecordedEvent) -> Self {
        RaisedEvent {
            name: event.name,
            id: event.id,
            deliveries: event.deliveries,
        }
    }
}

/// The shop's writes, raising their events through `outbox`.
#[derive(Clone)]
pub struct ShopChanges {
    db: DatabaseConnection,
    outbox: Outbox,
}

impl ShopChanges {
    /// Writes on `db` (the shop's tables live in the same database as
    /// modgate's outbox, so one transaction covers both).
    pub fn new(db: DatabaseConnection, outbox: Outbox) -> Self {
        ShopChanges { db, outbox }
    }

    /// Sets a product's price: `product.price-changed` and `product.updated`.
    pub async fn set_price(&self, tenant: &TenantId, product: &str, price_minor: i64) -> Result<Change, ChangeError> {
        if !(1..=MAX_VALUE).contains(&price_minor) {
            return Err(ChangeError::Invalid(format!("price_minor must be 1..={MAX_VALUE} (cents)")));
        }
        let tx = self.db.begin().await?;
        let Some((previous, currency)) = current_price(&tx, tenant, product).await? else {
            return Err(ChangeError::NoSuchProduct { tenant: tenant.to_string(), product: product.to_owned() });
        };
        exec(&tx, "UPDATE shop_products SET price_minor = ? WHERE tenant = ? AND id = ?", vec![
            price_minor.into(),
            tenant.as_str().into(),
            product.into(),
        ])
        .await?;
        let mut events = Vec::new();
        if previous != price_minor {
            let changed = CoreEvent::ProductPriceChanged {
                product_id: product.to_owned(),
                previous: Amount::new(previous, currency.clone()),
                current: Amount::new(price_minor, currency),
            };
            events.push(self.outbox.raise(&tx, tenant, &changed).await?.into());
            let updated = CoreEvent::ProductUpdated { product_id: product.to_owned() };
            events.push(self.outbox.raise(&tx, tenant, &updated).await?.into());
        }
        tx.commit().await?;
        self.outbox.committed();
        Ok(Change { previous, current: price_minor, events })
    }

    /// Sets a product's units in stock: `product.stock-changed` and `product.updated`.
    pub async fn set_stock(&self, tenant: &TenantId, product: &str, stock: i64) -> Result<Change, ChangeError> {
        if !(0..=MAX_VALUE).contains(&stock) {
            return Err(ChangeError::Invalid(format!("stock must be 0..={MAX_VALUE}")));
        }
        let tx = self.db.begin().await?;
        let rows = query(&tx, "SELECT stock FROM shop_products WHERE tenant = ? AND id = ?", vec![
            tenant.as_str().into(),
            product.into(),
        ])
        .await?;
        let Some(previous) = rows.first().map(|row| row.try_get::<i64>("", "stock")).transpose()? else {
            return Err(ChangeError::NoSuchProduct { tenant: tenant.to_string(), product: product.to_owned() });
        };
        exec(&tx, "UPDATE shop_products SET stock = ? WHERE tenant = ? AND id = ?", vec![
            stock.into(),
            tenant.as_str().into(),
            product.into(),
        ])
        .await?;
        let mut events = Vec::new();
        if previous != stock {
            let changed = CoreEvent::ProductStockChanged { product_id: product.to_owned(), previous, current: stock };
            events.push(self.outbox.raise(&tx, tenant, &changed).await?.into());
            let updated = CoreEvent::ProductUpdated { product_id: product.to_owned() };
            events.push(self.outbox.raise(&tx, tenant, &updated).await?.into());
        }
        tx.commit().await?;
        self.outbox.committed();
        Ok(Change { previous, current: stock, events })
    }

    /// Marks a pending order paid: `order.paid`.
    pub async fn mark_paid(&self, tenant: &TenantId, order: &str) -> Result<Change, ChangeError> {
        let tx = self.db.begin().await?;
        let rows = query(
            &tx,
            "SELECT customer_id, status, quantity, unit_price_minor FROM shop_orders WHERE tenant = ? AND id = ?",
            vec![tenant.as_str().into(), order.into()],
        )
        .await?;
        let Some(row) = rows.first() else {
            return Err(ChangeError::NoSuchOrder { tenant: tenant.to_string(), order: order.to_owned() });
        };
        let status: String = row.try_get("", "status")?;
        if status != "pending" {
            return Err(ChangeError::NotPending { order: order.to_owned(), status });
        }
        let total = row.try_get::<i64>("", "quantity")? * row.try_get::<i64>("", "unit_price_minor")?;
        let customer_id: String = row.try_get("", "customer_id")?;
        exec(&tx, "UPDATE shop_orders SET status = 'paid' WHERE tenant = ? AND id = ?", vec![
            tenant.as_str().into(),
            order.into(),
        ])
        .await?;
        let paid = CoreEvent::OrderPaid {
            order_id: order.to_owned(),
            customer_id,
            total: Amount::new(total, "EUR"),
        };
        let events = vec![self.outbox.raise(&tx, tenant, &paid).await?.into()];
        tx.commit().await?;
        self.outbox.committed();
        Ok(Change { previous: 0, current: total, events })
    }
}

async fn current_price(tx: &DatabaseTransaction, tenant: &TenantId, product: &str) -> Result<Option<(i64, String)>, DbErr> {
    let rows = query(tx, "SELECT price_minor, currency FROM shop_products WHERE tenant = ? AND id = ?", vec![
        tenant.as_str().into(),
        product.into(),
    ])
    .await?;
    rows.first()
        .map(|row| Ok((row.try_get("", "price_minor")?, row.try_get("", "currency")?)))
        .transpose()
}

async fn exec(tx: &DatabaseTransaction, sql: &str, values: Vec<Value>) -> Result<(), DbErr> {
    let backend = tx.get_database_backend();
    tx.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await.map(|_| ())
}

async fn query(tx: &DatabaseTransaction, sql: &str, values: Vec<Value>) -> Result<Vec<sea_orm::QueryResult>, DbErr> {
    let backend = tx.get_database_backend();
    tx.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await
}
