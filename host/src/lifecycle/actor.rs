//! Who the audit log says acted. The admin API runs each request as its
//! operator (`operator:<token name>`), the CLI as `cli:<user>`; anything
//! else (an integrator's own code, a test) is recorded as `operator`.
//! Carried by the task rather than by every lifecycle call, so the same
//! library functions serve the CLI, the API and integrators unchanged.

use std::future::Future;

tokio::task_local! {
    static ACTOR: String;
}

/// The name recorded when nobody said who acts.
pub const DEFAULT_ACTOR: &str = "operator";

/// Runs `work` with every audit entry it writes naming `actor`.
pub async fn acting_as<F: Future>(actor: impl Into<String>, work: F) -> F::Output {
    ACTOR.scope(actor.into(), work).await
}

/// Who acts in the current task.
pub fn current_actor() -> String {
    ACTOR.try_with(Clone::clone).unwrap_or_else(|_| DEFAULT_ACTOR.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_actor_is_the_scope_s_and_operator_outside_one() {
        assert_eq!(current_actor(), "operator");
        let inside = acting_as("operator:alice", async { current_actor() }).await;
        assert_eq!(inside, "operator:alice");
        assert_eq!(current_actor(), "operator");
    }
}
