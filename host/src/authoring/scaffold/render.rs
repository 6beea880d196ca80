//! Rendering the templates of one language into the files of a module.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use minijinja::{Environment, UndefinedBehavior, context};
use modgate_manifest::ModuleName;

use super::{Feature, ModuleLanguage, ScaffoldError};

/// Everything the templates see.
pub(super) struct Inputs<'a> {
    pub name: &'a ModuleName,
    pub language: ModuleLanguage,
    pub features: &'a BTreeSet<Feature>,
    pub permissions: &'a [&'static str],
    pub templates: &'a Path,
    pub sdk: &'a Path,
    pub modgate: &'a Path,
}

/// The files of the module (path relative to its folder, text); a template
/// that renders to nothing but whitespace makes no file.
pub(super) fn render(inputs: &Inputs<'_>) -> Result<Vec<(PathBuf, String)>, ScaffoldError> {
    let mut sources = Vec::new();
    for folder in ["common", inputs.language.template_folder()] {
        let root = inputs.templates.join(folder);
        if !root.is_dir() {
            return Err(ScaffoldError::TemplatesMissing { path: root });
        }
        collect(&root, &root, &mut sources)?;
    }
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    // A misspelt variable is a template bug, never an empty string.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let has = |feature: Feature| inputs.features.contains(&feature);
    let quoted = |items: &mut dyn Iterator<Item = &str>| {
        items
            .map(|item| format!("\"{item}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let name = inputs.name.as_str();
    let values = context! {
        name => name,
        snake => name.replace('-', "_"),
        type_name => type_name(name),
        lang => inputs.language.as_str(),
        serve => has(Feature::Serve),
        slots => has(Feature::Slots),
        events => has(Feature::Events),
        hooks => has(Feature::Hooks),
        tables => has(Feature::Tables),
        features => inputs.features.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(","),
        permissions => quoted(&mut inputs.permissions.iter().copied()),
        sdk_path => toml_path(inputs.sdk),
        sdk_features => quoted(&mut inputs.features.iter().filter_map(|f| f.sdk_feature())),
        modgate => inputs.modgate.display().to_string(),
    };
    let mut files = Vec::new();
    for (template, relative, text) in sources {
        let failed = |e: minijinja::Error| ScaffoldError::Template {
            template: template.clone(),
            message: format!("{e:#}"),
        };
        let rendered = env.render_str(&text, &values).map_err(failed)?;
        if !rendered.trim().is_empty() {
            files.push((relative, rendered));
        }
    }
    // A language's own file wins over a common one of the same path.
    files.reverse();
    let mut seen = BTreeSet::new();
    files.retain(|(path, _)| seen.insert(path.clone()));
    files.reverse();
    Ok(files)
}

/// Every file under `dir`: (its name for errors, its path relative to
/// `root`, its text).
fn collect(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(String, PathBuf, String)>,
) -> Result<(), ScaffoldError> {
    let io = |path: &Path| {
        let context = format!("reading {}", path.display());
        move |source| ScaffoldError::Io { context, source }
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(root, &path, out)?;
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(io(&path))?;
        let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        let template = path
            .strip_prefix(root.parent().unwrap_or(root))
            .unwrap_or(&path)
            .display()
            .to_string();
        out.push((template, relative, text));
    }
    Ok(())
}

/// `gift-wrap` → `GiftWrap`: the Rust type and JavaScript class names.
fn type_name(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A path as a TOML basic string's contents.
fn toml_path(path: &Path) -> String {
    path.display()
        .to_string()
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::type_name;

    #[test]
    fn type_names_are_upper_camel_case() {
        assert_eq!(type_name("gift-wrap"), "GiftWrap");
        assert_eq!(type_name("a1-b"), "A1B");
    }
}
