//! Changing an install: approve and revoke routes and hooks, promote a
//! staged version, enable and disable, settings, breaker resets, uninstall.
//! Each is one lifecycle call (the same the CLI makes), audited as the
//! request's operator.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::AdminApi;
use super::error::ApiError;
use super::extract::{Body, Params, Path};
use super::tenant;
use crate::lifecycle::{Approvals, HookSelection, InstallOutcome, Promotion, RouteSelection};

/// Which routes and hooks to approve or revoke (or, for a promotion, to
/// approve for the staged version).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalBody {
    /// Every declared route and hook.
    #[serde(default)]
    pub all: bool,
    /// Routes, `METHOD /path` as declared.
    #[serde(default)]
    pub routes: Vec<String>,
    /// Hooks, as `modgate show` lists them (`before-create review`).
    #[serde(default)]
    pub hooks: Vec<String>,
}

impl ApprovalBody {
    fn selection(self) -> Result<Approvals, ApiError> {
        if self.all {
            if !self.routes.is_empty() || !self.hooks.is_empty() {
                return Err(ApiError::bad_request("invalid-body", "send either \"all\": true or routes/hooks, not both"));
            }
            return Ok(Approvals { routes: Some(RouteSelection::All), hooks: Some(HookSelection::All) });
        }
        if self.routes.is_empty() && self.hooks.is_empty() {
            return Err(ApiError::bad_request("invalid-body", "name routes or hooks, or send \"all\": true"));
        }
        Ok(Approvals {
            routes: (!self.routes.is_empty()).then_some(RouteSelection::Only(self.routes)),
            hooks: (!self.hooks.is_empty()).then_some(HookSelection::Only(self.hooks)),
        })
    }
}

/// The subjects an approval or revocation changed.
#[derive(Debug, Clone, Serialize)]
pub struct Changed {
    /// What changed (`GET /items`, `before-create review`); empty when
    /// everything named already was as asked.
    pub changed: Vec<String>,
}

/// Whether a state change did anything.
#[derive(Debug, Clone, Serialize)]
pub struct Switched {
    /// The install's state now.
    pub enabled: bool,
    /// `false` when it already was.
    pub changed: bool,
}

/// Query of an uninstall.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UninstallQuery {
    /// Drop the module's tables and rows too.
    #[serde(default)]
    pub purge: bool,
}

type InstallPath = Path<(String, String)>;

pub(super) async fn approve(
    State(api): State<Arc<AdminApi>>,
    Path((tenant_id, module)): InstallPath,
    Body(body): Body<ApprovalBody>,
) -> Result<Json<Changed>, ApiError> {
    let tenant = tenant(&tenant_id)?;
    let approved_by = crate::lifecycle::current_actor();
    let changed = api.lifecycle.approve(&tenant, &module, &body.selection()?, &approved_by).await?;
    api.changed(&tenant, &module);
    Ok(Json(Changed { changed }))
}

pub(super) async fn revoke(
    State(api): State<Arc<AdminApi>>,
    Path((tenant_id, module)): InstallPath,
    Body(body): Body<ApprovalBody>,
) -> Result<Json<Changed>, ApiError> {
    let tenant = tenant(&tenant_id)?;
    let changed = api.lifecycle.revoke(&tenant, &module, &body.selection()?).await?;
    api.changed(&tenant, &module);
    Ok(Json(Changed { changed }))
}

/// Makes the staged version serve, approving what the body names for it
/// (the serving version's approvals go with it: they were given for other
/// code). This process's bridge and hooks switch at once; other processes
/// on their next refresh.
pub(super) async fn promote(
    State(api): State<Arc<AdminApi>>,
    Path((tenant_id, module)): InstallPath,
    Body(body): Body<ApprovalBody>,
) -> Result<Json<Promotion>, ApiError> {
    let tenant = tenant(&tenant_id)?;
    let approved_by = crate::lifecycle::current_actor();
    let promotion = api.lifecycle.promote(&tenant, &module, &body.selection()?, &approved_by).await?;
    api.changed(&tenant, &module);
    Ok(Json(promotion))
}

pub(super) async fn enable(State(api): State<Arc<AdminApi>>, Path((tenant_id, module)): InstallPath) -> Result<Json<Switched>, ApiError> {
    switch(api, tenant_id, module, true).await
}

pub(super) async fn disable(State(api): State<Arc<AdminApi>>, Path((tenant_id, module)): InstallPath) -> Result<Json<Switched>, ApiError> {
    switch(api, tenant_id, module, false).await
}

async fn switch(api: Arc<AdminApi>, tenant_id: String, module: String, enabled: bool) -> Result<Json<Switched>, ApiError> {
    let tenant = tenant(&tenant_id)?;
    let changed = api.lifecycle.set_enabled(&tenant, &module, enabled).await?;
    api.changed(&tenant, &module);
    Ok(Json(Switched { enabled, changed }))
}

pub(super) async fn settings(
    State(api): State<Arc<AdminApi>>,
    Path((tenant_id, module)): InstallPath,
    Body(settings): Body<serde_json::Value>,
) -> Result<Json<InstallOutcome>, ApiError> {
    let tenant = tenant(&tenant_id)?;
    let outcome = api.lifecycle.change_settings(&tenant, &module, settings).await?;
    api.changed(&tenant, &module);
    Ok(Json(outcome))
}

pub(super) async fn reset_breaker(State(api): State<Arc<AdminApi>>, Path((tenant_id, module)): InstallPath) -> Result<StatusCode, ApiError> {
    let tenant = tenant(&tenant_id)?;
    api.lifecycle.reset_breaker(&tenant, &module).await?;
    api.changed(&tenant, &module);
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn reset_hook_breakers(
    State(api): State<Arc<AdminApi>>,
    Path((tenant_id, module)): InstallPath,
) -> Result<StatusCode, ApiError> {
    let tenant = tenant(&tenant_id)?;
    api.lifecycle.reset_hook_breakers(&tenant, &module).await?;
    api.changed(&tenant, &module);
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn uninstall(
    State(api): State<Arc<AdminApi>>,
    Path((tenant_id, module)): InstallPath,
    Params(query): Params<UninstallQuery>,
) -> Result<StatusCode, ApiError> {
    let tenant = tenant(&tenant_id)?;
    api.lifecycle.uninstall(&tenant, &module, query.purge).await?;
    api.changed(&tenant, &module);
    Ok(StatusCode::NO_CONTENT)
}
