//! The shop's customer contact book: what `send-to-customer` needs and
//! modules never see. A customer is reachable when they exist, have an
//! address (erasure blanks it) and did not opt out of email
//! (`shop_email_preferences`). The sample has Grace opted out, so her
//! wishlist records price drops but she gets no email.

use async_trait::async_trait;
use modgate_host::mail::CustomerContacts;
use modgate_host::capabilities::provider::ProviderError;
use modgate_host::engine::TenantId;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

/// The shop's email preferences, beside `shop_customers`.
const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS shop_email_preferences (tenant TEXT NOT NULL, customer_id TEXT NOT NULL, opted_out INTEGER NOT NULL, PRIMARY KEY (tenant, customer_id))";

/// Sample preferences: (tenant, customer, opted out).
const PREFERENCES: [(&str, &str, bool); 1] = [("acme", "cu-grace", true)];

/// The contact book over the shop's tables.
#[derive(Clone)]
pub struct ShopContacts {
    db: DatabaseConnection,
}

impl ShopContacts {
    /// Creates the preferences table and its sample rows if missing.
    pub async fn open(db: DatabaseConnection) -> anyhow::Result<Self> {
        db.execute_unprepared(SCHEMA).await?;
        for (tenant, customer, opted_out) in PREFERENCES {
            db.execute_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                "INSERT INTO shop_email_preferences (tenant, customer_id, opted_out) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [tenant.into(), customer.into(), i64::from(opted_out).into()],
            ))
            .await?;
        }
        Ok(ShopContacts { db })
    }
}

#[async_trait]
impl CustomerContacts for ShopContacts {
    async fn reachable_address(&self, tenant: &TenantId, customer_id: &str) -> Result<Option<String>, ProviderError> {
        let row = self
            .db
            .query_one_raw(Statement::from_sql_and_values(
                self.db.get_database_backend(),
                "SELECT c.email FROM shop_customers c WHERE c.tenant = ? AND c.id = ? AND c.email <> '' \
                 AND NOT EXISTS (SELECT 1 FROM shop_email_preferences p \
                 WHERE p.tenant = c.tenant AND p.customer_id = c.id AND p.opted_out = 1)",
                [tenant.as_str().into(), customer_id.into()],
            ))
            .await
            .map_err(|e| ProviderError::Unavailable(e.to_string()))?;
        row.map(|row| row.try_get::<String>("", "email"))
            .transpose()
            .map_err(|e| ProviderError::Failed(e.to_string()))
    }
}
