//! Reading: the tenants, a tenant's modules with their state and breaker,
//! and one module in full (what `modgate show` prints, plus the breakers,
//! the outbox and the settings schema).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use super::AdminApi;
use super::error::ApiError;
use super::extract::Path;
use super::tenant;
use crate::breaker::BreakerStatus;
use crate::lifecycle::ModuleStatus;

/// What `GET /api/v1/admin/host` answers.
#[derive(Debug, Clone, Serialize)]
pub struct HostView {
    /// The modgate version.
    pub version: &'static str,
    /// Whether dev mode is on (every permission asked for is granted).
    pub dev_mode: bool,
    /// Every tenant the host knows.
    pub tenants: Vec<String>,
}

/// One module in a tenant's list.
#[derive(Debug, Clone, Serialize)]
pub struct ModuleSummaryView {
    /// The module.
    pub module: String,
    /// Installed version.
    pub version: String,
    /// Whether it is enabled.
    pub enabled: bool,
    /// Granted permissions.
    pub granted: Vec<String>,
    /// Its HTTP circuit breaker in this process.
    pub breaker: BreakerView,
}

/// A circuit breaker's state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakerView {
    /// `closed`, `open`, `half-open`, or `idle` (never invoked here yet).
    pub state: &'static str,
    /// Failures in a row (closed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consecutive_failures: Option<u32>,
    /// Seconds until a probe is let through (open).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_in_seconds: Option<u64>,
}

impl BreakerView {
    pub(super) fn of(status: Option<BreakerStatus>) -> Self {
        match status {
            None => BreakerView { state: "idle", consecutive_failures: None, retry_in_seconds: None },
            Some(BreakerStatus::Closed { consecutive_failures }) => {
                BreakerView { state: "closed", consecutive_failures: Some(consecutive_failures), retry_in_seconds: None }
            }
            Some(BreakerStatus::Open { retry_in }) => BreakerView {
                state: "open",
                consecutive_failures: None,
                retry_in_seconds: Some(retry_in.as_secs_f64().ceil() as u64),
            },
            Some(BreakerStatus::HalfOpen) => BreakerView { state: "half-open", consecutive_failures: None, retry_in_seconds: None },
        }
    }
}

/// Everything about one install.
#[derive(Debug, Clone, Serialize)]
pub struct ModuleView {
    /// What `modgate show` prints: state, version, permissions with risk,
    /// tables and drift, routes and hooks with approval, subscriptions,
    /// the allowlist, event deliveries by state.
    #[serde(flatten)]
    pub status: ModuleStatus,
    /// Whether any table drifted from its declaration.
    pub drift: bool,
    /// Its HTTP circuit breaker in this process.
    pub breaker: BreakerView,
    /// Each declared hook's breaker in this process.
    pub hook_breakers: Vec<HookBreakerView>,
}

/// One hook's breaker.
#[derive(Debug, Clone, Serialize)]
pub struct HookBreakerView {
    /// The hook (`before-create review`).
    pub hook: String,
    /// Its breaker.
    pub breaker: BreakerView,
}

pub(super) async fn host(State(api): State<Arc<AdminApi>>) -> Result<Json<HostView>, ApiError> {
    Ok(Json(HostView {
        version: env!("CARGO_PKG_VERSION"),
        dev_mode: api.lifecycle.dev_mode(),
        tenants: api.lifecycle.tenants().await?,
    }))
}

pub(super) async fn list(
    State(api): State<Arc<AdminApi>>,
    Path(tenant_id): Path<String>,
) -> Result<Json<Vec<ModuleSummaryView>>, ApiError> {
    let tenant = tenant(&tenant_id)?;
    let installs = api.lifecycle.list(Some(&tenant)).await?;
    Ok(Json(
        installs
            .into_iter()
            .map(|install| ModuleSummaryView {
                breaker: BreakerView::of(api.bridge.as_ref().and_then(|b| b.breaker_status(&tenant, &install.module))),
                module: install.module,
                version: install.version,
                enabled: install.enabled,
                granted: install.granted,
            })
            .collect(),
    ))
}

pub(super) async fn show(
    State(api): State<Arc<AdminApi>>,
    Path((tenant_id, module)): Path<(String, String)>,
) -> Result<Json<ModuleView>, ApiError> {
    let tenant = tenant(&tenant_id)?;
    let status = api.lifecycle.show(&tenant, &module).await?;
    let hook_breakers = status
        .hooks
        .iter()
        .map(|hook| HookBreakerView {
            hook: hook.hook.clone(),
            breaker: BreakerView::of(api.hooks.as_ref().and_then(|h| h.breaker_status(&tenant, &module, &hook.hook))),
        })
        .collect();
    Ok(Json(ModuleView {
        drift: status.has_drift(),
        breaker: BreakerView::of(api.bridge.as_ref().and_then(|b| b.breaker_status(&tenant, &module))),
        hook_breakers,
        status,
    }))
}
