//! The install review step: the operator hands in a module (an uploaded
//! manifest and component, or a folder on the host holding a built
//! component — the API never builds one), reads the review —
//! permissions and risk, tables, routes, hooks, slots, subscriptions, the
//! outbound allowlist, the settings schema — then confirms with the grants,
//! acknowledgement and settings they chose. Nothing is installed before the
//! confirmation; a confirmation that fails keeps the review, so the
//! operator can confirm again with other choices.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Json;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::AdminApi;
use super::error::ApiError;
use super::extract::{OptionalBody, Path};
use super::tenant;
use crate::capabilities::outbound::{Allowlist, AllowlistEntry};
use crate::engine::DependencyComponents;
use crate::lifecycle::{InstallOutcome, InstallRequest, InstallReview, ModuleSource};
use crate::manifest::Permission;
use crate::storage::new_id;
use crate::tenant::TenantId;

/// Reviews waiting for their confirmation, oldest first out.
#[derive(Default)]
pub(super) struct PendingReviews {
    reviews: Mutex<HashMap<String, PendingReview>>,
}

struct PendingReview {
    tenant: TenantId,
    source: ModuleSource,
    review: InstallReview,
    created: Instant,
}

/// What creating or reading a review answers.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    /// Confirm or discard it by this id.
    pub review_id: String,
    /// Seconds left to confirm it.
    pub expires_in_seconds: u64,
    /// What installing would do.
    pub review: InstallReview,
}

/// The operator's choices when confirming a review.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Confirmation {
    /// Grant only these (default: every permission asked for).
    pub grants: Option<Vec<String>>,
    /// The operator accepts the high-risk permissions granted.
    #[serde(default)]
    pub acknowledge_risk: bool,
    /// The operator accepts destructive table changes.
    #[serde(default)]
    pub allow_destructive: bool,
    /// Settings (default: an upgrade keeps them, a first install takes the
    /// schema's defaults).
    pub settings: Option<serde_json::Value>,
    /// Outbound allowlist `HOST[:PORT]` entries (default: an upgrade keeps
    /// the allowlist, a first install starts with none).
    pub allow_hosts: Option<Vec<String>>,
}

/// A folder on the host to review.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FromPath {
    path: PathBuf,
}

impl PendingReviews {
    fn insert(&self, api: &AdminApi, tenant: TenantId, source: ModuleSource, review: InstallReview) -> String {
        let id = new_id();
        let mut reviews = self.reviews.lock().unwrap_or_else(|p| p.into_inner());
        reviews.retain(|_, pending| pending.created.elapsed() < api.config.review_ttl);
        while reviews.len() >= api.config.max_pending_reviews.max(1) {
            let Some(oldest) = reviews.iter().min_by_key(|(_, p)| p.created).map(|(id, _)| id.clone()) else { break };
            reviews.remove(&oldest);
        }
        reviews.insert(id.clone(), PendingReview { tenant, source, review, created: Instant::now() });
        id
    }

    /// The review's source and view, if it is this tenant's and not expired.
    fn get(&self, api: &AdminApi, tenant: &TenantId, id: &str) -> Result<(ModuleSource, ReviewView), ApiError> {
        let reviews = self.reviews.lock().unwrap_or_else(|p| p.into_inner());
        match reviews.get(id) {
            Some(pending) if pending.tenant == *tenant && pending.created.elapsed() < api.config.review_ttl => Ok((
                pending.source.clone(),
                ReviewView {
                    review_id: id.to_owned(),
                    expires_in_seconds: api.config.review_ttl.saturating_sub(pending.created.elapsed()).as_secs(),
                    review: pending.review.clone(),
                },
            )),
            _ => Err(no_such_review(id)),
        }
    }

    fn remove(&self, id: &str) -> bool {
        self.reviews.lock().unwrap_or_else(|p| p.into_inner()).remove(id).is_some()
    }
}

fn no_such_review(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no-such-review",
        format!("no pending review {id} for this tenant (reviews expire, and a confirmed one is gone): start a new review"),
    )
}

pub(super) async fn create(
    State(api): State<Arc<AdminApi>>,
    Path(tenant_id): Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    let tenant = tenant(&tenant_id)?;
    let source = read_source(&api, request).await?;
    let review = api.lifecycle.review(&source, &tenant).await?;
    let view = ReviewView {
        expires_in_seconds: api.config.review_ttl.as_secs(),
        review_id: api.reviews.insert(&api, tenant, source, review.clone()),
        review,
    };
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

pub(super) async fn read(
    State(api): State<Arc<AdminApi>>,
    Path((tenant_id, id)): Path<(String, String)>,
) -> Result<Json<ReviewView>, ApiError> {
    let tenant = tenant(&tenant_id)?;
    Ok(Json(api.reviews.get(&api, &tenant, &id)?.1))
}

pub(super) async fn discard(
    State(api): State<Arc<AdminApi>>,
    Path((tenant_id, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let tenant = tenant(&tenant_id)?;
    api.reviews.get(&api, &tenant, &id)?;
    api.reviews.remove(&id);
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn confirm(
    State(api): State<Arc<AdminApi>>,
    Path((tenant_id, id)): Path<(String, String)>,
    OptionalBody(choices): OptionalBody<Confirmation>,
) -> Result<Json<InstallOutcome>, ApiError> {
    let tenant = tenant(&tenant_id)?;
    let (source, _) = api.reviews.get(&api, &tenant, &id)?;
    let choices = choices.unwrap_or_default();
    let request = InstallRequest {
        source,
        tenant: tenant.clone(),
        grants: choices.grants.as_deref().map(parse_grants).transpose()?,
        acknowledge_risk: choices.acknowledge_risk,
        allow_destructive: choices.allow_destructive,
        settings: choices.settings,
        allowlist: choices.allow_hosts.as_deref().map(parse_allowlist).transpose()?,
    };
    let outcome = api.lifecycle.install(request).await?;
    api.reviews.remove(&id);
    api.changed(&tenant, &outcome.module);
    Ok(Json(outcome))
}

fn parse_grants(names: &[String]) -> Result<BTreeSet<Permission>, ApiError> {
    names
        .iter()
        .map(|name| name.parse::<Permission>().map_err(|e| ApiError::bad_request("unknown-permission", e.to_string())))
        .collect()
}

fn parse_allowlist(hosts: &[String]) -> Result<Allowlist, ApiError> {
    let entries = hosts
        .iter()
        .map(|host| host.parse::<AllowlistEntry>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ApiError::bad_request(e.code(), e.to_string()))?;
    Ok(Allowlist::new(entries))
}

/// The multipart part holding dependency `<name>`'s component is
/// `dependency.<name>`.
const DEPENDENCY_PART: &str = "dependency.";

/// The module the request hands in: `multipart/form-data` with a
/// `manifest` and a `component` part (and a `dependency.<name>` part per
/// dependency component), or JSON `{"path": "<module folder>"}`.
async fn read_source(api: &AdminApi, request: Request) -> Result<ModuleSource, ApiError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if content_type.starts_with("multipart/form-data") {
        let multipart = Multipart::from_request(request, &())
            .await
            .map_err(|e| ApiError::bad_request("invalid-upload", e.body_text()))?;
        return read_upload(multipart).await;
    }
    let Json(FromPath { path }) = Json::<FromPath>::from_request(request, &()).await.map_err(|e| {
        ApiError::bad_request(
            "invalid-body",
            format!("{}: send multipart/form-data with `manifest` and `component`, or JSON {{\"path\": \"<module folder>\"}}", e.body_text()),
        )
    })?;
    let max = api.lifecycle.engine().config().max_component_bytes;
    // Never a build: building runs the folder's own code, and the API must
    // not become a way to run code on the host.
    tokio::task::spawn_blocking(move || ModuleSource::from_built_dir(&path, max))
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "storage", e.to_string()))?
        .map_err(ApiError::from)
}

async fn read_upload(mut multipart: Multipart) -> Result<ModuleSource, ApiError> {
    let invalid = |message: String| ApiError::bad_request("invalid-upload", message);
    let (mut manifest, mut component) = (None, None);
    let mut dependencies = DependencyComponents::new();
    while let Some(field) = multipart.next_field().await.map_err(|e| invalid(e.body_text()))? {
        let name = field.name().map(str::to_owned);
        match name.as_deref() {
            Some("manifest") => manifest = Some(field.text().await.map_err(|e| invalid(e.body_text()))?),
            Some("component") => component = Some(field.bytes().await.map_err(|e| invalid(e.body_text()))?.to_vec()),
            Some(part) if part.starts_with(DEPENDENCY_PART) && part.len() > DEPENDENCY_PART.len() => {
                let dependency = part[DEPENDENCY_PART.len()..].to_owned();
                let bytes = field.bytes().await.map_err(|e| invalid(e.body_text()))?.to_vec();
                if dependencies.insert(dependency, bytes).is_some() {
                    return Err(invalid(format!("part {part:?} sent twice")));
                }
            }
            other => {
                return Err(invalid(format!(
                    "unexpected part {other:?}: send `manifest`, `component` and `{DEPENDENCY_PART}<name>` for each [dependencies.<name>]"
                )));
            }
        }
    }
    match (manifest, component) {
        (Some(manifest_text), Some(component)) => Ok(ModuleSource { dependencies, ..ModuleSource::new(manifest_text, component) }),
        _ => Err(invalid("send both parts: `manifest` (module.toml) and `component` (the .wasm file)".to_owned())),
    }
}
