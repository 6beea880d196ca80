//! `GET /metrics`: the Prometheus (OpenMetrics text) endpoint. Per-invocation
//! families come from the engine's observer; breakers and the outbox are
//! read at scrape time.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AdminApi;
use super::error::ApiError;
use crate::metrics::{BreakerGauge, CONTENT_TYPE, HostSnapshot, outbox_gauges};
use crate::tenant::TenantId;

pub(super) async fn render(State(api): State<Arc<AdminApi>>) -> Result<Response, ApiError> {
    let Some(metrics) = &api.metrics else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "metrics-off", "this host runs without metrics"));
    };
    let mut breakers = Vec::new();
    if let Some(bridge) = &api.bridge {
        for install in api.lifecycle.list(None).await? {
            let Ok(tenant) = TenantId::new(&install.tenant) else { continue };
            if let Some(status) = bridge.breaker_status(&tenant, &install.module) {
                breakers.push(BreakerGauge { tenant: install.tenant, module: install.module, status });
            }
        }
    }
    let outbox = outbox_gauges(api.lifecycle.storage()).await.map_err(crate::lifecycle::InstallError::from)?;
    let text = metrics.render(&HostSnapshot { breakers, outbox });
    Ok(([(header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response())
}
