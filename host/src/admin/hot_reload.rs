//! The hot-reload watch as the operator follows it: per module folder of
//! the watched directory, whether it is watched, waiting, reloading or
//! paused, and how its last reload went per tenant; and resuming a folder
//! whose watch paused after slow reloads. Only a host started with a
//! watched modules directory has these; a module's staged version and last
//! reload are part of the module itself (`GET …/modules/{module}`), read
//! from storage in any process.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use super::AdminApi;
use super::error::ApiError;
use super::extract::Path;
use crate::reload::{FolderStatus, HotReload};

/// What `GET /api/v1/admin/hot-reload` answers.
#[derive(Debug, Clone, Serialize)]
pub struct HotReloadView {
    /// The watched modules directory.
    pub dir: String,
    /// Each module folder the watch knows, by name.
    pub folders: Vec<FolderStatus>,
}

/// What resuming a folder answers.
#[derive(Debug, Clone, Serialize)]
pub struct Resumed {
    /// `false` when the folder's watch was not paused.
    pub resumed: bool,
}

pub(super) async fn status(State(api): State<Arc<AdminApi>>) -> Result<Json<HotReloadView>, ApiError> {
    let watch = watch(&api)?;
    Ok(Json(HotReloadView { dir: watch.dir().display().to_string(), folders: watch.status() }))
}

pub(super) async fn resume(State(api): State<Arc<AdminApi>>, Path(folder): Path<String>) -> Result<Json<Resumed>, ApiError> {
    let watch = watch(&api)?;
    // A folder the watch never saw cannot be paused: name the typo rather
    // than answer `false` as for a folder that is running.
    if !watch.status().iter().any(|known| known.folder == folder) {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown-folder",
            format!(
                "the watch of {} has no module folder {folder:?}; GET /api/v1/admin/hot-reload lists them",
                watch.dir().display()
            ),
        ));
    }
    Ok(Json(Resumed { resumed: watch.resume(&folder).await }))
}

fn watch(api: &AdminApi) -> Result<&HotReload, ApiError> {
    api.hot_reload.as_deref().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "hot-reload-off",
            "this host runs no hot-reload watch: start the host with a watched modules directory (docs/hot-reload.md)",
        )
    })
}
