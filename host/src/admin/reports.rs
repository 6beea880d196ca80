//! Reading what modules did: usage over time (for the charts), the
//! least-privilege report (declared permissions never used), the audit log.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use super::AdminApi;
use super::error::ApiError;
use super::extract::{Params, Path};
use super::tenant;
use crate::lifecycle::{AuditQuery, AuditRecord, InstallError};
use crate::usage::{LeastPrivilegeReport, UsagePoint, usage_series};

/// Longest usage window one read returns: the series' retention.
const MAX_USAGE_MINUTES: u32 = 7 * 24 * 60;
/// Longest least-privilege window: the call counts' retention.
const MAX_WINDOW_DAYS: u32 = 400;

/// Query of `…/usage`.
#[derive(Debug, Clone, Deserialize)]
pub struct UsageQuery {
    /// Minutes back from now. Default 60.
    #[serde(default = "default_minutes")]
    pub minutes: u32,
}

/// Query of `…/least-privilege`.
#[derive(Debug, Clone, Deserialize)]
pub struct LeastPrivilegeQuery {
    /// Days back from today. Default 30.
    #[serde(default = "default_days")]
    pub days: u32,
}

/// Query of `/api/v1/admin/audit-log`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuditLogQuery {
    /// Only this tenant's entries.
    pub tenant: Option<String>,
    /// Only this module's.
    pub module: Option<String>,
    /// At most this many (capped at 500).
    pub limit: Option<u64>,
}

fn default_minutes() -> u32 {
    60
}

fn default_days() -> u32 {
    30
}

pub(super) async fn usage(
    State(api): State<Arc<AdminApi>>,
    Path((tenant_id, module)): Path<(String, String)>,
    Params(query): Params<UsageQuery>,
) -> Result<Json<Vec<UsagePoint>>, ApiError> {
    let tenant = tenant(&tenant_id)?;
    if query.minutes == 0 || query.minutes > MAX_USAGE_MINUTES {
        return Err(ApiError::bad_request("invalid-window", format!("minutes must be 1..={MAX_USAGE_MINUTES}")));
    }
    api.lifecycle.show(&tenant, &module).await?;
    api.flush_usage().await?;
    let points = usage_series(api.lifecycle.storage(), &tenant, &module, query.minutes).await.map_err(InstallError::from)?;
    Ok(Json(points))
}

pub(super) async fn least_privilege(
    State(api): State<Arc<AdminApi>>,
    Path((tenant_id, module)): Path<(String, String)>,
    Params(query): Params<LeastPrivilegeQuery>,
) -> Result<Json<LeastPrivilegeReport>, ApiError> {
    let tenant = tenant(&tenant_id)?;
    if query.days == 0 || query.days > MAX_WINDOW_DAYS {
        return Err(ApiError::bad_request("invalid-window", format!("days must be 1..={MAX_WINDOW_DAYS}")));
    }
    api.flush_usage().await?;
    Ok(Json(api.lifecycle.least_privilege(&tenant, &module, query.days).await?))
}

pub(super) async fn audit_log(
    State(api): State<Arc<AdminApi>>,
    Params(query): Params<AuditLogQuery>,
) -> Result<Json<Vec<AuditRecord>>, ApiError> {
    let query = AuditQuery { tenant: query.tenant, module: query.module, limit: query.limit };
    Ok(Json(api.lifecycle.audit_log(&query).await?))
}

impl AdminApi {
    /// Stores what the recorder counted so far, so a report includes it.
    async fn flush_usage(&self) -> Result<(), ApiError> {
        if let Some(usage) = &self.usage {
            usage.flush(self.lifecycle.storage()).await.map_err(InstallError::from)?;
        }
        Ok(())
    }
}
