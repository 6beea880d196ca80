//! Slot widgets: `GET /slots/<slot>?product=<id>` and
//! [`ModuleBridge::slot_widgets`] for the integrator's own pages.
//!
//! Every enabled module of the tenant that declares the slot renders in its
//! own invocation (concurrently, under the `slot` budget); each answer is
//! validated ([`crate::http::widgets`]) and a module whose answer breaks a
//! rule contributes nothing (the refusal goes to its module log).
//!
//! Over HTTP a slot request passes the same layers as a module request
//! (`http/pipeline/`: the client's rate limit first, the host's headers on
//! the answer last), then the tenant (404) and the customer (401).

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::HeaderMap;
use modgate_manifest::Slot;

use crate::tenant::TenantId;
use crate::engine::module_log::LogLevel;
use crate::http::bridge::ModuleBridge;
use crate::http::error::BridgeError;
use crate::http::widgets::{ModuleWidgets, SlotRequest, validate_widgets};
use crate::sync::lock;

impl ModuleBridge {
    /// The validated widgets of every module of `tenant` that declares
    /// `slot`. A module that fails, times out or returns invalid widgets is
    /// left out (and logged); the page still renders.
    pub async fn slot_widgets(
        &self,
        tenant: &TenantId,
        slot: Slot,
        product_id: Option<&str>,
        customer_id: Option<&str>,
    ) -> Vec<ModuleWidgets> {
        let names = match self.modules_of(tenant).await {
            Ok(names) => names,
            Err(e) => {
                tracing::error!(%tenant, "listing modules for slot {slot}: {e}");
                return Vec::new();
            }
        };
        let request = SlotRequest {
            slot: slot.as_str().to_owned(),
            product_id: product_id.map(str::to_owned),
            customer_id: customer_id.map(str::to_owned),
        };
        let renders = names.iter().map(|name| self.render_one(tenant, name, slot, &request));
        futures_util::future::join_all(renders).await.into_iter().flatten().collect()
    }

    async fn render_one(&self, tenant: &TenantId, name: &str, slot: Slot, request: &SlotRequest) -> Option<ModuleWidgets> {
        let served = match self.serving.get(&self.lifecycle, tenant, name).await {
            Ok(Some(served)) => served,
            Ok(None) => return None,
            Err(e) => {
                tracing::error!(%tenant, module = name, "loading for slot {slot}: {e}");
                return None;
            }
        };
        if !served.module.manifest().slots.contains(&slot) || !served.module.renders_slots() {
            return None;
        }
        match served.module.render_slot(tenant, request, &served.extensions()).await {
            Ok(invoked) => match validate_widgets(name, invoked.value) {
                Ok(widgets) => Some(ModuleWidgets {
                    module: name.to_owned(),
                    widgets,
                }),
                Err(problem) => {
                    let message = format!("slot {slot}: widgets refused ({}): {problem}", problem.code());
                    served.module.log().append(tenant.as_str(), LogLevel::Warn, &message);
                    tracing::warn!(%tenant, module = name, "{message}");
                    None
                }
            },
            Err(e) => {
                tracing::warn!(%tenant, module = name, code = e.kind(), "slot {slot} failed: {e}");
                None
            }
        }
    }

    async fn modules_of(&self, tenant: &TenantId) -> Result<Arc<[String]>, crate::lifecycle::InstallError> {
        if let Some((read_at, names)) = lock(&self.tenant_modules).get(tenant)
            && read_at.elapsed() < self.config.refresh
        {
            return Ok(names.clone());
        }
        let names: Arc<[String]> = self.lifecycle.enabled_modules(tenant).await?.into();
        lock(&self.tenant_modules).insert(tenant.clone(), (Instant::now(), names.clone()));
        Ok(names)
    }

    async fn serve_slot(&self, slot: &str, product: Option<String>, headers: &HeaderMap) -> Result<Response, BridgeError> {
        let tenant = self.tenant_for(headers).ok_or_else(BridgeError::not_found)?;
        let slot: Slot = slot.parse().map_err(|_| BridgeError::not_found())?;
        let customer = self.authenticate(&http::Method::GET, headers, &tenant)?;
        let widgets = self
            .slot_widgets(&tenant, slot, product.as_deref(), customer.as_ref().map(|c| c.customer_id.as_str()))
            .await;
        let body = serde_json::json!({ "slot": slot.as_str(), "modules": widgets });
        Ok(axum::Json(body).into_response())
    }
}

/// The query of a slot request.
#[derive(serde::Deserialize)]
pub(super) struct SlotQuery {
    product: Option<String>,
}

/// `GET /slots/{slot}?product=<id>`.
pub(super) async fn slot_request(
    State(bridge): State<Arc<ModuleBridge>>,
    Path(slot): Path<String>,
    Query(query): Query<SlotQuery>,
    headers: HeaderMap,
) -> Response {
    bridge
        .serve_slot(&slot, query.product, &headers)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}
