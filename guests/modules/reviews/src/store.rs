//! The module's copy of the storefront's reviews, `mod_reviews_reviews`:
//! every statement the module runs against it. All SQL is parameterised.

use modgate_sdk::Error;
use modgate_sdk::tables::{self, Value};

/// A review as the module keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// The storefront's id of the review.
    pub review_id: String,
    /// The product reviewed.
    pub product_id: String,
    /// 1 to 5 stars.
    pub rating: i64,
    /// Who wrote it, as the storefront names them.
    pub author: String,
    /// The text.
    pub body: String,
}

/// A product's ratings: their sum and how many there are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingTotals {
    /// The product.
    pub product_id: String,
    /// The sum of its ratings.
    pub sum: i64,
    /// How many reviews it has.
    pub count: i64,
}

/// A stored review as `GET /products/{product_id}` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The storefront's id of the review.
    pub review_id: String,
    /// 1 to 5 stars.
    pub rating: i64,
    /// Who wrote it.
    pub author: String,
    /// The text.
    pub body: String,
    /// When the copy was stored (RFC 3339).
    pub created_at: String,
}

/// Reviews `GET /products/{product_id}` returns at most.
pub const MAX_LISTED: u32 = 50;

/// Stores `review` unless a review with its id is stored already; whether
/// it was stored now. One operation.
pub fn insert(review: &Review) -> Result<bool, Error> {
    // No conflict target: `review_id` is the only unique column, and the
    // host's SQLite backend has matched an explicit target against a
    // pooled connection's schema from before the index was created.
    let inserted = tables::exec(
        "INSERT INTO mod_reviews_reviews (review_id, product_id, rating, author, body) \
         VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        &[
            Value::Text(review.review_id.clone()),
            Value::Text(review.product_id.clone()),
            Value::Integer(review.rating),
            Value::Text(review.author.clone()),
            Value::Text(review.body.clone()),
        ],
    )?;
    Ok(inserted > 0)
}

/// The rating totals of those of `product_ids` that have reviews, in one
/// query (one operation). `product_ids` must be distinct and at most 256
/// (the host's limit on parameters); a hook's batch is at most 100.
pub fn rating_totals(product_ids: &[&str]) -> Result<Vec<RatingTotals>, Error> {
    if product_ids.is_empty() {
        return Ok(Vec::new());
    }
    // The sum rather than AVG: integers on both backends, so the average is
    // rounded exactly, and the same way everywhere (see `ratings.rs`).
    let placeholders = vec!["?"; product_ids.len()].join(", ");
    let rows = tables::query(
        &format!(
            "SELECT product_id, SUM(rating), COUNT(*) FROM mod_reviews_reviews \
             WHERE product_id IN ({placeholders}) GROUP BY product_id"
        ),
        &product_ids
            .iter()
            .map(|id| Value::Text((*id).to_owned()))
            .collect::<Vec<_>>(),
    )?;
    rows.rows
        .iter()
        .map(|row| match row.as_slice() {
            [Value::Text(product_id), sum, count] => {
                match (whole_number(sum), whole_number(count)) {
                    (Some(sum), Some(count)) => Ok(RatingTotals {
                        product_id: product_id.clone(),
                        sum,
                        count,
                    }),
                    _ => Err(unexpected_row(row)),
                }
            }
            _ => Err(unexpected_row(row)),
        })
        .collect()
}

fn unexpected_row(row: &[Value]) -> Error {
    Error::handler(format!("rating totals: unexpected row {row:?}"))
}

/// An aggregate's whole number. The host returns SUM and COUNT of integers
/// as integers on both backends; a whole `real` is accepted too, so a
/// backend's choice of type cannot fail a product listing.
fn whole_number(value: &Value) -> Option<i64> {
    match value {
        Value::Integer(n) => Some(*n),
        Value::Real(r) if r.fract() == 0.0 && r.abs() < 9.0e15 => Some(*r as i64),
        _ => None,
    }
}

/// The newest reviews of `product_id`, at most [`MAX_LISTED`]. One
/// operation.
pub fn newest(product_id: &str) -> Result<Vec<Listed>, Error> {
    let rows = tables::query(
        &format!(
            "SELECT review_id, rating, author, body, created_at FROM mod_reviews_reviews \
             WHERE product_id = ?1 ORDER BY created_at DESC, id DESC LIMIT {MAX_LISTED}"
        ),
        &[Value::Text(product_id.to_owned())],
    )?;
    rows.rows
        .iter()
        .map(|row| match row.as_slice() {
            [
                Value::Text(review_id),
                Value::Integer(rating),
                Value::Text(author),
                Value::Text(body),
                Value::Text(created_at),
            ] => Ok(Listed {
                review_id: review_id.clone(),
                rating: *rating,
                author: author.clone(),
                body: body.clone(),
                created_at: created_at.clone(),
            }),
            other => Err(Error::handler(format!("reviews: unexpected row {other:?}"))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregates_are_read_as_whole_numbers_whatever_their_sql_type() {
        assert_eq!(whole_number(&Value::Integer(17)), Some(17));
        assert_eq!(whole_number(&Value::Real(17.0)), Some(17));
        assert_eq!(whole_number(&Value::Real(4.5)), None);
        assert_eq!(whole_number(&Value::Real(f64::NAN)), None);
        assert_eq!(whole_number(&Value::Text("17".into())), None);
        assert_eq!(whole_number(&Value::Null), None);
    }
}
