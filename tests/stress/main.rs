//! Bounded load and generated guests (issue 20, items 2 and 4): the
//! per-invocation memory and handle caps and the component caps hold
//! against randomly generated hostile components, and a real host serving
//! well-behaved and hostile modules over loopback under load keeps
//! answering, refuses only with typed codes, keeps its memory flat and
//! loses no event or mail. Its own binary: both scenarios measure the
//! process's resident memory, each in a child process of its own
//! (`modgate_tests::rss`), one after the other.

mod generated_guests;
mod generator;
mod soak;
