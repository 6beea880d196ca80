//! Steps 2-4: the tenant, the module and the approved route a request is
//! for. A missing tenant, module, route or method, and an unapproved route,
//! are the same 404, so probing tells a client nothing.

use std::sync::Arc;

use http::{HeaderMap, Method};
use modgate_manifest::ModuleName;

use crate::tenant::TenantId;
use crate::http::bridge::ModuleBridge;
use crate::http::error::BridgeError;
use crate::http::serving::ServedModule;

/// What a request is for, once steps 2-4 passed (the served module itself
/// comes beside it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Target {
    /// Step 2: from the `Host` header.
    pub tenant: TenantId,
    /// Step 3: the module's name, as in its mount.
    pub module: String,
    /// `/modules/<name>`.
    pub mount: String,
    /// The request path below the mount (`/items/p-1`).
    pub relative: String,
    /// Step 4: the declared route pattern that matched (`/items/{id}`).
    pub pattern: String,
}

#[cfg(test)]
impl Target {
    /// `GET /modules/wishlist/items/p-1` of tenant `acme`, for the tests of the
    /// steps after this one.
    pub fn example() -> Self {
        Target {
            tenant: TenantId::new("acme").unwrap(),
            module: "wishlist".to_owned(),
            mount: "/modules/wishlist".to_owned(),
            relative: "/items/p-1".to_owned(),
            pattern: "/items/{id}".to_owned(),
        }
    }
}

/// Resolves a request for module `name` on `path` (the whole request path):
/// where it goes, and the module installed and approved there.
pub(super) async fn resolve(
    bridge: &ModuleBridge,
    name: &str,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
) -> Result<(Target, Arc<ServedModule>), BridgeError> {
    let tenant = bridge
        .tenant_for(headers)
        .ok_or_else(BridgeError::not_found)?;
    let mount = format!("/modules/{name}");
    let relative = relative_path(path, &mount).ok_or_else(BridgeError::not_found)?;
    // A name no module can have is not looked up.
    if name.parse::<ModuleName>().is_err() {
        return Err(BridgeError::not_found());
    }
    let served = bridge
        .serving
        .get(&bridge.lifecycle, &tenant, name)
        .await
        .map_err(|e| {
            tracing::error!(%tenant, module = name, "reading the install: {e}");
            BridgeError::internal("the module could not be loaded")
        })?
        .ok_or_else(BridgeError::not_found)?;
    let pattern = served
        .routes
        .find(method, relative)
        .ok_or_else(BridgeError::not_found)?
        .to_owned();
    let target = Target {
        tenant,
        module: name.to_owned(),
        relative: relative.to_owned(),
        mount,
        pattern,
    };
    Ok((target, served))
}

/// The path below the mount (`/modules/wishlist/items` → `/items`; the mount
/// itself → `/`); `None` when `path` is not under it (`/modules/wishlists`).
pub(super) fn relative_path<'a>(path: &'a str, mount: &str) -> Option<&'a str> {
    match path.strip_prefix(mount) {
        Some("") => Some("/"),
        Some(rest) if rest.starts_with('/') => Some(rest),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_made_relative_to_the_mount() {
        let mount = "/modules/wishlist";
        assert_eq!(relative_path("/modules/wishlist", mount), Some("/"));
        assert_eq!(relative_path("/modules/wishlist/", mount), Some("/"));
        assert_eq!(
            relative_path("/modules/wishlist/items/p-1", mount),
            Some("/items/p-1")
        );
    }

    #[test]
    fn a_path_that_only_starts_like_the_mount_is_not_under_it() {
        assert_eq!(
            relative_path("/modules/wishlists/items", "/modules/wishlist"),
            None
        );
        assert_eq!(
            relative_path("/modules/%77ishlist/items", "/modules/wishlist"),
            None
        );
    }
}
