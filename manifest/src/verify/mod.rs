//! The verifier: walks the parsed `toml::Table` by hand so that every problem in every section
//! is reported in one run. One file per section; this one only orders them.

mod columns;
mod core;
mod dependencies;
mod document;
mod hooks;
mod indexes;
mod keys;
mod metadata;
mod name;
mod path;
mod permissions;
mod report;
mod requirements;
mod route_path;
mod routes;
mod settings;
mod slots;
pub(crate) mod subscriptions;
mod suggest;
mod tables;
mod value;

use semver::Version;
use toml::Table;

use crate::error::{ManifestError, ManifestErrorCode, ManifestErrors};
use crate::model::{Manifest, Verified};
use report::Report;

pub(crate) use document::{FILE_PATH, decode, too_large};
pub use metadata::MAX_DESCRIPTION_CHARS;
pub(crate) use path::{key_path, quoted};

/// Verifies manifest text: size and syntax first (fatal), then every section.
pub(crate) fn verify_text(text: &str, host_core: &Version) -> Result<Verified, ManifestErrors> {
    let root = document::parse(text)?;
    verify_table(&root, host_core)
}

/// Verifies a parsed manifest. Sections are checked in a fixed order (unknown keys first,
/// then the order of the README), so reports are stable.
fn verify_table(root: &Table, host_core: &Version) -> Result<Verified, ManifestErrors> {
    let mut report = Report::default();
    keys::check_keys(&mut report, root, keys::TOP_LEVEL_KEYS, "");
    let name = name::check(&mut report, root);
    let version = core::check_version(&mut report, root);
    let compatible_core = core::check_core_range(&mut report, root, host_core);
    let description = metadata::check_description(&mut report, root);
    let component = metadata::check_component(&mut report, root, name.as_ref());
    let listed = permissions::check(&mut report, root);
    let dependencies = dependencies::check(&mut report, root, name.as_ref(), &listed);
    let tables = tables::check(&mut report, root, name.as_ref());
    let slots = slots::check(&mut report, root);
    let routes = routes::check(&mut report, root);
    let hooks = hooks::check(&mut report, root);
    let subscriptions = subscriptions::check(&mut report, root);
    let settings_schema = settings::check(&mut report, root);
    requirements::check(&mut report, root, &listed);

    if !report.errors.is_empty() {
        return Err(report.into_errors());
    }
    let (Some(name), Some(version), Some(compatible_core)) = (name, version, compatible_core)
    else {
        // Unreachable: a missing required value always records an error. Kept as a refusal
        // rather than a panic.
        return Err(ManifestError::new(
            FILE_PATH,
            ManifestErrorCode::MissingKey,
            "name, version or compatible-core could not be read",
            "add name, version and compatible-core",
        )
        .into());
    };
    Ok(Verified {
        manifest: Manifest {
            name,
            version,
            compatible_core,
            description,
            component,
            permissions: listed
                .into_iter()
                .map(|(_, permission)| permission)
                .collect(),
            dependencies,
            tables,
            slots,
            routes,
            hooks,
            subscriptions,
            settings_schema,
        },
        warnings: report.warnings,
    })
}
