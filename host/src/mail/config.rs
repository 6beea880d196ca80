//! The mail worker's knobs. Every one has a documented default.

use std::time::Duration;

/// How queued mail is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailConfig {
    /// Attempts before a message is dead-lettered (default 8). A permanent
    /// refusal by the relay (5xx) dead-letters at once.
    pub max_attempts: u32,
    /// The first retry's delay (default 5 s); each later one doubles, with
    /// jitter, up to `max_backoff`.
    pub base_backoff: Duration,
    /// Longest delay between attempts (default 30 min).
    pub max_backoff: Duration,
    /// How long one SMTP transaction may take (default 30 s).
    pub send_timeout: Duration,
    /// How long a claim holds a message (default 2 min, more than twice
    /// `send_timeout`); a worker that died loses its claims when they expire.
    pub lease: Duration,
    /// Messages being sent at once by this process (default 4).
    pub concurrency: usize,
    /// How often the worker looks for due messages when nothing woke it
    /// (default 500 ms): messages queued by other processes, retries.
    pub poll_interval: Duration,
    /// How long sent and suppressed messages are kept (default 30 days);
    /// dead ones stay until the operator redrives or removes them.
    pub retention: Duration,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            max_attempts: 8,
            base_backoff: Duration::from_secs(5),
            max_backoff: Duration::from_secs(30 * 60),
            send_timeout: Duration::from_secs(30),
            lease: Duration::from_secs(120),
            concurrency: 4,
            poll_interval: Duration::from_millis(500),
            retention: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

impl MailConfig {
    /// Refuses settings that cannot work, naming the knob.
    pub fn check(&self) -> Result<(), String> {
        if self.max_attempts == 0 {
            return Err("mail.max_attempts must be at least 1".into());
        }
        if self.concurrency == 0 {
            return Err("mail.concurrency must be at least 1".into());
        }
        if self.base_backoff > self.max_backoff {
            return Err("mail.base_backoff must not exceed mail.max_backoff".into());
        }
        if self.lease <= self.send_timeout * 2 {
            return Err(format!(
                "mail.lease ({} ms) must be more than twice mail.send_timeout ({} ms): a message still being sent would be claimed again",
                self.lease.as_millis(),
                self.send_timeout.as_millis()
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_works_and_a_short_lease_is_refused() {
        assert_eq!(MailConfig::default().check(), Ok(()));
        let short = MailConfig { lease: Duration::from_secs(60), ..MailConfig::default() };
        assert!(short.check().unwrap_err().contains("mail.lease"));
        let none = MailConfig { concurrency: 0, ..MailConfig::default() };
        assert!(none.check().unwrap_err().contains("mail.concurrency"));
    }
}
