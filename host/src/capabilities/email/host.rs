//! Host side of `modgate:host/email`: the op first, then every check, then
//! the once-per-event test, the rate limit, the address (for a customer)
//! and the outbox.

use crate::bindings::modgate::host::email::{Host, Message};
use crate::bindings::{WitError, WitErrorCode};
use crate::engine::CapabilityView;
use crate::mail::outbox::Queued;
use crate::mail::{MailError, MailOutbox, check_address};
use crate::mail::outbox::NewMail;
use crate::mail::send_rate::{self, now_micros};

use super::text::{check_body, check_customer_id, check_subject};
use super::{Email, EmailOfModule};

impl Host for CapabilityView<'_, Email> {
    async fn send(&mut self, message: Message) -> Result<(), WitError> {
        const OP: &str = "email.send";
        self.core.take_op(OP)?;
        let module = self.module.ok_or_else(|| not_available(OP))?;
        let limits = module.limits;
        check_address(&message.to, limits.max_address_bytes).map_err(|p| invalid(OP, "message.to", p))?;
        check_subject(&message.subject, limits.max_subject_chars).map_err(|p| invalid(OP, "message.subject", p))?;
        check_body(&message.text, limits.max_text_bytes).map_err(|p| invalid(OP, "message.text", p))?;
        let mail = NewMail {
            tenant: self.core.tenant(),
            module: &module.module,
            customer_id: None,
            recipient: &message.to,
            subject: &message.subject,
            body: &message.text,
            cause: self.state.cause.as_ref(),
        };
        if !admit(module, self.state, &mail, OP).await? {
            return Ok(());
        }
        queue(module, self.state, &mail, OP).await.map(|_| ())
    }

    async fn send_to_customer(&mut self, customer_id: String, subject: String, text: String) -> Result<bool, WitError> {
        const OP: &str = "email.send-to-customer";
        self.core.take_op(OP)?;
        let module = self.module.ok_or_else(|| not_available(OP))?;
        let limits = module.limits;
        check_customer_id(&customer_id, limits.max_customer_id_chars).map_err(|p| invalid(OP, "customer-id", p))?;
        check_subject(&subject, limits.max_subject_chars).map_err(|p| invalid(OP, "subject", p))?;
        check_body(&text, limits.max_text_bytes).map_err(|p| invalid(OP, "text", p))?;
        let contacts = module.contacts.as_ref().ok_or_else(|| not_available(OP))?;
        let tenant = self.core.tenant();
        let mut mail = NewMail {
            tenant,
            module: &module.module,
            customer_id: Some(&customer_id),
            recipient: "",
            subject: &subject,
            body: &text,
            cause: self.state.cause.as_ref(),
        };
        if !admit(module, self.state, &mail, OP).await? {
            return Ok(true);
        }
        // From here on, an unknown, opted-out or erased customer takes the
        // same path to the same `false`: nothing the module can observe
        // tells them apart.
        let address = contacts
            .reachable_address(tenant, &customer_id)
            .await
            .map_err(|e| e.into_wit(OP))?;
        let Some(address) = address else { return Ok(false) };
        if let Err(problem) = check_address(&address, usize::MAX) {
            tracing::error!(module = %module.module, %tenant, "{OP}: the customer contact provider gave an unusable address ({problem}); nothing was queued");
            return Ok(false);
        }
        mail.recipient = &address;
        queue(module, self.state, &mail, OP).await.map(|_| true)
    }
}

/// Whether `mail` should be queued: `false` when the same message was
/// already queued for the event being handled (a redelivery), which costs
/// no rate; `rate-limited` when the module's bucket for the tenant is empty.
async fn admit(module: &EmailOfModule, state: &super::EmailSession, mail: &NewMail<'_>, op: &str) -> Result<bool, WitError> {
    let outbox = module.outbox.as_ref().ok_or_else(|| not_available(op))?;
    if mail.cause.is_some() {
        let queued = match &state.session {
            Some(session) => outbox.already_queued(session.transaction(), mail).await,
            None => outbox.already_queued(outbox.storage().connection(), mail).await,
        };
        if queued.map_err(|e| storage_failed(module, mail, op, &e))? {
            return Ok(false);
        }
    }
    if !take_rate(module, outbox, state, mail).await.map_err(|e| storage_failed(module, mail, op, &e))? {
        let limits = module.limits;
        return Err(WitError::new(
            WitErrorCode::RateLimited,
            format!(
                "{op}: this module may queue {} messages a minute for this tenant (bursts of {}); try again later",
                limits.per_minute, limits.burst
            ),
        ));
    }
    Ok(true)
}

/// Takes one message from the module's bucket for the tenant: on the
/// install's transaction during `activate` (an install rolled back spends
/// nothing), otherwise on its own.
async fn take_rate(
    module: &EmailOfModule,
    outbox: &MailOutbox,
    state: &super::EmailSession,
    mail: &NewMail<'_>,
) -> Result<bool, MailError> {
    let rate = module.limits.send_rate();
    let (name, tenant) = (&*module.module, mail.tenant.as_str());
    let taken = match &state.session {
        Some(session) => send_rate::take(session.transaction(), name, tenant, rate, now_micros()).await,
        None => {
            let storage = outbox.storage();
            let _turn = storage.write_turn().await;
            send_rate::take(storage.connection(), name, tenant, rate, now_micros()).await
        }
    };
    Ok(taken?)
}

/// Records `mail`: on the install's transaction during `activate`,
/// otherwise on its own.
async fn queue(module: &EmailOfModule, state: &super::EmailSession, mail: &NewMail<'_>, op: &str) -> Result<Queued, WitError> {
    let outbox = module.outbox.as_ref().ok_or_else(|| not_available(op))?;
    let queued = match &state.session {
        Some(session) => outbox.queue(session.transaction(), mail).await,
        None => {
            let storage = outbox.storage();
            let _turn = storage.write_turn().await;
            outbox.queue(storage.connection(), mail).await
        }
    }
    .map_err(|e| storage_failed(module, mail, op, &e))?;
    if state.session.is_none() {
        outbox.committed();
    }
    Ok(queued)
}

fn invalid(op: &str, field: &str, problem: String) -> WitError {
    WitError::new(WitErrorCode::Invalid, format!("{op}: {field} {problem}"))
}

fn not_available(op: &str) -> WitError {
    WitError::new(WitErrorCode::NotAvailable, format!("{op}: this host does not send email"))
}

fn storage_failed(module: &EmailOfModule, mail: &NewMail<'_>, op: &str, error: &MailError) -> WitError {
    tracing::error!(module = %module.module, tenant = %mail.tenant, code = error.code(), "{op}: {error}");
    WitError::new(WitErrorCode::NotAvailable, format!("{op}: the mail outbox is unavailable; try again later"))
}
