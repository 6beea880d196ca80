//! Steps 6-7 of a request: who it is for. A bearer token the host
//! verifies, or else the integrator's session ([`crate::http::session`])
//! with same-origin proof on state-changing requests ([`crate::http::csrf`]).
//! Nothing else a client sends (body, query, other headers) can name the
//! customer.

use http::{HeaderMap, Method, header};

use crate::tenant::TenantId;
use crate::http::bridge::ModuleBridge;
use crate::http::csrf::check_same_origin;
use crate::http::error::BridgeError;
use crate::http::identity::{VerifiedCustomer, is_header_safe};

impl ModuleBridge {
    /// The verified customer of a request for `tenant`.
    ///
    /// With an `Authorization` header, only that is read ([`Self::customer`]):
    /// a bearer token is never attached by a browser on its own, so it needs
    /// no proof of origin. Without one, the integrator's session resolver (if
    /// any) is asked; a session refused by it is 401 `session-invalid`, and a
    /// session used for anything but `GET`, `HEAD` or `OPTIONS` must come
    /// from the same origin (403 `cross-site-request`). `None`: anonymous.
    pub fn authenticate(
        &self,
        method: &Method,
        headers: &HeaderMap,
        tenant: &TenantId,
    ) -> Result<Option<VerifiedCustomer>, BridgeError> {
        if headers.contains_key(header::AUTHORIZATION) {
            return self.customer(headers, tenant);
        }
        let Some(sessions) = &self.sessions else {
            return Ok(None);
        };
        let customer_id = sessions
            .customer(tenant, headers)
            .map_err(|refused| BridgeError::session_invalid(refused.to_string()))?;
        let Some(customer_id) = customer_id else {
            return Ok(None);
        };
        if !is_header_safe(&customer_id) {
            // The integrator's bug, not the client's: say so in the log only.
            tracing::error!(%tenant, "the session resolver returned a customer id that is not 1-128 printable ASCII characters");
            return Err(BridgeError::internal("the session could not be read"));
        }
        check_same_origin(method, headers)?;
        Ok(Some(VerifiedCustomer {
            customer_id,
            tenant: Some(tenant.as_str().to_owned()),
        }))
    }

    /// The customer of a request's bearer token: `None` without an
    /// `Authorization` header; a 401 for any token that does not verify, is
    /// not a Bearer token, or was issued for another tenant.
    pub fn customer(
        &self,
        headers: &HeaderMap,
        tenant: &TenantId,
    ) -> Result<Option<VerifiedCustomer>, BridgeError> {
        let mut values = headers.get_all(header::AUTHORIZATION).iter();
        let Some(value) = values.next() else {
            return Ok(None);
        };
        if values.next().is_some() {
            return Err(BridgeError::unauthorized(
                "token-malformed",
                "send one Authorization header",
            ));
        }
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                BridgeError::unauthorized("token-malformed", "use Authorization: Bearer <token>")
            })?;
        let customer = self
            .identity
            .verify(token)
            .map_err(|e| BridgeError::unauthorized(e.code(), e.to_string()))?;
        match customer.tenant.as_deref() {
            Some(claimed) if claimed != tenant.as_str() => Err(BridgeError::unauthorized(
                "token-wrong-tenant",
                "the token was issued for another tenant",
            )),
            None if self.config.require_tenant_claim => Err(BridgeError::unauthorized(
                "token-invalid-tenant",
                "the token does not name its tenant",
            )),
            _ => Ok(Some(customer)),
        }
    }
}
