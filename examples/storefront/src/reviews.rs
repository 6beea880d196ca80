//! Customers' product reviews: the shop's own data (`shop_reviews`), written
//! through the modules' data hooks.
//!
//! Posting one runs, in order: the shop's own checks (a rating of 1 to 5, a
//! body of sensible length, a product and customer that exist), then a
//! transaction in which the `before-create review` hooks may refuse the
//! review or adjust its `body` before the shop inserts it, then — once
//! committed — the `after-create review` hooks, whose failures never undo
//! the write. The shop's checks do not depend on any module being installed:
//! a reviews module's rules come on top of them.

use modgate_host::engine::TenantId;
use modgate_host::hooks::{DataHooks, Decision, HookError, HookTarget, Rejection, RunResult};
use modgate_host::storage::{new_id, now_rfc3339};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement, TransactionTrait};
use serde_json::{Value, json};

use crate::hookable::REVIEW;

/// The shop's reviews. `IF NOT EXISTS`: created on first start, kept after.
const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS shop_reviews (tenant TEXT NOT NULL, id TEXT NOT NULL, product_id TEXT NOT NULL, customer_id TEXT NOT NULL, author TEXT NOT NULL, rating INTEGER NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (tenant, id))";

/// Longest review text, in characters (the form's `maxlength` too).
pub const MAX_BODY_CHARS: usize = 2000;

/// What the customer shows for a hook that adjusted the text into something
/// the shop would not store: the cause is the operator's business (logged).
const UNSTORABLE_ADJUSTMENT: &str =
    "This review could not be checked right now. Please try again later.";

/// What a customer asked to post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewDraft {
    /// The product reviewed.
    pub product_id: String,
    /// Stars, 1 to 5.
    pub rating: i64,
    /// The text.
    pub body: String,
}

/// A review the shop's checks let through, about to meet the hooks.
struct NewReview {
    id: String,
    product_id: String,
    customer_id: String,
    rating: i64,
    author: String,
    body: String,
}

impl NewReview {
    /// The `review` record hooks see (the customer comes with the call).
    fn record(&self) -> Value {
        json!({
            "id": self.id,
            "product_id": self.product_id,
            "rating": self.rating,
            "author": self.author,
            "body": self.body,
        })
    }
}

/// Why a review was not posted. [`ReviewRefused::messages`] are for the
/// customer (plain text: escape them where they are shown).
#[derive(Debug, thiserror::Error)]
pub enum ReviewRefused {
    /// The shop's own checks refused it; the message says what to change.
    #[error("{0}")]
    Invalid(String),
    /// The tenant has no such product.
    #[error("no product {0}")]
    NoSuchProduct(String),
    /// The signed-in customer is not in the shop's customer table.
    #[error("no customer {0}")]
    UnknownCustomer(String),
    /// A module's `before-create` hook refused it, or failed (fail closed).
    #[error("refused by module {}: {}", .0.module, .0.messages.join(" "))]
    Rejected(Rejection),
    /// The hooks could not be run (the host's side).
    #[error("{0}")]
    Hooks(#[from] HookError),
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

impl ReviewRefused {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ReviewRefused::Invalid(_) => "invalid-review",
            ReviewRefused::NoSuchProduct(_) => "no-such-product",
            ReviewRefused::UnknownCustomer(_) => "unknown-customer",
            ReviewRefused::Rejected(rejection) => rejection.code(),
            ReviewRefused::Hooks(_) | ReviewRefused::Database(_) => "storage",
        }
    }

    /// What to tell the customer.
    pub fn messages(&self) -> Vec<String> {
        match self {
            ReviewRefused::Invalid(message) => vec![message.clone()],
            ReviewRefused::NoSuchProduct(_) => vec!["This shop has no such product.".to_owned()],
            ReviewRefused::UnknownCustomer(_) => {
                vec!["Your account was not found. Sign in again.".to_owned()]
            }
            ReviewRefused::Rejected(rejection) => rejection.messages.clone(),
            ReviewRefused::Hooks(_) | ReviewRefused::Database(_) => {
                vec!["Your review could not be saved right now. Please try again later.".to_owned()]
            }
        }
    }
}

/// The shop's reviews, written through the data hooks.
#[derive(Clone)]
pub struct ShopReviews {
    db: DatabaseConnection,
    hooks: DataHooks,
}

impl ShopReviews {
    /// Creates the table if missing.
    pub async fn open(db: DatabaseConnection, hooks: DataHooks) -> anyhow::Result<Self> {
        db.execute_unprepared(SCHEMA).await?;
        Ok(ShopReviews { db, hooks })
    }

    /// Posts `draft` for `customer`; returns the review as stored (with the
    /// hooks' adjustments), as `review` hooks see it.
    pub async fn post(
        &self,
        tenant: &TenantId,
        customer: &str,
        draft: ReviewDraft,
    ) -> Result<Value, ReviewRefused> {
        let review = self.prepare(tenant, customer, draft).await?;
        let target = HookTarget::new(tenant, REVIEW).for_customer(customer);
        let stored = self.write(&target, review).await?;
        // Awaited rather than spawned: the page the customer returns to then
        // already counts the review. Nothing it does can undo the write.
        match self.hooks.after_create(&target, &stored).await {
            Ok(report) => {
                for run in report.failures() {
                    tracing::warn!(%tenant, module = %run.module, "after-create review hook failed: {:?}", run.result);
                }
            }
            Err(e) => tracing::error!(%tenant, code = e.code(), "after-create review hooks: {e}"),
        }
        Ok(stored)
    }

    /// The shop's own checks, and the review they let through.
    async fn prepare(
        &self,
        tenant: &TenantId,
        customer: &str,
        draft: ReviewDraft,
    ) -> Result<NewReview, ReviewRefused> {
        check_rating(draft.rating)?;
        let body = check_body(draft.body.trim())?.to_owned();
        let product = "SELECT name AS v FROM shop_products WHERE tenant = ? AND id = ?";
        if self
            .one(tenant, product, &draft.product_id)
            .await?
            .is_none()
        {
            return Err(ReviewRefused::NoSuchProduct(draft.product_id));
        }
        let author = "SELECT display_name AS v FROM shop_customers WHERE tenant = ? AND id = ?";
        let author = self
            .one(tenant, author, customer)
            .await?
            .ok_or_else(|| ReviewRefused::UnknownCustomer(customer.to_owned()))?;
        Ok(NewReview {
            id: new_id(),
            product_id: draft.product_id,
            customer_id: customer.to_owned(),
            rating: draft.rating,
            author,
            body,
        })
    }

    /// The `before-create` hooks and the INSERT, in one transaction.
    ///
    /// Everything was read before it begins: a SQLite read snapshot held
    /// while the hooks run would make the INSERT fail if anything else
    /// committed meanwhile, so the transaction's first statement is the write.
    async fn write(
        &self,
        target: &HookTarget<'_>,
        mut review: NewReview,
    ) -> Result<Value, ReviewRefused> {
        let tx = self.db.begin().await?;
        let (record, report) = match self.hooks.before_create(target, review.record()).await? {
            Decision::Proceed { record, report } => (record, report),
            Decision::Reject { rejection, .. } => {
                tx.rollback().await?;
                return Err(ReviewRefused::Rejected(rejection));
            }
        };
        // Hooks may change the body only (the host drops other changes), and
        // the shop still decides what it stores.
        match record["body"].as_str().map(|body| check_body(body.trim())) {
            Some(Ok(body)) => review.body = body.to_owned(),
            _ => {
                tx.rollback().await?;
                let module = report
                    .runs
                    .iter()
                    .rev()
                    .find(|run| matches!(&run.result, RunResult::Adjusted(fields) if fields.iter().any(|f| f == "body")))
                    .map_or_else(String::new, |run| run.module.clone());
                tracing::warn!(tenant = %target.tenant, module, "a before-create review hook adjusted the body into one the shop refuses");
                return Err(ReviewRefused::Rejected(Rejection {
                    module,
                    messages: vec![UNSTORABLE_ADJUSTMENT.to_owned()],
                    failed: true,
                }));
            }
        }
        let backend = tx.get_database_backend();
        tx.execute_raw(Statement::from_sql_and_values(
            backend,
            "INSERT INTO shop_reviews (tenant, id, product_id, customer_id, author, rating, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                target.tenant.as_str().into(),
                review.id.clone().into(),
                review.product_id.clone().into(),
                review.customer_id.clone().into(),
                review.author.clone().into(),
                review.rating.into(),
                review.body.clone().into(),
                now_rfc3339().into(),
            ],
        ))
        .await?;
        tx.commit().await?;
        Ok(review.record())
    }

    /// The first column `v` of a one-row lookup by tenant and key.
    async fn one(&self, tenant: &TenantId, sql: &str, key: &str) -> Result<Option<String>, DbErr> {
        let backend = self.db.get_database_backend();
        let row = self
            .db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [tenant.as_str().into(), key.into()],
            ))
            .await?;
        row.map(|row| row.try_get::<String>("", "v")).transpose()
    }
}

fn check_rating(rating: i64) -> Result<(), ReviewRefused> {
    if (1..=5).contains(&rating) {
        Ok(())
    } else {
        Err(ReviewRefused::Invalid(
            "Choose a rating from 1 to 5 stars.".to_owned(),
        ))
    }
}

fn check_body(body: &str) -> Result<&str, ReviewRefused> {
    if body.is_empty() {
        return Err(ReviewRefused::Invalid(
            "Write a few words about the product.".to_owned(),
        ));
    }
    if body.chars().count() > MAX_BODY_CHARS {
        return Err(ReviewRefused::Invalid(format!(
            "Keep your review under {MAX_BODY_CHARS} characters."
        )));
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shop_checks_rating_and_length_itself() {
        assert!(check_rating(1).is_ok() && check_rating(5).is_ok());
        assert_eq!(check_rating(0).unwrap_err().code(), "invalid-review");
        assert_eq!(check_rating(6).unwrap_err().code(), "invalid-review");
        assert!(check_body("Good cup.").is_ok());
        assert!(check_body("").is_err());
        assert!(check_body(&"x".repeat(MAX_BODY_CHARS)).is_ok());
        assert!(check_body(&"x".repeat(MAX_BODY_CHARS + 1)).is_err());
    }

    #[test]
    fn a_failed_check_tells_the_customer_only_to_try_later() {
        let refused = ReviewRefused::Database(DbErr::Custom("disk full at /var/db".into()));
        assert_eq!(refused.code(), "storage");
        assert!(!refused.messages().concat().contains("disk"));
    }
}
