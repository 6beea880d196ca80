//! Which requests a module answers: routes its manifest declares AND the
//! operator approved for the installed version. Everything else is the
//! same 404 as a route that does not exist.

use std::collections::BTreeSet;

use modgate_manifest::{HttpMethod, RouteDecl};

use crate::lifecycle::route_subject;

/// The approved routes of one installed version, ready for matching.
#[derive(Default)]
pub(crate) struct RouteTable {
    router: matchit::Router<Vec<(HttpMethod, String)>>,
    approved: usize,
}

impl RouteTable {
    /// Builds the table from the declared routes, keeping approved ones.
    /// Returns the routes that could not be added (they conflict with an
    /// earlier pattern), for the module log.
    pub fn build(routes: &[RouteDecl], approved: &BTreeSet<String>) -> (Self, Vec<String>) {
        let mut table = RouteTable::default();
        let mut by_pattern: Vec<(String, Vec<(HttpMethod, String)>)> = Vec::new();
        for route in routes.iter().filter(|r| approved.contains(&route_subject(r))) {
            let entry = (route.method, route.path.clone());
            match by_pattern.iter_mut().find(|(pattern, _)| *pattern == route.path) {
                Some((_, methods)) => methods.push(entry),
                None => by_pattern.push((route.path.clone(), vec![entry])),
            }
        }
        let mut rejected = Vec::new();
        for (pattern, methods) in by_pattern {
            let count = methods.len();
            match table.router.insert(pattern.clone(), methods) {
                Ok(()) => table.approved += count,
                Err(e) => rejected.push(format!("{pattern}: {e}")),
            }
        }
        (table, rejected)
    }

    /// The declared pattern answering `method` on `path` (relative to the
    /// mount), if that route is approved.
    pub fn find(&self, method: &http::Method, path: &str) -> Option<&str> {
        let matched = self.router.at(path).ok()?;
        matched
            .value
            .iter()
            .find(|(declared, _)| declared.as_str() == method.as_str())
            .map(|(_, pattern)| pattern.as_str())
    }

    /// How many routes answer.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.approved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(method: HttpMethod, path: &str) -> RouteDecl {
        RouteDecl {
            method,
            path: path.to_owned(),
        }
    }

    fn approved(subjects: &[&str]) -> BTreeSet<String> {
        subjects.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn only_approved_routes_match() {
        let routes = [
            route(HttpMethod::Get, "/items"),
            route(HttpMethod::Post, "/items/{id}"),
            route(HttpMethod::Delete, "/items/{id}"),
        ];
        let (table, rejected) = RouteTable::build(&routes, &approved(&["GET /items", "POST /items/{id}"]));
        assert!(rejected.is_empty());
        assert_eq!(table.len(), 2);
        assert_eq!(table.find(&http::Method::GET, "/items"), Some("/items"));
        assert_eq!(table.find(&http::Method::POST, "/items/p-1"), Some("/items/{id}"));
        assert_eq!(table.find(&http::Method::DELETE, "/items/p-1"), None, "declared, not approved");
        assert_eq!(table.find(&http::Method::PUT, "/items/p-1"), None, "not declared");
        assert_eq!(table.find(&http::Method::GET, "/other"), None);
        assert_eq!(table.find(&http::Method::GET, "/items/"), None);
    }

    #[test]
    fn nothing_matches_before_approval() {
        let routes = [route(HttpMethod::Get, "/items")];
        let (table, _) = RouteTable::build(&routes, &BTreeSet::new());
        assert_eq!(table.len(), 0);
        assert_eq!(table.find(&http::Method::GET, "/items"), None);
    }

    #[test]
    fn catch_all_routes_match_deeper_paths() {
        let routes = [route(HttpMethod::Get, "/files/{*rest}")];
        let (table, _) = RouteTable::build(&routes, &approved(&["GET /files/{*rest}"]));
        assert_eq!(table.find(&http::Method::GET, "/files/a/b.txt"), Some("/files/{*rest}"));
    }
}
