//! What the commerce capabilities share: paging, id checks and turning a
//! provider failure into a typed error without leaking host internals.

use std::sync::Arc;

use crate::bindings::modgate::commerce::types::Page;
use crate::bindings::{WitError, WitErrorCode};

/// The most items one listing call returns, whatever the guest asks for.
pub const MAX_PAGE_ITEMS: u32 = 100;

/// Longest id a guest may pass.
pub const MAX_ID_BYTES: usize = 128;

/// A listing window, already capped by the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Items to skip.
    pub offset: u32,
    /// Items to return, 1..=[`MAX_PAGE_ITEMS`] (0 means none).
    pub limit: u32,
}

impl PageRequest {
    /// Caps the guest's page at [`MAX_PAGE_ITEMS`].
    pub fn capped(page: Page) -> Self {
        PageRequest {
            offset: page.offset,
            limit: page.limit.min(MAX_PAGE_ITEMS),
        }
    }

    /// Applies the window to an ordered sequence.
    pub fn apply<T>(self, items: impl IntoIterator<Item = T>) -> Vec<T> {
        items
            .into_iter()
            .skip(self.offset as usize)
            .take(self.limit as usize)
            .collect()
    }
}

/// A failure inside a host integrator's provider.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The backing store cannot answer now.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Anything else.
    #[error("{0}")]
    Failed(String),
}

impl ProviderError {
    /// The error the guest sees: the code, not the host's details (those go
    /// to the host's log).
    pub fn into_wit(self, operation: &str) -> WitError {
        tracing::warn!(operation, error = %self, "capability provider failed");
        let code = match self {
            ProviderError::Unavailable(_) => WitErrorCode::NotAvailable,
            ProviderError::Failed(_) => WitErrorCode::HandlerError,
        };
        WitError::new(code, format!("{operation}: the host could not answer"))
    }
}

/// The provider a commerce capability was built with, or `not-available`
/// naming the capability when the integrator gave it none.
pub fn provided<'a, P: ?Sized>(provider: Option<&'a Option<Arc<P>>>, capability: &str) -> Result<&'a P, WitError> {
    provider.and_then(Option::as_deref).ok_or_else(|| {
        WitError::new(
            WitErrorCode::NotAvailable,
            format!("{capability}: this host has no provider for it"),
        )
    })
}

/// Refuses ids that are empty or too long before they reach a provider.
pub fn check_id(operation: &str, id: &str) -> Result<(), WitError> {
    if id.is_empty() || id.len() > MAX_ID_BYTES {
        return Err(WitError::new(
            WitErrorCode::Invalid,
            format!("{operation}: ids are 1 to {MAX_ID_BYTES} bytes long"),
        ));
    }
    Ok(())
}

/// `not-found` for an id the tenant does not have.
pub fn not_found(operation: &str, id: &str) -> WitError {
    WitError::new(
        WitErrorCode::NotFound,
        format!("{operation}: no such id {id:?} for this tenant"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_capped() {
        let page = PageRequest::capped(Page {
            offset: 0,
            limit: 10_000,
        });
        assert_eq!(page.limit, MAX_PAGE_ITEMS);
        assert_eq!(page.apply(0..1000).len(), 100);
        let page = PageRequest::capped(Page { offset: 998, limit: 5 });
        assert_eq!(page.apply(0..1000), vec![998, 999]);
    }

    #[test]
    fn empty_and_huge_ids_are_invalid() {
        assert_eq!(check_id("x", "").unwrap_err().code, WitErrorCode::Invalid);
        assert_eq!(
            check_id("x", &"a".repeat(200)).unwrap_err().code,
            WitErrorCode::Invalid
        );
        assert!(check_id("x", "p-1").is_ok());
    }
}
