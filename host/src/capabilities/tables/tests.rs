//! The tables capability without wasm, on a real SQLite database: each
//! tenant has its own rows, statements outside the module's tables are
//! refused before the database sees them, and every call takes one op.

use std::sync::Arc;

use crate::bindings::WitErrorCode;
use crate::bindings::modgate::host::tables::{Host, Statement, Value};
use crate::capabilities::{BuiltinServices, builtin};
use crate::engine::CapabilityRegistry;
use crate::storage::Storage;
use crate::storage::module_sql::{ModuleTables, SqlLimits};
use crate::storage::module_tables::{TablePlan, apply_plan};
use crate::tenant::TenantId;
use crate::testing::capability::{NotLinked, TestInvocation};

use super::Tables;

const MANIFEST: &str = r#"
name = "probe"
version = "1.0.0"
compatible-core = "^1.0"
permissions = ["write:own-tables"]

[[tables]]
name = "mod_probe_notes"
columns = [{ name = "text", type = "text" }]
indexes = [{ columns = ["text"], unique = true }]
"#;

/// A database with the module's table created for `acme` and `globex`.
async fn database() -> (tempfile::TempDir, CapabilityRegistry) {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::open_data_dir(dir.path()).await.unwrap();
    let manifest = modgate_manifest::verify_manifest(MANIFEST, &crate::CORE_VERSION).unwrap().manifest;
    let plan = TablePlan::between(&[], &manifest.tables);
    for tenant in ["acme", "globex"] {
        let tenant = TenantId::new(tenant).unwrap();
        apply_plan(storage.connection(), storage.backend(), &tenant, &plan).await.unwrap();
    }
    let tables = Arc::new(ModuleTables::new(storage, SqlLimits::default()));
    let registry = builtin(BuiltinServices {
        tables: Some(tables),
        ..BuiltinServices::default()
    });
    (dir, registry)
}

#[tokio::test]
async fn each_tenant_reads_only_its_own_rows() {
    let (_dir, registry) = database().await;
    let mut acme = TestInvocation::builder(&registry, MANIFEST).tenant("acme").build();
    let inserted = acme
        .view::<Tables>()
        .unwrap()
        .exec("INSERT INTO mod_probe_notes (text) VALUES (?)".into(), vec![Value::Text("acme's".into())])
        .await
        .unwrap();
    assert_eq!(inserted, 1);
    let select = "SELECT text FROM mod_probe_notes".to_owned();
    let rows = acme.view::<Tables>().unwrap().query(select.clone(), vec![]).await.unwrap();
    assert_eq!(rows.rows.len(), 1);
    let mut globex = TestInvocation::builder(&registry, MANIFEST).tenant("globex").build();
    let rows = globex.view::<Tables>().unwrap().query(select, vec![]).await.unwrap();
    assert!(rows.rows.is_empty(), "globex sees none of acme's rows");
}

#[tokio::test]
async fn a_statement_on_a_core_table_is_forbidden_and_still_costs_its_op() {
    let (_dir, registry) = database().await;
    let mut call = TestInvocation::builder(&registry, MANIFEST).ops(1).build();
    let mut view = call.view::<Tables>().unwrap();
    let error = view.query("SELECT * FROM modgate_installs".into(), vec![]).await.unwrap_err();
    assert_eq!(error.code, WitErrorCode::Forbidden);
    let error = view.query("SELECT text FROM mod_probe_notes".into(), vec![]).await.unwrap_err();
    assert_eq!(error.code, WitErrorCode::BudgetExhausted);
    assert_eq!(call.ops_used(), 1);
}

#[test]
fn without_write_own_tables_it_is_not_linked() {
    let registry = builtin(BuiltinServices::default());
    let mut call = TestInvocation::builder(&registry, MANIFEST).grants(&[]).build();
    assert_eq!(call.view::<Tables>().err(), Some(NotLinked("tables")));
}

#[tokio::test]
async fn without_the_service_it_answers_not_available() {
    let registry = builtin(BuiltinServices::default());
    let mut call = TestInvocation::builder(&registry, MANIFEST).build();
    let error = call.view::<Tables>().unwrap().query("SELECT text FROM mod_probe_notes".into(), vec![]).await.unwrap_err();
    assert_eq!(error.code, WitErrorCode::NotAvailable);
}

fn insert(text: &str) -> Statement {
    Statement {
        sql: "INSERT INTO mod_probe_notes (text) VALUES (?)".into(),
        params: vec![Value::Text(text.into())],
    }
}

async fn count_notes(registry: &CapabilityRegistry) -> usize {
    let mut call = TestInvocation::builder(registry, MANIFEST).build();
    let rows = call.view::<Tables>().unwrap().query("SELECT text FROM mod_probe_notes".into(), vec![]).await.unwrap();
    rows.rows.len()
}

#[tokio::test]
async fn a_batch_applies_every_statement_for_one_op_each() {
    let (_dir, registry) = database().await;
    let mut call = TestInvocation::builder(&registry, MANIFEST).ops(3).build();
    let affected = call.view::<Tables>().unwrap().exec_batch(vec![insert("a"), insert("b")]).await.unwrap();
    assert_eq!(affected, [1, 1]);
    assert_eq!(call.ops_used(), 2);
    assert_eq!(count_notes(&registry).await, 2);
}

#[tokio::test]
async fn a_batch_that_fails_part_way_changes_nothing_and_names_the_statement() {
    let (_dir, registry) = database().await;
    let mut call = TestInvocation::builder(&registry, MANIFEST).build();
    let mut view = call.view::<Tables>().unwrap();
    // The second insert breaks the unique index once the first has run.
    let error = view.exec_batch(vec![insert("same"), insert("same")]).await.unwrap_err();
    assert_eq!(error.code, WitErrorCode::Invalid, "{}", error.message);
    assert!(error.message.contains("statement 2"), "{}", error.message);
    // A refused statement stops the batch before anything runs.
    let core_table = Statement { sql: "DELETE FROM modgate_installs".into(), params: vec![] };
    let error = view.exec_batch(vec![insert("kept?"), core_table]).await.unwrap_err();
    assert_eq!(error.code, WitErrorCode::Forbidden);
    assert!(error.message.contains("statement 2"), "{}", error.message);
    assert_eq!(count_notes(&registry).await, 0, "all or nothing");
}

#[tokio::test]
async fn a_batch_is_bounded() {
    let (_dir, registry) = database().await;
    let mut call = TestInvocation::builder(&registry, MANIFEST).build();
    let statements = (0..17).map(|i| insert(&i.to_string())).collect();
    let error = call.view::<Tables>().unwrap().exec_batch(statements).await.unwrap_err();
    assert_eq!(error.code, WitErrorCode::Invalid);
    assert!(error.message.contains("limit of 16"), "{}", error.message);
    assert_eq!(call.ops_used(), 1);
    let mut call = TestInvocation::builder(&registry, MANIFEST).ops(1).build();
    let error = call.view::<Tables>().unwrap().exec_batch(vec![insert("x"), insert("y")]).await.unwrap_err();
    assert_eq!(error.code, WitErrorCode::BudgetExhausted, "each statement is one op");
    assert_eq!(count_notes(&registry).await, 0);
}
