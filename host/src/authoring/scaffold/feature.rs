//! The choices of `modgate new`: the language, and the features whose
//! examples the module starts with.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// The language a module is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModuleLanguage {
    /// A Rust crate built for `wasm32-unknown-unknown` with the Rust SDK.
    Rust,
    /// `app.py`, built with componentize-py and the Python SDK.
    Python,
    /// `index.js`, built with componentize-js and the JavaScript SDK.
    JavaScript,
}

impl ModuleLanguage {
    /// The name `--lang` takes, and the templates' folder.
    pub fn as_str(self) -> &'static str {
        match self {
            ModuleLanguage::Rust => "rust",
            ModuleLanguage::Python => "python",
            ModuleLanguage::JavaScript => "js",
        }
    }

    /// The folder of its templates under `guests/templates/`.
    pub(super) fn template_folder(self) -> &'static str {
        match self {
            ModuleLanguage::Rust => "rust",
            ModuleLanguage::Python => "python",
            ModuleLanguage::JavaScript => "javascript",
        }
    }
}

impl fmt::Display for ModuleLanguage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ModuleLanguage {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "rust" => Ok(ModuleLanguage::Rust),
            "python" | "py" => Ok(ModuleLanguage::Python),
            "js" | "javascript" => Ok(ModuleLanguage::JavaScript),
            other => Err(format!(
                "unknown language {other:?}: use rust, python or js"
            )),
        }
    }
}

/// An example a new module starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Feature {
    /// HTTP routes under the module's mount.
    Serve,
    /// A storefront slot's widgets.
    Slots,
    /// A subscription to a core event.
    Events,
    /// A data hook on an integrator's record.
    Hooks,
    /// The module's own table.
    Tables,
}

impl Feature {
    /// Every feature, in the order `--with` lists them.
    pub const ALL: [Feature; 5] = [
        Feature::Serve,
        Feature::Slots,
        Feature::Events,
        Feature::Hooks,
        Feature::Tables,
    ];

    /// Its name in `--with`.
    pub fn as_str(self) -> &'static str {
        match self {
            Feature::Serve => "serve",
            Feature::Slots => "slots",
            Feature::Events => "events",
            Feature::Hooks => "hooks",
            Feature::Tables => "tables",
        }
    }

    /// The permission its example needs, if any (routes, slots and hooks
    /// need none: the operator approves routes and hooks one by one).
    fn permission(self) -> Option<&'static str> {
        match self {
            Feature::Events => Some("subscribe:events"),
            Feature::Tables => Some("write:own-tables"),
            Feature::Serve | Feature::Slots | Feature::Hooks => None,
        }
    }

    /// The Rust SDK feature that exports its trait, if any.
    pub(super) fn sdk_feature(self) -> Option<&'static str> {
        match self {
            Feature::Serve => Some("serve"),
            Feature::Slots => Some("slots"),
            Feature::Events => Some("events"),
            Feature::Hooks => Some("hooks"),
            Feature::Tables => None,
        }
    }
}

impl fmt::Display for Feature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Feature {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Feature::ALL
            .into_iter()
            .find(|feature| feature.as_str() == text)
            .ok_or_else(|| {
                let known: Vec<&str> = Feature::ALL.iter().map(|f| f.as_str()).collect();
                format!("unknown feature {text:?}: use any of {}", known.join(", "))
            })
    }
}

/// The permissions the features' examples need, in manifest order.
pub(super) fn permissions(features: &BTreeSet<Feature>) -> Vec<&'static str> {
    let mut permissions: Vec<&'static str> =
        features.iter().filter_map(|f| f.permission()).collect();
    permissions.sort_unstable();
    permissions
}
