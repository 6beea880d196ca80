//! Several hosts on one PostgreSQL database (docs/deploy.md, "Several
//! nodes"): changes and new work announced to every host at once, the
//! email rate limit shared, and three real host processes under load with
//! one killed.

mod email_rate;
mod nodes;
mod propagation;
