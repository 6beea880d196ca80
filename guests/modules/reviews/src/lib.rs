//! The reviews reference module: product reviews, moderated and summarised
//! through data hooks on the storefront's own entities.
//!
//! The storefront (the host integrator) owns reviews and products and makes
//! them hookable; this module never writes them, it answers hooks:
//!
//! | hook | file | budget | what it does |
//! |---|---|---|---|
//! | `before-create` `review` | `moderation.rs` | no data operations | rejects a banned word (`banned_words.rs`) or a rating outside 1..5; tidies the body's whitespace (`whitespace.rs`) |
//! | `after-create` `review` | `recording.rs` | 2 of 100 operations | copies the review into `mod_reviews_reviews`, emits `mod.reviews.created` |
//! | `after-read` `product` | `ratings.rs` | 1 of 100 operations per batch | fills `average_rating` and `review_count` |
//!
//! - A before-hook runs inside the storefront's transaction, so it decides
//!   from the record and the settings alone; the bookkeeping waits for the
//!   after-hook, when the review is committed.
//! - The product fields are virtual: the storefront stores no rating, the
//!   module computes it from its copy of the reviews (`store.rs`, every SQL
//!   statement of the module), one query per batch of products read.
//! - `GET /modules/reviews/products/{product_id}` lists a product's reviews
//!   (`routes.rs`).
//! - The `banned-words` setting is read on every call, so an operator's
//!   change applies to the next review.

mod banned_words;
mod moderation;
mod ratings;
mod recording;
mod routes;
mod store;
mod whitespace;

use modgate_sdk::{
    Error, HookCall, Hooks, Module, Outcome, Request, Response, Serve, When, log, settings,
};

struct Reviews;

impl Module for Reviews {
    fn activate(settings: &str) -> Result<(), Error> {
        let banned = banned_words::from_settings(settings);
        log::info(&format!(
            "reviews activated: {} banned word(s)",
            banned.len()
        ));
        Ok(())
    }
}

impl Hooks for Reviews {
    fn handle(call: HookCall) -> Result<Outcome, Error> {
        match (call.entity.as_str(), call.when) {
            ("review", When::BeforeCreate) => {
                let banned = banned_words::from_settings(&settings::get());
                Ok(moderation::review_before_create(&call.record(0)?, &banned))
            }
            ("review", When::AfterCreate) => {
                recording::review_after_create(&call.record(0)?)?;
                Ok(Outcome::Allow)
            }
            ("product", When::AfterRead) => ratings::products_after_read(&call),
            // Not in the manifest's hooks: never called.
            _ => Ok(Outcome::Allow),
        }
    }
}

impl Serve for Reviews {
    fn handle(request: Request) -> Response {
        routes::handle(&request)
    }
}

modgate_sdk::export_module!(Reviews);
