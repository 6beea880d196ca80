//! Ids and timestamps as every table stores them.

use std::sync::Mutex;

use ulid::Ulid;

/// Characters in a ULID.
const ULID_CHARS: usize = 26;
/// Bits one ULID character carries (Crockford base-32).
const BITS_PER_CHAR: usize = 5;

/// The largest id handed out so far in this process: every new one is
/// larger, so ids sort in the order they were made.
static LAST_ID: Mutex<u128> = Mutex::new(0);

/// A fresh ULID (26 characters, sorts by creation time).
///
/// Monotonic within the process: ids made in the same millisecond still
/// sort in the order they were made, so "newest first" by id is exact (the
/// audit log is read that way).
pub fn new_id() -> String {
    // A whole id is a prefix whose block holds one id.
    new_id_prefix(ULID_CHARS)
}

/// The first `prefix_chars` characters of a fresh ULID whose remaining
/// characters are all this caller's: the whole block of ids that start
/// with it is reserved, so any completion of it is unique and sorts after
/// every id made before and before every id made after.
///
/// Taking the prefix of a plain [`new_id`] would not do: ids made in the
/// same millisecond differ only in their last characters, so two
/// statements in one millisecond would share a prefix — and their rows'
/// ids.
pub(crate) fn new_id_prefix(prefix_chars: usize) -> String {
    let suffix_bits = (ULID_CHARS.saturating_sub(prefix_chars) * BITS_PER_CHAR).min(127) as u32;
    let block = 1u128 << suffix_bits;
    let mut last = LAST_ID.lock().unwrap_or_else(|p| p.into_inner());
    let next = Ulid::generate().0.max(last.saturating_add(1));
    // Round up to the block's start; ids are 128 bits, the clock's 48 are
    // far from the top, so this does not overflow before the year 10889.
    let start = next.saturating_add(block - 1) & !(block - 1);
    *last = start | (block - 1);
    let mut prefix = Ulid(start).to_string();
    prefix.truncate(prefix_chars);
    prefix
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

    #[test]
    fn ids_made_in_a_row_sort_in_the_order_they_were_made() {
        let ids: Vec<String> = (0..1000).map(|_| new_id()).collect();
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]));
    }

    /// Found by the soak: two INSERT … SELECT statements in the same
    /// millisecond got the same prefix (the first 19 characters of two
    /// monotonic ids of one millisecond agree), so their first rows had
    /// the same id and the second statement failed on the primary key.
    #[test]
    fn prefixes_made_in_the_same_millisecond_differ_and_their_blocks_sort_between_neighbours() {
        let before = new_id();
        let prefixes: Vec<String> = (0..1000).map(|_| new_id_prefix(19)).collect();
        let after = new_id();
        let distinct: std::collections::BTreeSet<&String> = prefixes.iter().collect();
        assert_eq!(distinct.len(), prefixes.len(), "every prefix is new");
        for prefix in &prefixes {
            assert_eq!(prefix.len(), 19);
            let (lowest, highest) = (format!("{prefix}0000000"), format!("{prefix}ZZZZZZZ"));
            assert!(Ulid::from_string(&lowest).is_ok() && Ulid::from_string(&highest).is_ok());
            assert!(
                before < lowest && highest < after,
                "{before} < {lowest}..{highest} < {after}"
            );
        }
        assert!(prefixes.windows(2).all(|pair| pair[0] < pair[1]));
    }
}
