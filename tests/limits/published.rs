//! `docs/limits.md` publishes every budget and limit with its default; this
//! holds each figure there to the default in the code, so a changed default
//! and a changed page both fail, naming the knob, the code's value and what
//! the page says.
//!
//! The expected text is built from the real `Default` impls and constants
//! and written the way the page writes figures (`64 MiB`, `100 M`, `5 s`,
//! `100 000`). Three constants are private to their modules
//! (`MAX_BATCH_STATEMENTS`, `MAX_NAME_CHARS`, `TABLE_ELEMENT_BYTES`); those
//! are read from their source file instead.
//!
//! What is checked:
//! - the page's first table is the budget table, one row per
//!   [`InvocationContext::ALL`] in that order, with the context's ops, fuel
//!   and wall clock;
//! - every knob below has exactly one table row naming it (`` `Knob::path` ``
//!   in the row's first cell) whose default cell starts with the code's value;
//! - the figures repeated in prose (capacity, memory charges) read as the
//!   code says.

use std::time::Duration;

use modgate_host::admin::AdminConfig;
use modgate_host::capabilities::email::EmailLimits;
use modgate_host::capabilities::events::{EventLimits, MAX_EVENT_NAME_CHARS};
use modgate_host::capabilities::http_types::HttpTypesConfig;
use modgate_host::capabilities::http_types::accounted::{ENTRY_BYTES, HANDLE_BYTES};
use modgate_host::capabilities::outbound::OutboundLimits;
use modgate_host::capabilities::wasi::WasiConfig;
use modgate_host::engine::guest_text::MAX_GUEST_MESSAGE_BYTES;
use modgate_host::engine::module_log::LogLimits;
use modgate_host::engine::{Budget, EngineConfig, InvocationContext};
use modgate_host::events::{EventConfig, MAX_ID_CHARS};
use modgate_host::hooks::HookConfig;
use modgate_host::http::HttpConfig;
use modgate_host::http::widgets::{MAX_LABEL_CHARS, MAX_PATH_BYTES, MAX_TEXT_CHARS, MAX_WIDGETS};
use modgate_host::mail::MailConfig;
use modgate_host::storage::module_sql::SqlLimits;

const DOC: &str = "docs/limits.md";

#[test]
fn every_published_limit_is_the_default_in_code() {
    let doc = read_repo_file(DOC);
    let rows = table_rows(&doc);
    let mut wrong = Vec::new();

    check_budget_table(&doc, &mut wrong);

    for (knob, code) in knobs() {
        let span = format!("`{knob}`");
        let naming: Vec<&Row> = rows
            .iter()
            .filter(|row| row.cells[0].contains(&span))
            .collect();
        match naming.as_slice() {
            [] => wrong.push(format!(
                "{knob}: the code's default is `{code}`, and {DOC} has no table row naming {span} in its first cell"
            )),
            [row] => {
                let said = row.cells.get(1).map(String::as_str).unwrap_or("");
                if !starts_with_figure(said, &code) {
                    wrong.push(format!(
                        "{knob}: the code's default is `{code}`, {DOC} line {} says `{said}`",
                        row.line
                    ));
                }
            }
            many => wrong.push(format!(
                "{knob}: named by {} rows of {DOC} (lines {}); keep one row per knob",
                many.len(),
                many.iter().map(|row| row.line.to_string()).collect::<Vec<_>>().join(", ")
            )),
        }
    }

    let prose = normalized(&doc);
    for (knobs, sentence) in prose_figures() {
        if !prose.contains(&normalized(&sentence)) {
            wrong.push(format!(
                "{knobs}: {DOC} should say `{sentence}` (the code's defaults) and does not"
            ));
        }
    }

    assert!(
        wrong.is_empty(),
        "{DOC} disagrees with the code in {} place(s); change the page, not the default, unless the default is what should change:\n  - {}",
        wrong.len(),
        wrong.join("\n  - ")
    );
}

/// The first table: one row per context, in `InvocationContext::ALL`'s order,
/// `| `context` | ops | fuel | wall clock | … |`.
fn check_budget_table(doc: &str, wrong: &mut Vec<String>) {
    let budgets = EngineConfig::default().budgets;
    // The first table: the first run of consecutive lines starting with `|`.
    let is_row = |line: &str| line.trim_start().starts_with('|');
    let skipped = doc.lines().take_while(|line| !is_row(line)).count();
    let first_table: Vec<&str> = doc
        .lines()
        .skip(skipped)
        .take_while(|line| is_row(line))
        .collect();
    let data: Vec<Row> = table_rows(&first_table.join("\n"))
        .into_iter()
        .skip(1) // the header
        .map(|row| Row {
            line: row.line + skipped,
            ..row
        })
        .collect();
    let named: Vec<&str> = data.iter().map(|row| row.cells[0].as_str()).collect();
    let expected: Vec<String> = InvocationContext::ALL
        .iter()
        .map(|context| format!("`{context}`"))
        .collect();
    if named != expected {
        wrong.push(format!(
            "budget table: the first table of {DOC} must list the contexts of InvocationContext::ALL, in order ({}); it lists [{}]",
            expected.join(", "),
            named.join(", ")
        ));
    }
    for context in InvocationContext::ALL {
        let budget = budgets.for_context(context);
        let code = [
            budget.ops.to_string(),
            fuel(budget.fuel),
            duration(budget.wall_clock),
        ];
        let Some(row) = data
            .iter()
            .find(|row| row.cells[0] == format!("`{context}`"))
        else {
            continue; // reported above
        };
        let said: Vec<&str> = row
            .cells
            .iter()
            .skip(1)
            .take(3)
            .map(String::as_str)
            .collect();
        if said != code.iter().map(String::as_str).collect::<Vec<_>>() {
            wrong.push(format!(
                "EngineConfig::budgets ({context}): the code's default is ops `{}`, fuel `{}`, wall clock `{}`; {DOC} line {} says `{}`",
                code[0],
                code[1],
                code[2],
                row.line,
                said.join(" | ")
            ));
        }
    }
}

/// Every knob the page lists in a table, with its default written as the
/// page writes it.
fn knobs() -> Vec<(&'static str, String)> {
    let engine = EngineConfig::default();
    let caps = engine.component_caps;
    let log = LogLimits::default();
    let wasi = WasiConfig::default();
    let http_types = HttpTypesConfig::default();
    let http = HttpConfig::default();
    let sql = SqlLimits::default();
    let event_limits = EventLimits::default();
    let events = EventConfig::default();
    let email = EmailLimits::default();
    let mail = MailConfig::default();
    let outbound = OutboundLimits::default();
    let hooks = HookConfig::default();
    let admin = AdminConfig::default();
    vec![
        // How budgets are enforced.
        ("EngineConfig::fuel", on(engine.fuel)),
        ("EngineConfig::epoch_tick", duration(engine.epoch_tick)),
        // Per invocation.
        (
            "EngineConfig::memory_limit_bytes",
            bytes(engine.memory_limit_bytes as u64),
        ),
        (
            "EngineConfig::table_elements_limit",
            count(engine.table_elements_limit as u64),
        ),
        (
            "EngineConfig::max_handles",
            count(engine.max_handles as u64),
        ),
        (
            "EngineConfig::max_host_call_bytes",
            bytes(engine.max_host_call_bytes as u64),
        ),
        (
            "EngineConfig::max_wasm_stack_bytes",
            bytes(engine.max_wasm_stack_bytes as u64),
        ),
        ("WasiConfig::max_random_bytes", bytes(wasi.max_random_bytes)),
        (
            "WasiConfig::captured_output_bytes",
            bytes(wasi.captured_output_bytes as u64),
        ),
        (
            "HttpTypesConfig::max_fields_bytes",
            bytes(http_types.max_fields_bytes as u64),
        ),
        (
            "HttpTypesConfig::body_chunk_bytes",
            bytes(http_types.body_chunk_bytes as u64),
        ),
        (
            "MAX_GUEST_MESSAGE_BYTES",
            bytes(MAX_GUEST_MESSAGE_BYTES as u64),
        ),
        // Module logs.
        (
            "LogLimits::max_lines_per_invocation",
            count(log.max_lines_per_invocation.into()),
        ),
        (
            "LogLimits::max_line_bytes",
            bytes(log.max_line_bytes as u64),
        ),
        (
            "LogLimits::lines_per_second",
            format!("{} lines a second", count(log.lines_per_second.into())),
        ),
        (
            "LogLimits::burst",
            format!("{} lines", count(log.burst.into())),
        ),
        (
            "LogLimits::retained_lines",
            count(log.retained_lines as u64),
        ),
        // HTTP requests.
        (
            "HttpConfig::max_request_body_bytes",
            bytes(http.max_request_body_bytes as u64),
        ),
        (
            "HttpConfig::max_response_body_bytes",
            bytes(http.max_response_body_bytes as u64),
        ),
        (
            "HttpConfig::rate_limit.capacity",
            count(http.rate_limit.capacity.into()),
        ),
        (
            "HttpConfig::rate_limit.refill_per_second",
            format!(
                "{} a second",
                count(http.rate_limit.refill_per_second.into())
            ),
        ),
        (
            "HttpConfig::rate_limit.cleanup_every",
            duration(http.rate_limit.cleanup_every),
        ),
        (
            "HttpConfig::breaker.failure_threshold",
            count(http.breaker.failure_threshold.into()),
        ),
        (
            "HttpConfig::breaker.reset_after",
            duration(http.breaker.reset_after),
        ),
        ("HttpConfig::refresh", duration(http.refresh)),
        // Slots.
        ("MAX_WIDGETS", count(MAX_WIDGETS as u64)),
        ("MAX_LABEL_CHARS", characters(MAX_LABEL_CHARS)),
        ("MAX_TEXT_CHARS", characters(MAX_TEXT_CHARS)),
        ("MAX_PATH_BYTES", bytes(MAX_PATH_BYTES as u64)),
        // Module tables.
        ("SqlLimits::max_rows", count(sql.max_rows as u64)),
        (
            "SqlLimits::max_result_bytes",
            bytes(sql.max_result_bytes as u64),
        ),
        ("SqlLimits::timeout", duration(sql.timeout)),
        (
            "SqlLimits::cached_statements",
            count(sql.cached_statements as u64),
        ),
        (
            "MAX_BATCH_STATEMENTS",
            count(source_constant(
                "host/src/capabilities/tables/host.rs",
                "MAX_BATCH_STATEMENTS",
            )),
        ),
        // Events.
        ("MAX_EVENT_NAME_CHARS", characters(MAX_EVENT_NAME_CHARS)),
        (
            "EventLimits::max_payload_bytes",
            bytes(event_limits.max_payload_bytes as u64),
        ),
        ("MAX_ID_CHARS", characters(MAX_ID_CHARS)),
        (
            "EventConfig::max_attempts",
            count(events.max_attempts.into()),
        ),
        ("EventConfig::base_backoff", duration(events.base_backoff)),
        ("EventConfig::max_backoff", duration(events.max_backoff)),
        ("EventConfig::lease", duration(events.lease)),
        (
            "EventConfig::per_install_in_flight",
            count(events.per_install_in_flight as u64),
        ),
        (
            "EventConfig::max_in_flight",
            count(events.max_in_flight as u64),
        ),
        ("EventConfig::poll_interval", duration(events.poll_interval)),
        ("EventConfig::retention", duration(events.retention)),
        // Email.
        (
            "EmailLimits::max_address_bytes",
            bytes(email.max_address_bytes as u64),
        ),
        (
            "EmailLimits::max_subject_chars",
            characters(email.max_subject_chars),
        ),
        (
            "EmailLimits::max_text_bytes",
            bytes(email.max_text_bytes as u64),
        ),
        (
            "EmailLimits::max_customer_id_chars",
            characters(email.max_customer_id_chars),
        ),
        (
            "EmailLimits::per_minute",
            format!("{} a minute", count(email.per_minute.get().into())),
        ),
        ("EmailLimits::burst", count(email.burst.get().into())),
        ("MailConfig::max_attempts", count(mail.max_attempts.into())),
        ("MailConfig::base_backoff", duration(mail.base_backoff)),
        ("MailConfig::max_backoff", duration(mail.max_backoff)),
        ("MailConfig::send_timeout", duration(mail.send_timeout)),
        ("MailConfig::lease", duration(mail.lease)),
        ("MailConfig::concurrency", count(mail.concurrency as u64)),
        ("MailConfig::poll_interval", duration(mail.poll_interval)),
        ("MailConfig::retention", duration(mail.retention)),
        // Outbound HTTP.
        (
            "OutboundLimits::connect_timeout",
            duration(outbound.connect_timeout),
        ),
        (
            "OutboundLimits::total_timeout",
            duration(outbound.total_timeout),
        ),
        (
            "OutboundLimits::max_request_body_bytes",
            bytes(outbound.max_request_body_bytes),
        ),
        (
            "OutboundLimits::max_response_body_bytes",
            bytes(outbound.max_response_body_bytes),
        ),
        (
            "OutboundLimits::max_response_head_bytes",
            bytes(outbound.max_response_head_bytes as u64),
        ),
        (
            "OutboundLimits::max_in_flight_per_module",
            count(outbound.max_in_flight_per_module as u64),
        ),
        // Hooks.
        (
            "EngineConfig::budgets.hook_before",
            budget(engine.budgets.hook_before),
        ),
        (
            "EngineConfig::budgets.hook_after",
            budget(engine.budgets.hook_after),
        ),
        (
            "HookConfig::rows_per_call",
            count(hooks.rows_per_call as u64),
        ),
        ("HookConfig::max_messages", count(hooks.max_messages as u64)),
        (
            "HookConfig::max_message_chars",
            characters(hooks.max_message_chars),
        ),
        (
            "HookConfig::breaker_failures",
            count(hooks.breaker_failures.into()),
        ),
        (
            "HookConfig::failure_policy",
            format!("`{:?}`", hooks.failure_policy),
        ),
        ("HookConfig::refresh", duration(hooks.refresh)),
        (
            "MAX_NAME_CHARS",
            characters(source_constant("host/src/hookable/mod.rs", "MAX_NAME_CHARS") as usize),
        ),
        // Per component.
        (
            "EngineConfig::component_caps.core_instances",
            count(caps.core_instances.into()),
        ),
        (
            "EngineConfig::component_caps.memories",
            count(caps.memories.into()),
        ),
        (
            "EngineConfig::component_caps.tables",
            count(caps.tables.into()),
        ),
        (
            "EngineConfig::max_component_bytes",
            bytes(engine.max_component_bytes as u64),
        ),
        // Capacity.
        (
            "EngineConfig::max_in_flight_per_install",
            count(engine.max_in_flight_per_install as u64),
        ),
        (
            "EngineConfig::max_in_flight_per_module",
            count(engine.max_in_flight_per_module as u64),
        ),
        (
            "EngineConfig::max_instances",
            count(engine.max_instances.into()),
        ),
        ("EngineConfig::pooling", on(engine.pooling)),
        // Admin API.
        (
            "AdminConfig::max_upload_bytes",
            bytes(admin.max_upload_bytes as u64),
        ),
        ("AdminConfig::review_ttl", duration(admin.review_ttl)),
        (
            "AdminConfig::max_pending_reviews",
            count(admin.max_pending_reviews as u64),
        ),
    ]
}

/// Figures the page repeats in its prose: (the knobs, the words).
fn prose_figures() -> Vec<(&'static str, String)> {
    let engine = EngineConfig::default();
    let event = engine.budgets.event;
    let wasi = WasiConfig::default();
    let admin = AdminConfig::default();
    let per_module = engine.max_in_flight_per_module;
    let mut figures = vec![
        (
            "EngineConfig::budgets.event",
            format!(
                "The `event` context's budget is {} ops, {} fuel and {}",
                event.ops,
                fuel(event.fuel),
                duration(event.wall_clock)
            ),
        ),
        (
            "EngineConfig::max_component_bytes",
            format!(
                "within `max_component_bytes` of {}",
                bytes(engine.max_component_bytes as u64)
            ),
        ),
        (
            "EngineConfig::memory_limit_bytes",
            format!(
                "both fit the default {}",
                bytes(engine.memory_limit_bytes as u64)
            ),
        ),
        (
            "HookConfig::rows_per_call",
            format!(
                "an after-read batch of {} rows overruns",
                count(HookConfig::default().rows_per_call as u64)
            ),
        ),
        (
            "TABLE_ELEMENT_BYTES",
            format!(
                "every **table**, {} bytes per element",
                source_constant("host/src/engine/memory.rs", "TABLE_ELEMENT_BYTES")
            ),
        ),
        (
            "WasiConfig::captured_output_bytes (stdout and stderr)",
            format!(
                "captured output ({}, charged",
                bytes(2 * wasi.captured_output_bytes as u64)
            ),
        ),
        (
            "HANDLE_BYTES",
            format!("({HANDLE_BYTES} bytes per resource"),
        ),
        ("ENTRY_BYTES", format!("{ENTRY_BYTES} bytes per value")),
        (
            "EngineConfig::max_in_flight_per_install, max_in_flight_per_module",
            format!(
                "A tenant can hold at most {} of a module's {per_module} slots",
                engine.max_in_flight_per_install
            ),
        ),
        (
            "EngineConfig::max_in_flight_per_module, max_instances",
            format!(
                "must still not take more than {per_module} of the host's {} slots",
                engine.max_instances
            ),
        ),
        (
            "EngineConfig::max_in_flight_per_module × memory_limit_bytes",
            format!(
                "({} with the defaults)",
                bytes((per_module * engine.memory_limit_bytes) as u64)
            ),
        ),
        (
            "AdminConfig::max_upload_bytes − EngineConfig::max_component_bytes",
            format!(
                "(the default largest component + {})",
                bytes(
                    admin
                        .max_upload_bytes
                        .saturating_sub(engine.max_component_bytes) as u64
                )
            ),
        ),
    ];
    // The capacity table says event deliveries get "as many more" as requests.
    let deliveries = EventConfig::default().per_install_in_flight;
    if deliveries != engine.max_in_flight_per_install {
        figures.push((
            "EventConfig::per_install_in_flight vs EngineConfig::max_in_flight_per_install",
            format!(
                "{} for requests …, and {} more, separately, for event deliveries (the page says \"as many more\")",
                engine.max_in_flight_per_install, deliveries
            ),
        ));
    }
    figures
}

// --- Figures written the way the page writes them. ---

/// `64 MiB`, `16 KiB`, `4 GiB`, `254 bytes`.
fn bytes(n: u64) -> String {
    const KIB: u64 = 1 << 10;
    for (unit, name) in [(KIB * KIB * KIB, "GiB"), (KIB * KIB, "MiB"), (KIB, "KiB")] {
        if n >= unit && n.is_multiple_of(unit) {
            return format!("{} {name}", count(n / unit));
        }
    }
    format!("{} bytes", count(n))
}

/// `1000`, `100 000`: grouped by thousands from five digits on.
fn count(n: u64) -> String {
    let digits = n.to_string();
    if digits.len() < 5 {
        return digits;
    }
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(' ');
        }
        grouped.push(digit);
    }
    grouped
}

/// `100 M`, `580 k`: wasm instructions.
fn fuel(n: u64) -> String {
    match n {
        n if n >= 1_000_000 && n.is_multiple_of(1_000_000) => format!("{} M", count(n / 1_000_000)),
        n if n >= 1_000 && n.is_multiple_of(1_000) => format!("{} k", count(n / 1_000)),
        n => count(n),
    }
}

/// `500 ms`, `5 s`, `10 min`, `2 h`, `7 days`.
fn duration(d: Duration) -> String {
    if d.subsec_nanos() != 0 || d.is_zero() {
        return format!("{} ms", count(d.as_millis() as u64));
    }
    match d.as_secs() {
        s if s.is_multiple_of(86_400) => match s / 86_400 {
            1 => "1 day".to_owned(),
            days => format!("{} days", count(days)),
        },
        s if s.is_multiple_of(3_600) => format!("{} h", count(s / 3_600)),
        s if s.is_multiple_of(60) => format!("{} min", count(s / 60)),
        s => format!("{} s", count(s)),
    }
}

/// `0 ops, 10 M fuel, 500 ms`.
fn budget(b: Budget) -> String {
    format!(
        "{} ops, {} fuel, {}",
        count(b.ops.into()),
        fuel(b.fuel),
        duration(b.wall_clock)
    )
}

fn characters(n: usize) -> String {
    format!("{} characters", count(n as u64))
}

fn on(enabled: bool) -> String {
    if enabled { "on" } else { "off" }.to_owned()
}

// --- Reading the page and the code. ---

/// One row of a Markdown table: its line (1-based) and trimmed cells.
struct Row {
    line: usize,
    cells: Vec<String>,
}

/// Every table row of `doc` but the `|---|` separators.
fn table_rows(doc: &str) -> Vec<Row> {
    doc.lines()
        .enumerate()
        .filter(|(_, line)| line.trim_start().starts_with('|'))
        .map(|(i, line)| Row {
            line: i + 1,
            cells: cells(line),
        })
        .filter(|row| {
            !row.cells
                .iter()
                .all(|cell| !cell.is_empty() && cell.chars().all(|c| matches!(c, '-' | ':')))
        })
        .collect()
}

/// The cells of `| a | b |` (an escaped `\|` stays inside its cell).
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut cells = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => cells
                .last_mut()
                .expect("one cell")
                .push(chars.next().expect("peeked")),
            '|' => cells.push(String::new()),
            c => cells.last_mut().expect("one cell").push(c),
        }
    }
    cells
        .into_iter()
        .map(|cell| cell.trim().to_owned())
        .collect()
}

/// Whether `cell` begins with `figure` as a whole figure: `16` is not the
/// start of `160`, nor `1 min` of `1 minute`.
fn starts_with_figure(cell: &str, figure: &str) -> bool {
    cell.strip_prefix(figure).is_some_and(|rest| {
        rest.chars()
            .next()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '.' || c == '_'))
    })
}

/// Whitespace runs as one space, so prose may wrap anywhere.
fn normalized(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn read_repo_file(path: &str) -> String {
    let full = format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("reading {full}: {e}"))
}

/// The value of `const NAME: usize = N;` in a host source file: for the
/// constants the host keeps private.
fn source_constant(path: &str, name: &str) -> u64 {
    let source = read_repo_file(path);
    let declaration = format!("const {name}: usize = ");
    let value = source
        .lines()
        .find_map(|line| line.split_once(&declaration).map(|(_, rest)| rest))
        .and_then(|rest| rest.split(';').next())
        .unwrap_or_else(|| {
            panic!("{path} no longer declares `{declaration}…;`: update tests/limits/published.rs")
        });
    value.replace('_', "").trim().parse().unwrap_or_else(|e| {
        panic!(
            "{path}: {name} = {value} is not a plain number ({e}): update tests/limits/published.rs"
        )
    })
}

#[test]
fn figures_are_written_the_way_the_page_writes_them() {
    assert_eq!(bytes(64 << 20), "64 MiB");
    assert_eq!(bytes(2048), "2 KiB");
    assert_eq!(bytes(254), "254 bytes");
    assert_eq!(bytes(4 << 30), "4 GiB");
    assert_eq!(count(100_000), "100 000");
    assert_eq!(count(1000), "1000");
    assert_eq!(fuel(100_000_000), "100 M");
    assert_eq!(duration(Duration::from_millis(500)), "500 ms");
    assert_eq!(duration(Duration::from_secs(600)), "10 min");
    assert_eq!(duration(Duration::from_secs(7 * 86_400)), "7 days");
    assert!(starts_with_figure("16 KiB each", "16 KiB"));
    assert!(!starts_with_figure("160", "16"));
    assert!(!starts_with_figure("1 minute", "1 min"));
    assert_eq!(cells("| `a` | b \\| c |"), vec!["`a`", "b | c"]);
}
