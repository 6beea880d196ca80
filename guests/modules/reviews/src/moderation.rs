//! The `before-create` hook on `review`: refuse a review with a banned word
//! or a rating outside 1..5, tidy its body's whitespace, or let it through.
//!
//! It runs inside the storefront's transaction under the `hook-before`
//! budget, with no data operations: everything it needs is the record and
//! the settings (reading them is free).

use modgate_sdk::Outcome;
use modgate_sdk::json::{self, JsonValue};

use crate::banned_words;
use crate::whitespace;

/// The lowest and highest rating, in stars.
pub const RATINGS: std::ops::RangeInclusive<i64> = 1..=5;

/// Decides on a review about to be created, given the banned words.
///
/// Every problem found is one message, so the reviewer can fix them all at
/// once. A body that only needs tidying is adjusted; the storefront stores
/// what the hook returns. A review without a `body` field (the storefront
/// did not share it) is judged on its rating alone.
pub fn review_before_create(review: &JsonValue, banned: &[String]) -> Outcome {
    let body = review.get_str("body");
    let mut problems: Vec<String> = body
        .map(|body| banned_words::found_in(body, banned))
        .unwrap_or_default()
        .into_iter()
        .map(|word| format!("Please remove \"{word}\" from your review."))
        .collect();
    match review.get_i64("rating") {
        Some(rating) if RATINGS.contains(&rating) => {}
        Some(rating) => problems.push(format!(
            "Please rate the product from 1 to 5 stars ({rating} is not one of them)."
        )),
        None => problems.push("Please rate the product from 1 to 5 stars.".to_owned()),
    }
    if !problems.is_empty() {
        return Outcome::reject_all(problems);
    }
    match body {
        Some(body) if whitespace::tidy(body) != body => {
            Outcome::adjust_one("body", json::string(&whitespace::tidy(body)))
        }
        _ => Outcome::Allow,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(record: &str) -> Outcome {
        let banned: Vec<String> = banned_words::DEFAULT_BANNED_WORDS
            .map(str::to_owned)
            .to_vec();
        review_before_create(&json::parse(record).unwrap(), &banned)
    }

    fn messages(outcome: Outcome) -> Vec<String> {
        match outcome {
            Outcome::Reject(messages) => messages,
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    #[test]
    fn a_clean_tidy_review_is_allowed() {
        let outcome = decide(r#"{"id":"r-1","rating":5,"body":"Lovely mug.\n\nWould buy again."}"#);
        assert!(matches!(outcome, Outcome::Allow), "{outcome:?}");
    }

    #[test]
    fn a_banned_word_is_refused_with_a_message_naming_it() {
        let outcome = decide(r#"{"rating":1,"body":"This shop is a SCAM."}"#);
        assert_eq!(
            messages(outcome),
            ["Please remove \"scam\" from your review."]
        );
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let outcome = decide(r#"{"rating":9,"body":"fake reviews, spam everywhere"}"#);
        assert_eq!(
            messages(outcome),
            [
                "Please remove \"spam\" from your review.",
                "Please remove \"fake\" from your review.",
                "Please rate the product from 1 to 5 stars (9 is not one of them).",
            ]
        );
    }

    #[test]
    fn a_rating_outside_one_to_five_or_missing_is_refused() {
        for record in [
            r#"{"rating":0,"body":"ok"}"#,
            r#"{"rating":6,"body":"ok"}"#,
            r#"{"rating":-1,"body":"ok"}"#,
        ] {
            assert_eq!(messages(decide(record)).len(), 1, "{record}");
        }
        for record in [
            r#"{"body":"ok"}"#,
            r#"{"rating":"5","body":"ok"}"#,
            r#"{"rating":4.5,"body":"ok"}"#,
        ] {
            assert_eq!(
                messages(decide(record)),
                ["Please rate the product from 1 to 5 stars."],
                "{record}"
            );
        }
    }

    #[test]
    fn untidy_whitespace_is_adjusted_to_the_tidy_body() {
        let Outcome::Adjust(changes) =
            decide(r#"{"rating":4,"body":"  Good   mug \n\n\n\nfast   delivery "}"#)
        else {
            panic!("expected an adjustment");
        };
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].index, 0);
        assert_eq!(changes[0].changes[0].field, "body");
        assert_eq!(
            changes[0].changes[0].value,
            r#""Good mug\n\nfast delivery""#
        );
    }

    #[test]
    fn a_review_without_a_body_is_judged_on_its_rating() {
        assert!(matches!(decide(r#"{"rating":3}"#), Outcome::Allow));
    }
}
