//! Bounds of the mail a module may send.

use std::num::NonZeroU32;
use std::time::Duration;

use crate::mail::send_rate::SendRate;

/// Sizes and the rate limit. Every field has a default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmailLimits {
    /// Longest subject, in characters (default 200).
    pub max_subject_chars: usize,
    /// Largest text, in bytes (default 64 KiB).
    pub max_text_bytes: usize,
    /// Longest recipient address, in bytes (default 254, RFC 5321's path limit).
    pub max_address_bytes: usize,
    /// Longest customer id, in characters (default 128).
    pub max_customer_id_chars: usize,
    /// Messages one module may queue per minute for one tenant, sustained
    /// (default 60), counted in the database: across every host on it.
    pub per_minute: NonZeroU32,
    /// How many it may queue at once before the rate applies (default 60).
    pub burst: NonZeroU32,
}

impl Default for EmailLimits {
    fn default() -> Self {
        EmailLimits {
            max_subject_chars: 200,
            max_text_bytes: 64 << 10,
            max_address_bytes: 254,
            max_customer_id_chars: 128,
            per_minute: NonZeroU32::new(60).expect("non-zero"),
            burst: NonZeroU32::new(60).expect("non-zero"),
        }
    }
}

impl EmailLimits {
    pub(crate) fn send_rate(&self) -> SendRate {
        SendRate { interval: Duration::from_secs(60) / self.per_minute.get(), burst: self.burst.get() }
    }
}
