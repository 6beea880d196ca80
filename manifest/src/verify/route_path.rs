//! Route path patterns: `/`, `/items`, `/items/{id}`, `/files/{*rest}`, relative to the module's
//! mount. Literal segments are unreserved URL characters only, so a pattern can never reach
//! outside the mount or smuggle a query.

use crate::model::MAX_ROUTE_PATH_CHARS;

/// What is wrong with a path pattern and what to write instead.
pub(crate) struct PathProblem {
    pub(crate) message: String,
    pub(crate) fix: String,
}

/// Checks a route path pattern; `Ok` when it is valid.
pub(crate) fn check_path(path: &str) -> Result<(), PathProblem> {
    let problem = |message: String, fix: String| Err(PathProblem { message, fix });
    let cleaned = suggest_path(path);
    let write_cleaned = format!("write path = \"{cleaned}\"");
    let length = path.chars().count();
    if length > MAX_ROUTE_PATH_CHARS {
        return problem(
            format!("is {length} characters long, more than the limit of {MAX_ROUTE_PATH_CHARS}"),
            "shorten the path".to_owned(),
        );
    }
    if !path.starts_with('/') {
        return problem("must start with '/'".to_owned(), write_cleaned);
    }
    if path.contains(['?', '#']) {
        return problem(
            "must not contain a query ('?') or fragment ('#')".to_owned(),
            format!("{write_cleaned} and read query parameters from the request"),
        );
    }
    if path == "/" {
        return Ok(());
    }
    let segments: Vec<&str> = path[1..].split('/').collect();
    let mut params: Vec<&str> = Vec::new();
    for (position, segment) in segments.iter().enumerate() {
        let last = position + 1 == segments.len();
        if segment.is_empty() {
            let message = if last {
                "must not end with '/'"
            } else {
                "must not contain an empty segment (\"//\")"
            };
            return problem(message.to_owned(), write_cleaned);
        }
        if *segment == "." || *segment == ".." {
            return problem(
                format!("must not contain a \"{segment}\" segment"),
                write_cleaned,
            );
        }
        if let Some(inner) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            let (name, catch_all) = match inner.strip_prefix('*') {
                Some(name) => (name, true),
                None => (inner, false),
            };
            if !is_param_name(name) {
                return problem(
                    format!(
                        "has the parameter \"{segment}\"; parameter names must match [a-z_][a-z0-9_]*"
                    ),
                    format!("write the parameter as {{{}}}", suggest_param(name)),
                );
            }
            if catch_all && !last {
                return problem(
                    format!("has the catch-all \"{segment}\" before the last segment"),
                    format!("move \"{segment}\" to the end of the path"),
                );
            }
            if params.contains(&name) {
                return problem(
                    format!("uses the parameter name \"{name}\" twice"),
                    "give each parameter its own name".to_owned(),
                );
            }
            params.push(name);
            continue;
        }
        if let Some(bad) = segment.chars().find(|&c| !is_literal_char(c)) {
            let fix = if matches!(bad, '{' | '}') {
                "make a parameter a whole segment, e.g. /items/{id}".to_owned()
            } else {
                write_cleaned
            };
            return problem(
                format!(
                    "contains {bad:?}; literal segments may only use letters, digits and . _ ~ -"
                ),
                fix,
            );
        }
    }
    Ok(())
}

/// Unreserved URL characters (RFC 3986).
fn is_literal_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '~' | '-')
}

/// `[a-z_][a-z0-9_]*`
fn is_param_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The closest parameter name (`Item-Id` → `item_id`).
fn suggest_param(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '_'
            }
        })
        .skip_while(char::is_ascii_digit)
        .take(MAX_ROUTE_PATH_CHARS)
        .collect();
    if cleaned.is_empty() {
        "id".to_owned()
    } else {
        cleaned
    }
}

/// The closest valid-looking path: query and fragment cut, characters outside the literal set
/// dropped, empty and dot segments dropped, leading '/' added.
fn suggest_path(path: &str) -> String {
    let before_query = path.split(['?', '#']).next().unwrap_or_default();
    let segments: Vec<String> = before_query
        .split('/')
        .map(|segment| {
            segment
                .chars()
                .filter(|&c| matches!(c, '{' | '}' | '*') || is_literal_char(c))
                .collect::<String>()
        })
        .filter(|segment| !segment.is_empty() && segment != "." && segment != "..")
        .collect();
    format!("/{}", segments.join("/"))
        .chars()
        .take(MAX_ROUTE_PATH_CHARS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(path: &str) -> Option<(String, String)> {
        check_path(path).err().map(|p| (p.message, p.fix))
    }

    #[test]
    fn valid_patterns_pass() {
        for good in [
            "/",
            "/items",
            "/items/{id}",
            "/a.b/c~d/e-f_g",
            "/files/{*rest}",
            "/{_x}/{y1}",
        ] {
            assert!(problem(good).is_none(), "{good}");
        }
    }

    #[test]
    fn malformed_patterns_are_refused_with_a_cleaned_suggestion() {
        let cases = [
            ("items", "write path = \"/items\""),
            ("/items/", "write path = \"/items\""),
            ("/a//b", "write path = \"/a/b\""),
            ("/a/../b", "write path = \"/a/b\""),
            ("/a/./b", "write path = \"/a/b\""),
            (
                "/search?q=1",
                "write path = \"/search\" and read query parameters from the request",
            ),
            ("/a b", "write path = \"/ab\""),
            ("/prices/€", "write path = \"/prices\""),
            ("/{Id}", "write the parameter as {id}"),
            ("/{*rest}/x", "move \"{*rest}\" to the end of the path"),
            ("/{id}/{id}", "give each parameter its own name"),
            (
                "/item{id}",
                "make a parameter a whole segment, e.g. /items/{id}",
            ),
            ("", "write path = \"/\""),
        ];
        for (path, fix) in cases {
            assert_eq!(
                problem(path).map(|(_, f)| f).as_deref(),
                Some(fix),
                "{path}"
            );
        }
    }

    #[test]
    fn overlong_path_is_refused() {
        let long = format!("/{}", "a".repeat(256));
        assert!(
            problem(&long)
                .unwrap()
                .0
                .contains("more than the limit of 256")
        );
    }
}
