//! Every test component must be used by a test: each name listed by
//! `for_each_test_component!` must resolve to a test function below, so an
//! unused component fails the build of this suite.

#![allow(unused_imports)]

mod uses {
    pub use crate::budgets::a_panic_traps_only_its_invocation as panicking;
    pub use crate::budgets::deep_recursion_overflows_the_stack_while_another_module_answers as deep_recursion;
    pub use crate::budgets::exhausted_ops_are_a_typed_error_the_guest_can_handle as host_calls;
    pub use crate::budgets::fuel_is_metered_and_reported as spin;
    pub use crate::budgets::infinite_loop_is_stopped_by_fuel_while_another_module_answers as infinite_loop;
    pub use crate::budgets::memory_bomb_hits_the_memory_limit_while_another_module_answers as memory_bomb;
    pub use crate::budgets::infinite_loop_is_stopped_by_fuel_while_another_module_answers as minimal;
    pub use crate::conformance::base::conformance_base;
    pub use crate::conformance::emit_events::conformance_emit_events;
    pub use crate::conformance::http_outbound::conformance_http_outbound;
    pub use crate::conformance::hooks::conformance_hooks::on_sqlite as conformance_hooks;
    pub use crate::conformance::hooks::failures::a_before_hook_that_fails_refuses_the_write_and_changes_nothing::on_sqlite as hook_probe;
    pub use crate::conformance::email_send::conformance_email_send;
    pub use crate::email::injection::the_injection_corpus_is_refused_and_nothing_reaches_the_server::on_sqlite as email_probe;
    pub use crate::email::once_per_event::an_event_delivered_again_mails_once::on_sqlite as email_on_event;
    pub use crate::conformance::subscribe_events::conformance_subscribe_events;
    pub use crate::events::delivery::the_same_event_delivered_twice_takes_effect_once::on_sqlite as event_recorder;
    pub use crate::events::delivery::a_subscriber_that_always_fails_is_dead_lettered_while_the_other_is_delivered::on_sqlite as event_failing;
    pub use crate::conformance::read_categories::conformance_read_categories;
    pub use crate::conformance::read_customers::conformance_read_customers;
    pub use crate::conformance::read_orders::conformance_read_orders;
    pub use crate::conformance::read_products::conformance_read_products;
    pub use crate::conformance::serve::conformance_serve;
    pub use crate::conformance::slots::conformance_slots;
    pub use crate::http::headers::blocked_response_headers_are_dropped_and_protective_ones_set as http_probe;
    pub use crate::http::sandbox::a_module_html_page_is_served_sandboxed_whatever_it_asks_for as hostile_page;
    pub use crate::conformance::write_own_tables::conformance_write_own_tables;
    pub use crate::storage::hostile_sql::corpus_is_forbidden::on_sqlite as sql_probe;
    pub use crate::storage::transactional::a_failed_install_changes_nothing_at_any_step::on_sqlite as failing_activate;
    pub use crate::limits::host_state::header_maps_kept_alive_end_the_invocation_at_the_memory_limit as resource_hog;
    pub use super::other_binaries::wasi_escape;
    pub use crate::dependencies::{dep_casing, dep_fetcher, dep_greeter, dep_notes, dep_user, dep_user_notes};
    // The Python and JavaScript twins of the conformance components.
    pub use crate::big_runtimes::python::a_loop_runs_out_of_fuel as python_hostile;
    pub use crate::budgets::python::exhausted_ops_are_a_typed_error_the_guest_can_handle as python_host_calls;
    pub use crate::budgets::javascript::exhausted_ops_are_a_typed_error_the_guest_can_handle as javascript_host_calls;
    pub use crate::budgets::python::fuel_is_metered_and_reported as python_spin;
    pub use crate::budgets::javascript::fuel_is_metered_and_reported as javascript_spin;
    pub use crate::big_runtimes::javascript::a_loop_runs_out_of_fuel as javascript_hostile;
    pub use crate::conformance::base::python::conformance_base as python_conformance_base;
    pub use crate::conformance::read_products::python::conformance_read_products as python_conformance_read_products;
    pub use crate::conformance::read_categories::python::conformance_read_categories as python_conformance_read_categories;
    pub use crate::conformance::read_customers::python::conformance_read_customers as python_conformance_read_customers;
    pub use crate::conformance::read_orders::python::conformance_read_orders as python_conformance_read_orders;
    pub use crate::conformance::base::javascript::conformance_base as javascript_conformance_base;
    pub use crate::conformance::read_products::javascript::conformance_read_products as javascript_conformance_read_products;
    pub use crate::conformance::read_categories::javascript::conformance_read_categories as javascript_conformance_read_categories;
    pub use crate::conformance::read_customers::javascript::conformance_read_customers as javascript_conformance_read_customers;
    pub use crate::conformance::read_orders::javascript::conformance_read_orders as javascript_conformance_read_orders;
    pub use crate::conformance::write_own_tables::python::conformance_write_own_tables as python_conformance_write_own_tables;
    pub use crate::conformance::emit_events::python::conformance_emit_events as python_conformance_emit_events;
    pub use crate::conformance::subscribe_events::python::conformance_subscribe_events as python_conformance_subscribe_events;
    pub use crate::conformance::email_send::python::conformance_email_send as python_conformance_email_send;
    pub use crate::conformance::write_own_tables::javascript::conformance_write_own_tables as javascript_conformance_write_own_tables;
    pub use crate::conformance::emit_events::javascript::conformance_emit_events as javascript_conformance_emit_events;
    pub use crate::conformance::subscribe_events::javascript::conformance_subscribe_events as javascript_conformance_subscribe_events;
    pub use crate::conformance::email_send::javascript::conformance_email_send as javascript_conformance_email_send;
    pub use crate::conformance::serve::python::conformance_serve as python_conformance_serve;
    pub use crate::conformance::serve::javascript::conformance_serve as javascript_conformance_serve;
    pub use crate::conformance::slots::python::conformance_slots as python_conformance_slots;
    pub use crate::conformance::slots::javascript::conformance_slots as javascript_conformance_slots;
    pub use crate::conformance::http_outbound::python::conformance_http_outbound as python_conformance_http_outbound;
    pub use crate::conformance::http_outbound::javascript::conformance_http_outbound as javascript_conformance_http_outbound;
    pub use crate::conformance::hooks::python::conformance_hooks::on_sqlite as python_conformance_hooks;
    pub use crate::conformance::hooks::javascript::conformance_hooks::on_sqlite as javascript_conformance_hooks;
}

/// Components tested only by another test binary of this crate, which this
/// one cannot name: each is checked to be used by the file named here.
mod other_binaries {
    const HOSTILE_WASI_ESCAPES: &str = include_str!("hostile/wasi_escapes.rs");
    const _: () = assert!(super::contains(HOSTILE_WASI_ESCAPES, "WASI_ESCAPE"), "tests/hostile/wasi_escapes.rs must use WASI_ESCAPE");
    #[allow(dead_code)] // named by `uses` only
    pub fn wasi_escape() {}
}

const fn contains(haystack: &str, needle: &str) -> bool {
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    let mut at = 0;
    while at + needle.len() <= haystack.len() {
        let mut i = 0;
        while i < needle.len() && haystack[at + i] == needle[i] {
            i += 1;
        }
        if i == needle.len() {
            return true;
        }
        at += 1;
    }
    false
}

macro_rules! assert_component_is_tested {
    ($name:ident) => {
        use uses::$name as _;
    };
}

modgate_artifacts::for_each_test_component!(assert_component_is_tested);
