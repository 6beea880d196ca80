//! An event handler that never succeeds, for retry, backoff and
//! dead-letter tests. Both handlers (core and module events) read the
//! settings on each delivery:
//!
//! - `"mode":"trap"` → panics (the instance traps);
//! - `"mode":"slow"` → waits 1.5 s on the clock (no fuel burnt), then fails;
//! - `"mode":"spin"` → loops until the host stops it (fuel or deadline);
//! - anything else → returns `handler-error` "always fails".
//!
//! Module name `failing`; permission `subscribe:events` (the test's
//! `subscriptions`); no tables. Activation always succeeds.

use modgate_sdk::events::{CoreEvent, ModuleEvent};
use modgate_sdk::bindings::wasi::clocks::monotonic_clock;
use modgate_sdk::{Error, Module, Subscriber, settings};

/// How long a `slow` delivery waits: 1.5 s.
const SLOW_NANOS: u64 = 1_500_000_000;

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
    if settings.contains(r#""mode":"slow""#) {
        // Waits without burning fuel (a host-side wait on the real clock),
        // as a handler stuck on something slow would; the host's deadline
        // (2 s for events) is not reached.
        monotonic_clock::subscribe_duration(SLOW_NANOS).block();
        return Err(Error::handler("slow, then fails"));
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
