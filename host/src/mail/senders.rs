//! The From address of each tenant's mail: set by the operator, never by a
//! module.

use std::collections::HashMap;

use lettre::message::Mailbox;

use crate::mail::error::MailError;
use crate::tenant::TenantId;

/// The From mailbox per tenant, with a default for the others.
#[derive(Debug, Clone)]
pub struct Senders {
    default: Mailbox,
    tenants: HashMap<String, Mailbox>,
}

/// The default's default: a reserved domain, so that an unconfigured host
/// never claims a real one.
const FALLBACK: &str = "modgate <no-reply@modgate.invalid>";

impl Default for Senders {
    fn default() -> Self {
        Senders {
            default: FALLBACK.parse().expect("the fallback sender is a mailbox"),
            tenants: HashMap::new(),
        }
    }
}

impl Senders {
    /// Every tenant sends from `default` (e.g. `Shop <shop@example.com>`).
    pub fn new(default: &str) -> Result<Self, MailError> {
        Ok(Senders { default: mailbox(default)?, tenants: HashMap::new() })
    }

    /// `tenant` sends from `from` instead.
    pub fn with_tenant(mut self, tenant: &TenantId, from: &str) -> Result<Self, MailError> {
        self.tenants.insert(tenant.as_str().to_owned(), mailbox(from)?);
        Ok(self)
    }

    /// The From mailbox of `tenant`'s mail.
    pub fn of(&self, tenant: &TenantId) -> &Mailbox {
        self.tenants.get(tenant.as_str()).unwrap_or(&self.default)
    }
}

fn mailbox(text: &str) -> Result<Mailbox, MailError> {
    text.parse().map_err(|e: lettre::address::AddressError| MailError::InvalidSender {
        address: text.to_owned(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tenant_gets_its_own_sender_or_the_default() {
        let acme = TenantId::new("acme").unwrap();
        let globex = TenantId::new("globex").unwrap();
        let senders = Senders::new("Shops <shops@example.com>").unwrap().with_tenant(&acme, "Acme <shop@acme.example>").unwrap();
        assert_eq!(senders.of(&acme).email.to_string(), "shop@acme.example");
        assert_eq!(senders.of(&globex).email.to_string(), "shops@example.com");
        assert_eq!(Senders::default().of(&acme).email.to_string(), "no-reply@modgate.invalid");
    }

    #[test]
    fn a_sender_that_is_not_a_mailbox_is_refused() {
        let refused = Senders::new("not an address").unwrap_err();
        assert_eq!(refused.code(), "invalid-sender");
    }
}
