//! HTTP routes a module serves under its mount `/modules/<name>/`.

use serde::Serialize;

use crate::catalog::closed_enum;

/// Longest route path pattern.
pub const MAX_ROUTE_PATH_CHARS: usize = 256;

/// A `[[routes]]` entry. Routes start unapproved; the operator approves each one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RouteDecl {
    /// HTTP method.
    pub method: HttpMethod,
    /// Path pattern relative to the module's mount, e.g. `/items/{id}` or `/files/{*rest}`.
    pub path: String,
}

closed_enum! {
    /// HTTP methods a route may answer.
    pub enum HttpMethod ("HTTP method") {
        /// GET
        Get => "GET",
        /// POST
        Post => "POST",
        /// PUT
        Put => "PUT",
        /// PATCH
        Patch => "PATCH",
        /// DELETE
        Delete => "DELETE",
    }
}
