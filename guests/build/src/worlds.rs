//! The WIT worlds a Python or JavaScript guest is built against.
//!
//! `wit-bindgen` drops the imports a Rust guest never calls, but
//! componentize-py and componentize-js cannot see which functions dynamic
//! code calls: their component imports every interface of the target world.
//! The install-time check refuses a component that imports an interface its
//! manifest was not granted, so the world must be exactly what the module
//! asks for. For a module it is derived from `module.toml` — `base`, one
//! world per permission, and the export worlds of what it declares (routes,
//! slots, hooks, subscriptions) — so an author never names a world. A test
//! component has no manifest: it names its worlds in `component.toml`.
//!
//! The guest toolchains are given one generated WIT package whose world
//! includes those worlds ([`write_guest_wit`]).

use std::fmt;
use std::path::Path;

use modgate_manifest::{CORE_VERSION, Manifest, Permission};

use crate::GuestBuildError;

/// The package and world of the generated WIT a guest is built against.
pub const GUEST_WORLD: &str = "modgate:guest/guest";

/// The modgate worlds a guest component is built against (their union),
/// as `package/world` without a version, e.g. `modgate:commerce/read-products`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuestWorlds(Vec<String>);

impl GuestWorlds {
    /// The worlds a module's manifest implies: `modgate:host/base`, one world
    /// per permission, `serve` for routes, `slots` for slots, `hooks` for
    /// hooks, and `subscribe-core-events` / `subscribe-events` for the kinds
    /// of events it subscribes to.
    pub fn of_manifest(manifest: &Manifest) -> Self {
        let mut worlds = vec!["modgate:host/base".to_owned()];
        for permission in &manifest.permissions {
            if let Some(world) = permission_world(*permission) {
                worlds.push(world.to_owned());
            }
        }
        if manifest.subscriptions.iter().any(|s| s.is_core()) {
            worlds.push("modgate:commerce/subscribe-core-events".to_owned());
        }
        if manifest.subscriptions.iter().any(|s| !s.is_core()) {
            worlds.push("modgate:host/subscribe-events".to_owned());
        }
        if !manifest.routes.is_empty() {
            worlds.push("modgate:host/serve".to_owned());
        }
        if !manifest.slots.is_empty() {
            worlds.push("modgate:host/slots".to_owned());
        }
        if !manifest.hooks.is_empty() {
            worlds.push("modgate:host/hooks".to_owned());
        }
        Self::new(worlds)
    }

    /// The worlds listed in a test component's `component.toml`
    /// (`worlds = ["modgate:host/base", ...]`); `base` is always included.
    pub fn of_component_toml(path: &Path) -> Result<Self, GuestBuildError> {
        let invalid = |message: String| GuestBuildError::GuestSource { path: path.to_path_buf(), message };
        let text = std::fs::read_to_string(path).map_err(|e| invalid(e.to_string()))?;
        let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| invalid(e.message().to_owned()))?;
        let listed = doc
            .get("worlds")
            .and_then(toml::Value::as_array)
            .ok_or_else(|| invalid("`worlds` must be a list of world names, e.g. [\"modgate:host/base\"]".to_owned()))?;
        let mut worlds = vec!["modgate:host/base".to_owned()];
        for world in listed {
            let name = world
                .as_str()
                .filter(|name| name.starts_with("modgate:") && name.contains('/') && !name.contains('@'))
                .ok_or_else(|| invalid(format!("{world} is not a world name like \"modgate:host/serve\" (no version)")))?;
            worlds.push(name.to_owned());
        }
        Ok(Self::new(worlds))
    }

    fn new(mut worlds: Vec<String>) -> Self {
        worlds.sort();
        worlds.dedup();
        GuestWorlds(worlds)
    }

    /// The world names, sorted, without version.
    pub fn names(&self) -> &[String] {
        &self.0
    }

    /// Whether `world` (`package/world`, no version) is one of them.
    pub fn contains(&self, world: &str) -> bool {
        self.0.iter().any(|w| w == world)
    }
}

impl fmt::Display for GuestWorlds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(" + "))
    }
}

/// The world a permission unlocks; `subscribe:events` has none of its own
/// (its worlds follow the kinds of subscriptions).
fn permission_world(permission: Permission) -> Option<&'static str> {
    Some(match permission {
        Permission::ReadProducts => "modgate:commerce/read-products",
        Permission::ReadCategories => "modgate:commerce/read-categories",
        Permission::ReadOrders => "modgate:commerce/read-orders",
        Permission::ReadCustomers => "modgate:commerce/read-customers",
        Permission::WriteOwnTables => "modgate:host/write-own-tables",
        Permission::EmitEvents => "modgate:host/emit-events",
        Permission::HttpOutbound => "modgate:host/http-outbound",
        Permission::EmailSend => "modgate:host/email-send",
        Permission::SubscribeEvents => return None,
    })
}

/// Writes a WIT folder for `worlds` into `dest`: `world.wit` (package
/// `modgate:guest`, world `guest` including each of them) and `deps/` with
/// the repository's `wit/host`, `wit/commerce` and the WASI packages they use.
pub fn write_guest_wit(repo_wit: &Path, worlds: &GuestWorlds, dest: &Path) -> Result<(), GuestBuildError> {
    let _ = std::fs::remove_dir_all(dest);
    let mut world = String::from(
        "// Generated by modgate's guest build: the worlds this guest is built against.\npackage modgate:guest;\n\nworld guest {\n",
    );
    for name in worlds.names() {
        world.push_str(&format!("    include {name}@{CORE_VERSION};\n"));
    }
    world.push_str("}\n");
    write(&dest.join("world.wit"), world.as_bytes())?;
    copy_wit_files(&repo_wit.join("host"), &dest.join("deps/modgate-host"))?;
    copy_wit_files(&repo_wit.join("commerce"), &dest.join("deps/modgate-commerce"))?;
    copy_wit_files(&repo_wit.join("host/deps"), &dest.join("deps"))?;
    Ok(())
}

fn copy_wit_files(from: &Path, to: &Path) -> Result<(), GuestBuildError> {
    let entries = std::fs::read_dir(from).map_err(|source| GuestBuildError::Io {
        context: format!("reading {}", from.display()),
        source,
    })?;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.extension().is_some_and(|ext| ext == "wit") {
            let bytes = std::fs::read(&path).map_err(|source| GuestBuildError::Io {
                context: format!("reading {}", path.display()),
                source,
            })?;
            write(&to.join(entry.file_name()), &bytes)?;
        }
    }
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), GuestBuildError> {
    let io = |source| GuestBuildError::Io {
        context: format!("writing {}", path.display()),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    std::fs::write(path, bytes).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(extra: &str) -> Manifest {
        let text = format!("name = \"probe\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n{extra}");
        modgate_manifest::verify_manifest(&text, &CORE_VERSION).expect("a valid manifest").manifest
    }

    #[test]
    fn a_manifest_without_permissions_is_the_base_world() {
        assert_eq!(GuestWorlds::of_manifest(&manifest("")).names(), ["modgate:host/base"]);
    }

    #[test]
    fn permissions_and_declarations_each_add_their_world() {
        let worlds = GuestWorlds::of_manifest(&manifest(
            "permissions = [\"read:products\", \"http:outbound\", \"subscribe:events\"]\nsubscriptions = [\"product.price-changed\"]\nslots = [\"product-card.badges\"]\n[[routes]]\nmethod = \"GET\"\npath = \"/quotes\"\n",
        ));
        assert_eq!(
            worlds.names(),
            [
                "modgate:commerce/read-products",
                "modgate:commerce/subscribe-core-events",
                "modgate:host/base",
                "modgate:host/http-outbound",
                "modgate:host/serve",
                "modgate:host/slots",
            ]
        );
    }

    #[test]
    fn module_event_subscriptions_use_the_module_event_world() {
        let worlds = GuestWorlds::of_manifest(&manifest(
            "permissions = [\"subscribe:events\"]\nsubscriptions = [\"mod.wishlist.item-added\"]\n",
        ));
        assert!(worlds.contains("modgate:host/subscribe-events"));
        assert!(!worlds.contains("modgate:commerce/subscribe-core-events"));
    }

    #[test]
    fn a_component_toml_names_its_worlds_and_always_gets_base() {
        let dir = std::env::temp_dir().join(format!("modgate-worlds-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("component.toml");
        std::fs::write(&path, "worlds = [\"modgate:host/serve\"]\n").expect("write");
        let worlds = GuestWorlds::of_component_toml(&path).expect("valid");
        assert_eq!(worlds.names(), ["modgate:host/base", "modgate:host/serve"]);
        std::fs::write(&path, "worlds = [\"modgate:host/serve@1.0.0\"]\n").expect("write");
        let refused = GuestWorlds::of_component_toml(&path).expect_err("a version is refused");
        assert!(refused.to_string().contains("no version"), "{refused}");
        let _ = std::fs::remove_dir_all(dir);
    }
}
