//! Durations in whole seconds: how configuration writes them and how a
//! `Retry-After` header says them.

use std::time::Duration;

use serde::{Deserialize, Deserializer};

/// Reads a whole number of seconds (`reset-after-seconds = 60`), for
/// `#[serde(deserialize_with = "…")]`.
pub(crate) fn duration_from_seconds<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Duration, D::Error> {
    u64::deserialize(deserializer).map(Duration::from_secs)
}

/// Reads seconds that may have a fraction (`refresh-seconds = 0.5`); a
/// negative or non-finite number is refused.
pub(crate) fn duration_from_fractional_seconds<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Duration, D::Error> {
    let seconds = f64::deserialize(deserializer)?;
    Duration::try_from_secs_f64(seconds).map_err(serde::de::Error::custom)
}

/// `wait` as a `Retry-After` value: whole seconds rounded up, so a client
/// that waits as told is not refused again, and at least 1, because
/// `Retry-After: 0` invites an immediate retry.
pub(crate) fn retry_after_seconds(wait: Duration) -> u64 {
    let whole = wait.as_secs();
    let rounded = if wait.subsec_nanos() > 0 {
        whole.saturating_add(1)
    } else {
        whole
    };
    rounded.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_rounds_up_to_whole_seconds_and_is_never_zero() {
        let secs = |ms| retry_after_seconds(Duration::from_millis(ms));
        assert_eq!(secs(0), 1);
        assert_eq!(secs(1), 1);
        assert_eq!(secs(1000), 1);
        assert_eq!(secs(1001), 2);
        assert_eq!(secs(59_500), 60);
        assert_eq!(retry_after_seconds(Duration::MAX), u64::MAX);
    }

    #[derive(Debug, serde::Deserialize)]
    struct Settings {
        #[serde(default, deserialize_with = "duration_from_seconds")]
        whole: Duration,
        #[serde(default, deserialize_with = "duration_from_fractional_seconds")]
        fraction: Duration,
    }

    #[test]
    fn seconds_are_read_whole_or_with_a_fraction() {
        let read: Settings =
            serde_json::from_value(serde_json::json!({ "whole": 60, "fraction": 0.25 })).unwrap();
        assert_eq!(read.whole, Duration::from_secs(60));
        assert_eq!(read.fraction, Duration::from_millis(250));
        assert!(serde_json::from_value::<Settings>(serde_json::json!({ "whole": 1.5 })).is_err());
        assert!(serde_json::from_value::<Settings>(serde_json::json!({ "whole": -1 })).is_err());
        assert!(
            serde_json::from_value::<Settings>(serde_json::json!({ "fraction": -0.5 })).is_err()
        );
    }
}
