//! The SQL guard's property, checked on what it accepted: the rewritten
//! statement, parsed again independently, names no relation but the
//! probe module's own tables for the tenant (or a CTE the statement
//! defines), and calls no function of the databases' catalogs, files or
//! settings. A refusal is always fine; an acceptance must pass this.

use std::collections::BTreeSet;
use std::ops::ControlFlow;

use modgate_host::fuzzing::sql_dialect;
use modgate_host::storage::Backend;
use modgate_host::storage::sql_guard::{PhysicalTable, ScopedTable, TableScope};
use sqlparser::ast::{Expr, ObjectName, Query, Statement, TableFactor, Visit, Visitor};
use sqlparser::parser::Parser;

/// The probe module's tables (as in the host's hostile SQL corpus), for
/// tenant `acme` on `backend`.
pub fn probe_scope(backend: Backend) -> TableScope {
    let table = |logical: &str, columns: &[&str]| {
        let physical = match backend {
            Backend::Sqlite => PhysicalTable { schema: None, table: format!("acme__{logical}") },
            Backend::Postgres => PhysicalTable { schema: Some("mg_t_acme".to_owned()), table: logical.to_owned() },
        };
        let columns = columns.iter().map(|c| (*c).to_owned()).collect();
        (logical.to_owned(), ScopedTable { physical, columns })
    };
    TableScope::new([
        table("mod_probe_items", &["name", "qty", "note"]),
        table("mod_probe_tags", &["label"]),
    ])
}

/// Function names no accepted statement may call, whatever the guard's
/// allowlist says: files, extensions, catalogs, settings, sleeping,
/// large objects, other databases.
const FORBIDDEN_FUNCTION_PREFIXES: &[&str] = &["pg_", "sqlite_", "lo_", "dblink", "current_setting", "set_config"];
const FORBIDDEN_FUNCTIONS: &[&str] = &[
    "load_extension",
    "readfile",
    "writefile",
    "edit",
    "fts3_tokenizer",
    "current_database",
    "current_schema",
    "current_user",
    "session_user",
    "version",
    "txid_current",
    "query_to_xml",
    "table_to_xml",
    "database_to_xml",
];

/// Panics (the fuzzer's crash) when the accepted, rewritten `sql` breaks
/// the property for `scope` on `backend`.
pub fn assert_only_declared_tables(sql: &str, backend: Backend, scope: &TableScope) {
    let statements = Parser::parse_sql(&sql_dialect(backend), sql)
        .unwrap_or_else(|e| panic!("the guard accepted SQL that does not parse again ({e}): {sql}"));
    assert_eq!(statements.len(), 1, "the guard accepted {} statements: {sql}", statements.len());
    let declared: BTreeSet<Vec<String>> = scope
        .logical_names()
        .filter_map(|logical| scope.physical(logical))
        .map(|physical| physical.schema.iter().cloned().chain([physical.table.clone()]).collect())
        .collect();
    let mut walk = Walk::default();
    let _ = statements.visit(&mut walk);
    for statement in &statements {
        assert!(
            matches!(statement, Statement::Query(_) | Statement::Insert(_) | Statement::Update(_) | Statement::Delete(_)),
            "the guard accepted a statement that is not DML: {sql}"
        );
    }
    for relation in &walk.relations {
        let parts: Vec<String> = relation.0.iter().map(|part| part.to_string().trim_matches('"').to_owned()).collect();
        let is_cte = parts.len() == 1 && walk.ctes.contains(&parts[0]);
        assert!(
            declared.contains(&parts) || is_cte,
            "the guard accepted a statement naming {relation} (declared: {declared:?}, CTEs: {:?}): {sql}",
            walk.ctes
        );
    }
    for function in &walk.functions {
        let name = function.to_ascii_lowercase();
        let forbidden = FORBIDDEN_FUNCTIONS.contains(&name.as_str())
            || FORBIDDEN_FUNCTION_PREFIXES.iter().any(|prefix| name.starts_with(prefix));
        assert!(!forbidden, "the guard accepted a call of {function}: {sql}");
    }
}

/// Every relation, CTE name and function of a statement.
#[derive(Default)]
struct Walk {
    relations: Vec<ObjectName>,
    ctes: BTreeSet<String>,
    functions: Vec<String>,
}

impl Visitor for Walk {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        if let Some(with) = &query.with {
            self.ctes.extend(with.cte_tables.iter().map(|cte| cte.alias.name.value.clone()));
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_relation(&mut self, relation: &ObjectName) -> ControlFlow<()> {
        self.relations.push(relation.clone());
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        if let TableFactor::Function { name, .. } | TableFactor::TableFunction { expr: Expr::Function(sqlparser::ast::Function { name, .. }), .. } = factor {
            self.functions.push(name.to_string());
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if let Expr::Function(function) = expr {
            self.functions.push(function.name.to_string().trim_matches('"').to_owned());
        }
        ControlFlow::Continue(())
    }
}
