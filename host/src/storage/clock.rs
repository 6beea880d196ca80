//! Ids and timestamps as every table stores them.

/// A fresh ULID (26 characters, sorts by creation time).
///
/// Monotonic within the process: ids made in the same millisecond still
/// sort in the order they were made, so "newest first" by id is exact (the
/// audit log is read that way).
pub fn new_id() -> String {
    static GENERATOR: std::sync::Mutex<ulid::Generator> = std::sync::Mutex::new(ulid::Generator::new());
    let mut generator = GENERATOR.lock().unwrap_or_else(|p| p.into_inner());
    // Overflow needs 2^80 ids in one millisecond; a plain id is fine then.
    generator.generate().unwrap_or_else(|_| ulid::Ulid::generate()).to_string()
}

/// Now, as RFC 3339 UTC with millisecond precision (`2026-11-21T07:01:02.345Z`).
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Milliseconds since the Unix epoch, as the outboxes store and compare times.
pub fn now_millis() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_ulids_and_times_are_utc() {
        let id = new_id();
        assert_eq!(id.len(), 26);
        assert!(ulid::Ulid::from_string(&id).is_ok());
        let now = now_rfc3339();
        assert!(now.ends_with('Z'), "{now}");
        assert!(chrono::DateTime::parse_from_rfc3339(&now).is_ok());
    }
}
