//! An event handler that never succeeds, for retry, backoff and
//! dead-letter tests. Both handlers (core and module events) read the
//! settings on each delivery:
//!
//! - `"mode":"trap"` → panics (the instance traps);
//! - `"mode":"spin"` → loops until the host stops it (fuel or deadline);
//! - anything else → returns `handler-error` "always fails".
//!
//! Module name `failing`; permission `subscribe:events` (the test's
//! `subscriptions`); no tables. Activation always succeeds.

use modgate_sdk::events::{CoreEvent, ModuleEvent};
use modgate_sdk::{Error, Module, Subscriber, settings};

struct Failing;

impl Module for Failing {
    fn activate(_settings: &str) -> Result<(), Error> {
        Ok(())
    }
}

impl Subscriber for Failing {
    fn core_event(event: CoreEvent) -> Result<(), Error> {
        fail(&event.id)
    }

    fn module_event(event: ModuleEvent) -> Result<(), Error> {
        fail(&event.id)
    }
}

fn fail(event_id: &str) -> Result<(), Error> {
    let settings: String = settings::get()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if settings.contains(r#""mode":"trap""#) {
        panic!("deliberate trap while handling event {event_id}");
    }
    if settings.contains(r#""mode":"spin""#) {
        let mut rounds: u64 = 0;
        loop {
            // black_box keeps the optimiser from proving the loop pure.
            rounds = std::hint::black_box(rounds.wrapping_add(1));
        }
    }
    Err(Error::handler("always fails"))
}

modgate_sdk::export_module!(Failing);
