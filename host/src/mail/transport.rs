//! Where mail goes: the operator's SMTP relay, or the local mailbox in the
//! database when none is configured.
//!
//! The relay is configured from the environment only — a URL in lettre's
//! form (`smtps://host:465` for TLS, `smtp://host:587?tls=required` for
//! STARTTLS), optionally the credentials in their own variables and a PEM
//! file of extra roots to trust (a relay with a private CA) — so no secret
//! is ever stored in the database. Plain `smtp://` (and
//! `tls=opportunistic`, which a man in the middle can downgrade) is refused
//! unless the relay is on loopback.

use std::net::IpAddr;
use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::mail::error::MailError;

/// The relay's URL (unset: the local mailbox).
pub const SMTP_URL_ENV: &str = "MODGATE_SMTP_URL";
/// The relay's user name, if not in the URL.
pub const SMTP_USERNAME_ENV: &str = "MODGATE_SMTP_USERNAME";
/// The relay's password, if not in the URL.
pub const SMTP_PASSWORD_ENV: &str = "MODGATE_SMTP_PASSWORD";
/// A PEM file of certificates to trust besides the public roots.
pub const SMTP_CA_FILE_ENV: &str = "MODGATE_SMTP_CA_FILE";

/// How to reach a relay, beyond its URL.
#[derive(Clone, Default)]
pub struct RelayAccess {
    /// User name and password; they replace any in the URL.
    pub credentials: Option<Credentials>,
    /// PEM certificates to trust besides the public roots (a relay whose
    /// certificate a private CA signed).
    pub extra_roots_pem: Option<Vec<u8>>,
}

impl std::fmt::Debug for RelayAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayAccess")
            .field("credentials", &self.credentials.as_ref().map(|_| "(set)"))
            .field("extra_roots_pem", &self.extra_roots_pem.as_ref().map(Vec::len))
            .finish()
    }
}

/// How the mail worker delivers.
#[derive(Clone)]
pub enum MailTransport {
    /// Keep sent mail in the database only (`modgate mail list`): the
    /// embedded default, for development and demos.
    Mailbox,
    /// Hand mail to an SMTP relay.
    Smtp {
        /// The relay's host, for messages.
        host: String,
        /// The pooled client.
        client: AsyncSmtpTransport<Tokio1Executor>,
    },
}

/// How one send ended.
#[derive(Debug)]
pub(crate) enum SendOutcome {
    Sent,
    /// Worth retrying (4xx, connection, timeout).
    Transient(String),
    /// Refused for good (5xx): retrying would not help.
    Permanent(String),
}

impl MailTransport {
    /// The relay named by [`SMTP_URL_ENV`] (credentials from
    /// [`SMTP_USERNAME_ENV`] / [`SMTP_PASSWORD_ENV`], extra roots from
    /// [`SMTP_CA_FILE_ENV`], when set), or the local mailbox when it is
    /// unset.
    pub fn from_env(send_timeout: Duration) -> Result<Self, MailError> {
        let Ok(url) = std::env::var(SMTP_URL_ENV) else { return Ok(MailTransport::Mailbox) };
        let extra_roots_pem = match std::env::var_os(SMTP_CA_FILE_ENV) {
            None => None,
            Some(path) => Some(std::fs::read(&path).map_err(|e| MailError::RelayConfig {
                message: format!("{SMTP_CA_FILE_ENV}: reading {}: {e}", std::path::Path::new(&path).display()),
            })?),
        };
        let credentials = match (std::env::var(SMTP_USERNAME_ENV), std::env::var(SMTP_PASSWORD_ENV)) {
            (Ok(user), Ok(password)) => Some(Credentials::new(user, password)),
            (Err(_), Err(_)) => None,
            _ => {
                return Err(MailError::RelayConfig {
                    message: format!("set both {SMTP_USERNAME_ENV} and {SMTP_PASSWORD_ENV}, or neither"),
                });
            }
        };
        Self::relay(&url, RelayAccess { credentials, extra_roots_pem }, send_timeout)
    }

    /// The relay at `url` (lettre's URL form), reached with `access`. Call
    /// it on a tokio runtime: the connection pool lives there.
    pub fn relay(url: &str, access: RelayAccess, send_timeout: Duration) -> Result<Self, MailError> {
        let parsed = url::Url::parse(url).map_err(|e| MailError::RelayConfig { message: format!("{SMTP_URL_ENV} is not a URL: {e}") })?;
        let host = parsed.host_str().unwrap_or_default().to_owned();
        let tls = parsed.query_pairs().find(|(key, _)| key == "tls").map(|(_, value)| value.into_owned());
        let encrypted = match parsed.scheme() {
            "smtps" => true,
            "smtp" => tls.as_deref() == Some("required"),
            other => {
                return Err(MailError::RelayConfig {
                    message: format!("{SMTP_URL_ENV} has scheme {other:?}; use smtps:// or smtp://…?tls=required"),
                });
            }
        };
        if !encrypted && !is_loopback(&host) {
            return Err(MailError::InsecureRelay { host });
        }
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::RelayConfig { message: format!("{SMTP_URL_ENV}: {e}") })?
            .timeout(Some(send_timeout));
        if let Some(credentials) = access.credentials {
            builder = builder.credentials(credentials);
        }
        if let Some(pem) = &access.extra_roots_pem {
            let tls = trusting(&host, pem)?;
            builder = builder.tls(if parsed.scheme() == "smtps" { Tls::Wrapper(tls) } else { Tls::Required(tls) });
        }
        Ok(MailTransport::Smtp { host, client: builder.build() })
    }

    /// `mailbox` or `smtp`, as recorded on sent messages.
    pub fn via(&self) -> &'static str {
        match self {
            MailTransport::Mailbox => "mailbox",
            MailTransport::Smtp { .. } => "smtp",
        }
    }

    pub(crate) async fn send(&self, message: Message) -> SendOutcome {
        let MailTransport::Smtp { host, client } = self else { return SendOutcome::Sent };
        match client.send(message).await {
            Ok(_) => SendOutcome::Sent,
            Err(e) if e.is_permanent() => SendOutcome::Permanent(format!("the relay {host} refused the message: {e}")),
            Err(e) => SendOutcome::Transient(format!("sending through {host}: {e}")),
        }
    }
}

impl std::fmt::Debug for MailTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MailTransport::Mailbox => f.write_str("Mailbox"),
            MailTransport::Smtp { host, .. } => f.debug_struct("Smtp").field("host", host).finish(),
        }
    }
}

/// TLS to `host` trusting the public roots and the certificates in `pem`.
fn trusting(host: &str, pem: &[u8]) -> Result<TlsParameters, MailError> {
    let unusable = |e: lettre::transport::smtp::Error| MailError::RelayConfig {
        message: format!("{SMTP_CA_FILE_ENV}: the extra roots are unusable: {e}"),
    };
    let roots = Certificate::from_pem(pem).map_err(unusable)?;
    TlsParameters::builder(host.to_owned()).add_root_certificate(roots).build().map_err(unusable)
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost" || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMEOUT: Duration = Duration::from_secs(5);

    #[tokio::test]
    async fn encrypted_relays_and_plain_loopback_are_accepted() {
        for url in [
            "smtps://relay.example.com",
            "smtp://relay.example.com:587?tls=required",
            "smtp://user:secret@relay.example.com:587?tls=required",
            "smtp://127.0.0.1:2525",
            "smtp://localhost:25",
            "smtp://[::1]:2525",
        ] {
            let transport = MailTransport::relay(url, RelayAccess::default(), TIMEOUT).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert_eq!(transport.via(), "smtp");
        }
    }

    #[tokio::test]
    async fn plain_or_downgradable_smtp_beyond_loopback_is_refused() {
        for url in ["smtp://relay.example.com:25", "smtp://relay.example.com:587?tls=opportunistic", "smtp://10.0.0.5:25"] {
            let refused = MailTransport::relay(url, RelayAccess::default(), TIMEOUT).unwrap_err();
            assert_eq!(refused.code(), "relay-insecure", "{url}");
        }
        for url in ["http://relay.example.com", "not a url"] {
            assert_eq!(MailTransport::relay(url, RelayAccess::default(), TIMEOUT).unwrap_err().code(), "relay-config", "{url}");
        }
        let garbage = RelayAccess { extra_roots_pem: Some(b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n".to_vec()), ..RelayAccess::default() };
        let refused = MailTransport::relay("smtps://relay.example.com", garbage, TIMEOUT).unwrap_err();
        assert_eq!(refused.code(), "relay-config");
    }
}
