//! `description` (shown to operators) and `component` (where the `.wasm` file is; dependencies'
//! components follow the same rules).

use std::path::PathBuf;

use toml::Table;

use super::path::quoted;
use super::report::Report;
use super::value::as_str;
use crate::error::ManifestErrorCode;
use crate::model::ModuleName;

/// Longest `description`, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 500;

/// Checks the optional `description`.
pub(crate) fn check_description(report: &mut Report, root: &Table) -> Option<String> {
    let value = root.get("description")?;
    let text = as_str(
        report,
        value,
        "description",
        "description = \"What the module does.\"",
    )?;
    let length = text.chars().count();
    if length > MAX_DESCRIPTION_CHARS {
        report.error(
            "description",
            ManifestErrorCode::InvalidDescription,
            format!(
                "the description is {length} characters long, more than the limit of {MAX_DESCRIPTION_CHARS}"
            ),
            format!(
                "shorten it to at most {MAX_DESCRIPTION_CHARS} characters and keep longer documentation in the module's README"
            ),
        );
        return None;
    }
    Some(text.to_owned())
}

/// Checks the optional `component`: a relative path to a `.wasm` file inside the manifest's
/// folder. `name` (when valid) shapes the suggested file name.
pub(crate) fn check_component(
    report: &mut Report,
    root: &Table,
    name: Option<&ModuleName>,
) -> Option<PathBuf> {
    let value = root.get("component")?;
    let file = name.map_or("module", ModuleName::as_str);
    let example = format!("component = \"{file}.wasm\"");
    let text = as_str(report, value, "component", &example)?;
    component_path(report, text, "component", &example)
}

/// `text` as a component path when it is a safe relative `.wasm` path; otherwise reports an
/// `invalid-component` error at `path` whose fix shows `example`. Shared by the module's
/// `component` and each dependency's.
pub(crate) fn component_path(
    report: &mut Report,
    text: &str,
    path: &str,
    example: &str,
) -> Option<PathBuf> {
    let Some(problem) = component_problem(text) else {
        return Some(PathBuf::from(text));
    };
    report.error(
        path,
        ManifestErrorCode::InvalidComponent,
        format!("component path {} {problem}", quoted(text)),
        format!("write a path relative to the manifest's folder, e.g. {example}"),
    );
    None
}

/// Why `text` is not a safe relative `.wasm` path, or `None` when it is one.
fn component_problem(text: &str) -> Option<&'static str> {
    let segments: Vec<&str> = text.split(['/', '\\']).collect();
    if text.is_empty() {
        Some("is empty")
    } else if text.chars().any(char::is_control) {
        Some("contains a control character")
    } else if text.starts_with(['/', '\\']) || text.get(1..2) == Some(":") {
        Some("is absolute")
    } else if segments.contains(&"..") {
        Some("leaves the manifest's folder through \"..\"")
    } else if !text.ends_with(".wasm") || text.ends_with("/.wasm") || text == ".wasm" {
        Some("does not name a .wasm file")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn component(text: &str) -> (Option<PathBuf>, Vec<ManifestErrorCode>) {
        let mut root = Table::new();
        root.insert("component".into(), toml::Value::String(text.into()));
        let mut report = Report::default();
        let path = check_component(&mut report, &root, None);
        (path, report.errors.iter().map(|error| error.code).collect())
    }

    #[test]
    fn relative_wasm_paths_pass() {
        for good in ["gift-wrap.wasm", "build/gift_wrap.wasm", "./x.wasm"] {
            assert_eq!(
                component(good),
                (Some(PathBuf::from(good)), vec![]),
                "{good}"
            );
        }
    }

    #[test]
    fn unsafe_or_non_wasm_paths_are_refused() {
        for bad in [
            "",
            "/abs/x.wasm",
            "C:\\x.wasm",
            "../x.wasm",
            "a/../../x.wasm",
            "x.wat",
            "dir/.wasm",
            "a\u{0}.wasm",
        ] {
            assert_eq!(
                component(bad),
                (None, vec![ManifestErrorCode::InvalidComponent]),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn long_description_is_refused() {
        let mut root = Table::new();
        root.insert("description".into(), toml::Value::String("x".repeat(501)));
        let mut report = Report::default();
        assert_eq!(check_description(&mut report, &root), None);
        assert_eq!(report.errors[0].code, ManifestErrorCode::InvalidDescription);
    }
}
