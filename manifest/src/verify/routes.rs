//! `[[routes]]`: HTTP method + path pattern, served under `/modules/<name>/`.

use toml::Table;

use super::keys::check_keys;
use super::path::{key_path, quoted};
use super::report::Report;
use super::route_path::check_path;
use super::suggest::one_of;
use super::value::{as_str, required, table_items};
use crate::error::ManifestErrorCode;
use crate::model::{HttpMethod, RouteDecl};

/// Keys of a `[[routes]]` entry.
const ROUTE_KEYS: &[&str] = &["method", "path"];

/// Checks every `[[routes]]` entry; returns the valid ones.
pub(crate) fn check(report: &mut Report, root: &Table) -> Vec<RouteDecl> {
    let entries = table_items(
        report,
        root,
        "",
        "routes",
        "declare each route under its own [[routes]] header",
        "declare each route under its own [[routes]] header with method = \"GET\" and path = \"/\"",
    );
    // (method, path with parameter names erased, entry path): routes that only differ in
    // parameter names would answer the same requests.
    let mut seen: Vec<(HttpMethod, String, String)> = Vec::new();
    let mut routes = Vec::new();
    for (path, entry) in entries {
        check_keys(report, entry, ROUTE_KEYS, &path);
        let method = check_method(report, entry, &path);
        let pattern = check_pattern(report, entry, &path);
        let (Some(method), Some(pattern)) = (method, pattern) else {
            continue;
        };
        let shape = erase_parameter_names(pattern);
        if let Some((_, _, first)) = seen.iter().find(|(m, s, _)| *m == method && *s == shape) {
            report.error(
                path,
                ManifestErrorCode::DuplicateRoute,
                format!("{method} {pattern} matches the same requests as the route at {first}"),
                "remove this route or change its method or path",
            );
            continue;
        }
        seen.push((method, shape, path));
        routes.push(RouteDecl {
            method,
            path: pattern.to_owned(),
        });
    }
    routes
}

/// Checks `method`.
fn check_method(report: &mut Report, entry: &Table, path: &str) -> Option<HttpMethod> {
    let method_path = key_path(path, "method");
    let text = required(report, entry, path, "method", "method = \"GET\"")
        .and_then(|value| as_str(report, value, &method_path, "method = \"GET\""))?;
    if let Ok(method) = text.parse::<HttpMethod>() {
        return Some(method);
    }
    let fix = match text.to_ascii_uppercase().parse::<HttpMethod>() {
        Ok(method) => format!("write method = \"{method}\" (methods are uppercase)"),
        Err(_) => format!("use one of {}", one_of(&HttpMethod::names())),
    };
    report.error(
        method_path,
        ManifestErrorCode::InvalidRoute,
        format!("{} is not a supported HTTP method", quoted(text)),
        fix,
    );
    None
}

/// Checks `path`.
fn check_pattern<'a>(report: &mut Report, entry: &'a Table, path: &str) -> Option<&'a str> {
    let pattern_path = key_path(path, "path");
    let text = required(report, entry, path, "path", "path = \"/\"")
        .and_then(|value| as_str(report, value, &pattern_path, "path = \"/items\""))?;
    match check_path(text) {
        Ok(()) => Some(text),
        Err(problem) => {
            report.error(
                pattern_path,
                ManifestErrorCode::InvalidRoute,
                format!("route path {} {}", quoted(text), problem.message),
                problem.fix,
            );
            None
        }
    }
}

/// `/items/{id}` → `/items/{}`, `/f/{*rest}` → `/f/{*}`.
fn erase_parameter_names(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|segment| match segment.strip_prefix('{') {
            Some(inner) if inner.starts_with('*') => "{*}",
            Some(_) => "{}",
            None => segment,
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Vec<RouteDecl>, Vec<String>) {
        let root: Table = text.parse().unwrap();
        let mut report = Report::default();
        let routes = check(&mut report, &root);
        (
            routes,
            report.errors.iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn valid_routes_pass() {
        let (routes, errors) = run(
            "[[routes]]\nmethod = \"GET\"\npath = \"/items/{id}\"\n[[routes]]\nmethod = \"DELETE\"\npath = \"/items/{id}\"",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(routes.len(), 2);
        assert_eq!(routes[1].method, HttpMethod::Delete);
    }

    #[test]
    fn lowercase_method_gets_the_uppercase_fix() {
        let (_, errors) = run("[[routes]]\nmethod = \"get\"\npath = \"/\"");
        assert_eq!(
            errors,
            [
                "routes[0].method: \"get\" is not a supported HTTP method (fix: write method = \"GET\" (methods are uppercase))"
            ]
        );
    }

    #[test]
    fn unsupported_method_lists_the_methods() {
        let (_, errors) = run("[[routes]]\nmethod = \"TRACE\"\npath = \"/\"");
        assert!(
            errors[0]
                .ends_with("(fix: use one of \"GET\", \"POST\", \"PUT\", \"PATCH\" or \"DELETE\")")
        );
    }

    #[test]
    fn routes_differing_only_in_parameter_names_are_duplicates() {
        let (routes, errors) = run(
            "[[routes]]\nmethod = \"GET\"\npath = \"/items/{id}\"\n[[routes]]\nmethod = \"GET\"\npath = \"/items/{item}\"",
        );
        assert_eq!(routes.len(), 1);
        assert_eq!(
            errors,
            [
                "routes[1]: GET /items/{item} matches the same requests as the route at routes[0] (fix: remove this route or change its method or path)"
            ]
        );
    }

    #[test]
    fn route_without_path_is_missing_a_key() {
        let (_, errors) = run("[[routes]]\nmethod = \"GET\"");
        assert_eq!(
            errors,
            ["routes[0].path: missing required key (fix: add path = \"/\")"]
        );
    }
}
