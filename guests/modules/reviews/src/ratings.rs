//! The `after-read` hook on `product`: fill the virtual fields
//! `average_rating` (a number rounded to one decimal, or `null` without
//! reviews) and `review_count` of every product read.
//!
//! A batch holds up to 100 products, and the hook may spend up to 100
//! operations on it: one query for the whole batch keeps a listing of any
//! size at one operation per batch, instead of one per product.

use modgate_sdk::json::JsonValue;
use modgate_sdk::{Error, FieldChange, HookCall, Outcome, RecordChange};

use crate::store::{self, RatingTotals};

/// Adjusts every product of the batch with its ratings (one query).
pub fn products_after_read(call: &HookCall) -> Result<Outcome, Error> {
    let products = (0..call.records.len())
        .map(|index| call.record(index))
        .collect::<Result<Vec<JsonValue>, Error>>()?;
    let ids = distinct_ids(&products);
    if ids.is_empty() {
        return Ok(Outcome::Allow);
    }
    let totals = store::rating_totals(&ids)?;
    Ok(Outcome::Adjust(adjustments(&products, &totals)))
}

/// The products' ids, each once, in order. A product without a string `id`
/// is left unchanged.
fn distinct_ids(products: &[JsonValue]) -> Vec<&str> {
    let mut ids: Vec<&str> = Vec::new();
    for id in products.iter().filter_map(|product| product.get_str("id")) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// The changes to each product with an `id`: its average and count, or
/// `null` and 0 when it has no reviews.
fn adjustments(products: &[JsonValue], totals: &[RatingTotals]) -> Vec<RecordChange> {
    products
        .iter()
        .enumerate()
        .filter_map(|(index, product)| {
            let id = product.get_str("id")?;
            let found = totals.iter().find(|t| t.product_id == id);
            let (average, count) = match found {
                Some(t) => (average_json(t.sum, t.count), t.count),
                None => ("null".to_owned(), 0),
            };
            Some(RecordChange::new(
                index,
                vec![
                    FieldChange::new("average_rating", average),
                    FieldChange::new("review_count", count.to_string()),
                ],
            ))
        })
        .collect()
}

/// The average of `count` ratings summing to `sum`, rounded half up to one
/// decimal, as JSON (`4.3`, `5.0`); `null` without ratings. Computed in
/// integers, so 4.25 is 4.3 whatever floating point would make of it.
pub fn average_json(sum: i64, count: i64) -> String {
    if count <= 0 {
        return "null".to_owned();
    }
    let (sum, count) = (i128::from(sum), i128::from(count));
    // round(10 × sum / count), half up: floor((20 × sum + count) / (2 × count)).
    let tenths = (20 * sum + count).div_euclid(2 * count);
    format!("{}.{}", tenths.div_euclid(10), tenths.rem_euclid(10))
}

#[cfg(test)]
mod tests {
    use super::*;
    use modgate_sdk::json;

    fn totals(product_id: &str, sum: i64, count: i64) -> RatingTotals {
        RatingTotals {
            product_id: product_id.into(),
            sum,
            count,
        }
    }

    #[test]
    fn averages_are_rounded_half_up_to_one_decimal() {
        assert_eq!(average_json(5, 1), "5.0");
        assert_eq!(average_json(9, 2), "4.5");
        assert_eq!(average_json(17, 4), "4.3", "4.25 rounds up");
        assert_eq!(average_json(13, 3), "4.3", "4.333…");
        assert_eq!(average_json(14, 3), "4.7", "4.666…");
        assert_eq!(average_json(3, 3), "1.0");
        assert_eq!(average_json(41, 40), "1.0", "1.025");
        assert_eq!(average_json(43, 40), "1.1", "1.075");
        assert_eq!(
            average_json(5 * (i64::MAX / 5), i64::MAX / 5),
            "5.0",
            "no overflow"
        );
    }

    #[test]
    fn without_ratings_the_average_is_null() {
        assert_eq!(average_json(0, 0), "null");
    }

    #[test]
    fn every_product_gets_its_average_and_count_or_null_and_zero() {
        let products: Vec<JsonValue> = [
            r#"{"id":"p-1","name":"Mug","price_minor":1200}"#,
            r#"{"id":"p-2","name":"Cup"}"#,
            r#"{"name":"no id"}"#,
            r#"{"id":"p-1","name":"Mug again"}"#,
        ]
        .iter()
        .map(|text| json::parse(text).unwrap())
        .collect();
        assert_eq!(distinct_ids(&products), ["p-1", "p-2"]);
        let changes = adjustments(&products, &[totals("p-1", 9, 2)]);
        let written: Vec<(u32, Vec<(String, String)>)> = changes
            .into_iter()
            .map(|c| {
                (
                    c.index,
                    c.changes.into_iter().map(|f| (f.field, f.value)).collect(),
                )
            })
            .collect();
        let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        assert_eq!(
            written,
            [
                (
                    0,
                    vec![pair("average_rating", "4.5"), pair("review_count", "2")]
                ),
                (
                    1,
                    vec![pair("average_rating", "null"), pair("review_count", "0")]
                ),
                (
                    3,
                    vec![pair("average_rating", "4.5"), pair("review_count", "2")]
                ),
            ]
        );
    }
}
