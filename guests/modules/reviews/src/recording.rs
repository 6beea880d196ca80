//! The `after-create` hook on `review`: keep a copy of the stored review and
//! announce it as `mod.reviews.created`.
//!
//! It runs after the storefront committed the review, under the
//! `hook-after` budget (up to 100 operations; this uses two). Nothing it
//! answers can undo the write: an error is logged by the host.
//!
//! **Once per review.** The copy is keyed on the storefront's review id (a
//! unique column), so a second call for the same review stores nothing; the
//! event is emitted only when the copy was stored now, so subscribers hear
//! of each review once.
//!
//! **Event `mod.reviews.created`**, payload (the module's contract with its
//! subscribers): `{"review_id": string, "product_id": string, "rating":
//! integer 1..5}`.

use modgate_sdk::json::{self, JsonValue};
use modgate_sdk::{Error, events, log};

use crate::moderation::RATINGS;
use crate::store::{self, Review};

/// The event's name after `mod.reviews.`.
pub const CREATED_EVENT: &str = "created";

/// Copies the review the storefront just created, and announces it.
pub fn review_after_create(record: &JsonValue) -> Result<(), Error> {
    let review = review_from_record(record)?;
    if !store::insert(&review)? {
        log::debug(&format!(
            "review {} was copied before: not announced again",
            review.review_id
        ));
        return Ok(());
    }
    events::emit(CREATED_EVENT, &created_payload(&review))?;
    Ok(())
}

/// The review in a `review` record. `invalid`, naming the field, when one
/// is missing or of the wrong type, or the rating is not 1 to 5 (the
/// before-create hook refuses those, but it may not be approved): such a
/// review is not copied, so the ratings only count valid ones.
pub fn review_from_record(record: &JsonValue) -> Result<Review, Error> {
    let text = |field: &str| {
        record.get_str(field).map(str::to_owned).ok_or_else(|| {
            Error::invalid(format!(
                "the review record has no string field `{field}`: not copied"
            ))
        })
    };
    let rating = record
        .get_i64("rating")
        .filter(|rating| RATINGS.contains(rating))
        .ok_or_else(|| Error::invalid("the review record has no rating from 1 to 5: not copied"))?;
    Ok(Review {
        review_id: text("id")?,
        product_id: text("product_id")?,
        rating,
        author: text("author")?,
        body: text("body")?,
    })
}

/// The payload of `mod.reviews.created`.
pub fn created_payload(review: &Review) -> String {
    format!(
        "{{\"review_id\":{},\"product_id\":{},\"rating\":{}}}",
        json::string(&review.review_id),
        json::string(&review.product_id),
        review.rating
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(text: &str) -> JsonValue {
        json::parse(text).unwrap()
    }

    #[test]
    fn a_review_record_reads_into_the_copy() {
        let review = review_from_record(&record(
            r#"{"id":"r-1","product_id":"p-1","rating":4,"author":"Ada","body":"Nice."}"#,
        ))
        .unwrap();
        assert_eq!(
            review,
            Review {
                review_id: "r-1".into(),
                product_id: "p-1".into(),
                rating: 4,
                author: "Ada".into(),
                body: "Nice.".into(),
            }
        );
    }

    #[test]
    fn a_record_missing_a_field_or_with_a_bad_rating_is_not_copied() {
        let error = review_from_record(&record(
            r#"{"id":"r-1","rating":4,"author":"Ada","body":"x"}"#,
        ))
        .unwrap_err();
        assert_eq!(
            error.message,
            "the review record has no string field `product_id`: not copied"
        );
        for rating in ["0", "6", "\"5\"", "null"] {
            let text = format!(
                r#"{{"id":"r","product_id":"p","rating":{rating},"author":"a","body":"b"}}"#
            );
            assert!(review_from_record(&record(&text)).is_err(), "{rating}");
        }
    }

    #[test]
    fn the_event_payload_is_the_documented_json() {
        let review = Review {
            review_id: "r-\"1\"".into(),
            product_id: "p-1".into(),
            rating: 5,
            author: "Ada".into(),
            body: "Nice.".into(),
        };
        let payload = json::parse(&created_payload(&review)).unwrap();
        assert_eq!(payload.get_str("review_id"), Some("r-\"1\""));
        assert_eq!(payload.get_str("product_id"), Some("p-1"));
        assert_eq!(payload.get_i64("rating"), Some(5));
        assert_eq!(
            created_payload(&review),
            r#"{"review_id":"r-\"1\"","product_id":"p-1","rating":5}"#
        );
    }
}
