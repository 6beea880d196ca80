//! The exposition without wasm: records fed straight to the observer,
//! snapshots handed to the render, the text checked line by line. The
//! outbox read from a database is in `outbox_tests.rs`.

use std::sync::Arc;
use std::time::Duration;

use super::{BreakerGauge, HostSnapshot, Metrics, OutboxGauge};
use crate::breaker::BreakerStatus;
use crate::engine::{
    OpCalls,
    BusyShare, ErrorCode, InvocationContext, InvocationError, InvocationObserver, InvocationRecord,
};
use crate::tenant::TenantId;

#[test]
fn a_dependency_components_calls_are_also_counted_by_its_path() {
    let metrics = Metrics::new();
    let tenant = acme();
    let path_calls = [
        OpCalls { path: "wishlist".into(), operation: "products.get", calls: 2 },
        OpCalls { path: "wishlist>fetcher".into(), operation: "http.outbound", calls: 1 },
    ];
    let record = InvocationRecord {
        path_calls: &path_calls,
        ..http_call(&tenant, None, &[("products.get", 2), ("http.outbound", 1)])
    };
    metrics.finished(&record);
    let text = metrics.render(&HostSnapshot::default());
    assert_line(
        &text,
        r#"modgate_dependency_calls_total{tenant="acme",module="wishlist",path="wishlist>fetcher",operation="http.outbound"} 1"#,
    );
    assert!(!text.contains(r#"path="wishlist","#), "the main component's calls are the module's own:\n{text}");
    assert_line(
        &text,
        r#"modgate_capability_calls_total{tenant="acme",module="wishlist",operation="http.outbound"} 1"#,
    );
}

fn acme() -> TenantId {
    TenantId::new("acme").expect("a slug")
}

/// An `http` invocation of `wishlist` that took 3 ms, 1000 fuel, 2 ops and 100 000 bytes.
fn http_call<'a>(
    tenant: &'a TenantId,
    error: Option<&'a InvocationError>,
    op_calls: &'a [(&'static str, u32)],
) -> InvocationRecord<'a> {
    InvocationRecord {
        module: "wishlist",
        tenant,
        context: InvocationContext::Http,
        error,
        elapsed: Duration::from_millis(3),
        fuel_used: 1000,
        ops_used: 2,
        memory_peak_bytes: 100_000,
        op_calls,
        path_calls: &[],
    }
}

fn busy() -> InvocationError {
    InvocationError::Busy {
        module: "wishlist".into(),
        limit: 4,
        share: BusyShare::Module,
    }
}

fn guest_failure() -> InvocationError {
    InvocationError::Guest {
        module: "wishlist".into(),
        code: ErrorCode::HandlerError,
        message: "boom".into(),
    }
}

#[track_caller]
fn assert_line(text: &str, line: &str) {
    assert!(
        text.lines().any(|l| l == line),
        "missing line\n  {line}\nin\n{text}"
    );
}

fn lines_starting<'t>(text: &'t str, prefix: &str) -> Vec<&'t str> {
    text.lines().filter(|l| l.starts_with(prefix)).collect()
}

#[test]
fn invocations_are_counted_by_outcome_with_the_stable_error_code() {
    let metrics = Metrics::new();
    let tenant = acme();
    let (busy, failed) = (busy(), guest_failure());
    let fuel = InvocationError::FuelExhausted {
        module: "wishlist".into(),
        context: "http",
        fuel: 10,
    };
    for error in [None, None, Some(&busy), Some(&failed), Some(&fuel)] {
        metrics.finished(&http_call(&tenant, error, &[]));
    }
    let text = metrics.render(&HostSnapshot::default());
    let labels = r#"tenant="acme",module="wishlist",context="http""#;
    assert_line(
        &text,
        &format!(r#"modgate_invocations_total{{{labels},outcome="ok"}} 2"#),
    );
    assert_line(
        &text,
        &format!(r#"modgate_invocations_total{{{labels},outcome="busy"}} 1"#),
    );
    assert_line(
        &text,
        &format!(r#"modgate_invocations_total{{{labels},outcome="handler-error"}} 1"#),
    );
    assert_line(
        &text,
        &format!(r#"modgate_invocations_total{{{labels},outcome="budget-exhausted"}} 1"#),
    );
    assert_line(&text, "# TYPE modgate_invocations counter");
    assert!(text.ends_with("# EOF\n"), "{text}");
}

#[test]
fn durations_spending_and_memory_cover_invocations_that_ran_but_not_busy_refusals() {
    let metrics = Metrics::new();
    let tenant = acme();
    let busy = busy();
    for error in [None, None, Some(&busy)] {
        metrics.finished(&http_call(&tenant, error, &[]));
    }
    let text = metrics.render(&HostSnapshot::default());
    let labels = r#"tenant="acme",module="wishlist",context="http""#;
    assert_line(
        &text,
        &format!("modgate_invocation_duration_seconds_count{{{labels}}} 2"),
    );
    assert_line(
        &text,
        &format!("modgate_invocation_duration_seconds_sum{{{labels}}} 0.006"),
    );
    assert_line(
        &text,
        &format!(r#"modgate_invocation_duration_seconds_bucket{{le="0.0032",{labels}}} 2"#),
    );
    assert_line(
        &text,
        &format!(r#"modgate_invocation_duration_seconds_bucket{{le="0.0016",{labels}}} 0"#),
    );
    assert_line(&text, &format!("modgate_fuel_used_total{{{labels}}} 2000"));
    assert_line(&text, &format!("modgate_ops_used_total{{{labels}}} 4"));
    assert_line(
        &text,
        &format!("modgate_memory_peak_bytes_count{{{labels}}} 2"),
    );
    assert_line(
        &text,
        &format!(r#"modgate_memory_peak_bytes_bucket{{le="131072.0",{labels}}} 2"#),
    );
    assert_line(
        &text,
        &format!(r#"modgate_memory_peak_bytes_bucket{{le="65536.0",{labels}}} 0"#),
    );
    assert_line(&text, "# UNIT modgate_invocation_duration_seconds seconds");
}

#[test]
fn capability_calls_are_summed_per_operation() {
    let metrics = Metrics::new();
    let tenant = acme();
    metrics.finished(&http_call(
        &tenant,
        None,
        &[("products.get", 3), ("tables.query", 1)],
    ));
    metrics.finished(&http_call(&tenant, None, &[("products.get", 2)]));
    let text = metrics.render(&HostSnapshot::default());
    assert_line(
        &text,
        r#"modgate_capability_calls_total{tenant="acme",module="wishlist",operation="products.get"} 5"#,
    );
    assert_line(
        &text,
        r#"modgate_capability_calls_total{tenant="acme",module="wishlist",operation="tables.query"} 1"#,
    );
}

#[test]
fn scrape_gauges_show_the_latest_snapshot_only() {
    let metrics = Metrics::new();
    let snapshot = HostSnapshot {
        breakers: vec![
            BreakerGauge {
                tenant: "acme".into(),
                module: "wishlist".into(),
                status: BreakerStatus::Open {
                    retry_in: Duration::from_secs(30),
                },
            },
            BreakerGauge {
                tenant: "acme".into(),
                module: "reviews".into(),
                status: BreakerStatus::Closed {
                    consecutive_failures: 1,
                },
            },
        ],
        outbox: vec![OutboxGauge {
            tenant: "acme".into(),
            module: "recorder".into(),
            pending: 3,
            oldest_pending_age: Some(Duration::from_millis(12_500)),
            dead: 1,
        }],
    };
    let text = metrics.render(&snapshot);
    assert_line(
        &text,
        r#"modgate_breaker_state{tenant="acme",module="wishlist"} 2"#,
    );
    assert_line(
        &text,
        r#"modgate_breaker_state{tenant="acme",module="reviews"} 0"#,
    );
    assert_line(
        &text,
        r#"modgate_outbox_pending{tenant="acme",module="recorder"} 3"#,
    );
    assert_line(
        &text,
        r#"modgate_outbox_oldest_age_seconds{tenant="acme",module="recorder"} 12.5"#,
    );
    assert_line(
        &text,
        r#"modgate_dead_letters{tenant="acme",module="recorder"} 1"#,
    );
    assert_line(&text, "# TYPE modgate_breaker_state gauge");

    let text = metrics.render(&HostSnapshot::default());
    for gauge in [
        "modgate_breaker_state{",
        "modgate_outbox_pending{",
        "modgate_outbox_oldest_age_seconds{",
        "modgate_dead_letters{",
    ] {
        assert_eq!(
            lines_starting(&text, gauge),
            Vec::<&str>::new(),
            "{gauge} outlived its snapshot"
        );
    }
}

#[test]
fn half_open_breakers_read_one_and_nothing_waiting_reads_age_zero() {
    let half_open = BreakerGauge {
        tenant: "acme".into(),
        module: "wishlist".into(),
        status: BreakerStatus::HalfOpen,
    };
    assert_eq!(half_open.state_value(), 1);
    let text = Metrics::new().render(&HostSnapshot {
        breakers: vec![half_open],
        outbox: vec![OutboxGauge::empty("acme", "recorder")],
    });
    assert_line(
        &text,
        r#"modgate_breaker_state{tenant="acme",module="wishlist"} 1"#,
    );
    assert_line(
        &text,
        r#"modgate_outbox_oldest_age_seconds{tenant="acme",module="recorder"} 0.0"#,
    );
    assert_line(
        &text,
        r#"modgate_outbox_pending{tenant="acme",module="recorder"} 0"#,
    );
}

#[test]
fn renders_and_observers_running_at_once_lose_no_count() {
    let metrics = Metrics::new();
    let snapshot = HostSnapshot {
        breakers: vec![BreakerGauge {
            tenant: "acme".into(),
            module: "wishlist".into(),
            status: BreakerStatus::HalfOpen,
        }],
        outbox: Vec::new(),
    };
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let metrics = Arc::clone(&metrics);
            let snapshot = snapshot.clone();
            std::thread::spawn(move || {
                let tenant = acme();
                for _ in 0..250 {
                    metrics.finished(&http_call(&tenant, None, &[("products.get", 1)]));
                    if i % 2 == 0 {
                        let text = metrics.render(&snapshot);
                        assert_line(
                            &text,
                            r#"modgate_breaker_state{tenant="acme",module="wishlist"} 1"#,
                        );
                    }
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("no thread panicked");
    }
    let text = metrics.render(&snapshot);
    assert_line(
        &text,
        r#"modgate_invocations_total{tenant="acme",module="wishlist",context="http",outcome="ok"} 1000"#,
    );
    assert_line(
        &text,
        r#"modgate_capability_calls_total{tenant="acme",module="wishlist",operation="products.get"} 1000"#,
    );
}
