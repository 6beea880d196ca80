//! The markdown table: one line per row, with the ratios to the native
//! handler and to modgate's invocation computed from the medians.

use std::time::Duration;

use crate::measure::Measured;

/// Prints the rows, comparing each median with the `base` row's (named
/// `base.0` in the header, found by its label `base.1`) and `modgate`'s (a
/// ratio is `–` when that row is missing).
pub fn print(rows: &[Measured], base: (&str, &str), modgate: &str) {
    let median_of = |label: &str| rows.iter().find(|r| r.label == label).map(|r| r.median);
    let (native, modgate) = (median_of(base.1), median_of(modgate));
    println!("| Row | median | p99 | × {} | × modgate |", base.0);
    println!("|---|---:|---:|---:|---:|");
    for row in rows {
        println!(
            "| {} | {} | {} | {} | {} |",
            row.label,
            micros(row.median),
            micros(row.p99),
            ratio(row.median, native),
            ratio(row.median, modgate)
        );
    }
}

/// Microseconds, with more decimals below one so native figures keep theirs.
fn micros(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 1.0 {
        format!("{us:.3} µs")
    } else if us < 100.0 {
        format!("{us:.2} µs")
    } else {
        format!("{us:.0} µs")
    }
}

fn ratio(of: Duration, to: Option<Duration>) -> String {
    let Some(to) = to.filter(|t| !t.is_zero()) else {
        return "–".to_owned();
    };
    let r = of.as_secs_f64() / to.as_secs_f64();
    if r >= 10.0 {
        format!("{r:.0}×")
    } else if r >= 1.0 {
        format!("{r:.2}×")
    } else {
        format!("{r:.3}×")
    }
}
