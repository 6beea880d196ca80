//! UTC days and minutes as the usage tables key them. In memory they are
//! numbers since the Unix epoch (cheap to compute on every invocation); in
//! the tables they are fixed-width text (`YYYY-MM-DD`, `YYYY-MM-DDTHH:MMZ`)
//! that sorts and compares the same on both backends.

use chrono::{DateTime, Utc};

/// Minutes since the Unix epoch.
pub(crate) fn unix_minute(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(60)
}

/// Days since the Unix epoch.
pub(crate) fn unix_day(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(86_400)
}

/// `YYYY-MM-DDTHH:MMZ` for a minute since the epoch.
pub(crate) fn minute_text(minute: i64) -> String {
    format_at(minute.saturating_mul(60), "%Y-%m-%dT%H:%MZ")
}

/// `YYYY-MM-DD` for a day since the epoch.
pub(crate) fn day_text(day: i64) -> String {
    format_at(day.saturating_mul(86_400), "%Y-%m-%d")
}

fn format_at(seconds: i64, format: &str) -> String {
    // Out of chrono's range only for times ~262,000 years away, which no
    // clock reports; an empty key then sorts before every real one.
    DateTime::from_timestamp(seconds, 0)
        .map(|at| at.format(format).to_string())
        .unwrap_or_default()
}

/// Now, from the storage clock.
pub(crate) fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(crate::storage::now_millis()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_fixed_width_utc_text() {
        let at = DateTime::parse_from_rfc3339("2026-11-30T09:05:59.999+01:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(minute_text(unix_minute(at)), "2026-11-30T08:05Z");
        assert_eq!(day_text(unix_day(at)), "2026-11-30");
        let before_epoch = DateTime::parse_from_rfc3339("1969-12-31T23:59:30Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(minute_text(unix_minute(before_epoch)), "1969-12-31T23:59Z");
    }
}
