//! Everything an install could change, to prove a failed one changed nothing.

use modgate_host::engine::TenantId;
use modgate_host::storage::entities::{approval, audit_entry, install, module, module_version, tenant};
use modgate_host::storage::module_tables::module_role;
use modgate_host::storage::{Backend, Storage};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement};

/// Core rows, schema objects and module roles, as comparable text.
pub async fn snapshot(storage: &Storage, modules: &[&str], tenants: &[TenantId]) -> Vec<String> {
    let db = storage.connection();
    let mut lines = Vec::new();
    for row in tenant::Entity::find().all(db).await.expect("tenants") {
        lines.push(format!("{row:?}"));
    }
    for row in module::Entity::find().all(db).await.expect("modules") {
        lines.push(format!("{row:?}"));
    }
    for row in module_version::Entity::find().all(db).await.expect("versions") {
        lines.push(format!("version {} {} {} {}", row.id, row.module, row.version, row.component_hash));
    }
    for row in install::Entity::find().all(db).await.expect("installs") {
        lines.push(format!("{row:?}"));
    }
    for row in approval::Entity::find().all(db).await.expect("approvals") {
        lines.push(format!("{row:?}"));
    }
    for row in audit_entry::Entity::find().all(db).await.expect("audit") {
        lines.push(format!("{row:?}"));
    }
    let objects = match storage.backend() {
        Backend::Sqlite => Statement::from_string(
            DbBackend::Sqlite,
            "SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY 1",
        ),
        Backend::Postgres => Statement::from_string(
            DbBackend::Postgres,
            "SELECT 'table ' || schemaname || '.' || tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') \
             UNION ALL SELECT 'index ' || schemaname || '.' || indexname FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog', 'information_schema') \
             UNION ALL SELECT 'schema ' || nspname FROM pg_namespace WHERE nspname LIKE 'mg_t_%' ORDER BY 1",
        ),
    };
    for row in db.query_all_raw(objects).await.expect("schema objects") {
        lines.push(row.try_get_by_index::<String>(0).expect("text"));
    }
    if storage.backend() == Backend::Postgres {
        for module in modules {
            for tenant in tenants {
                let role = module_role(storage.database_name(), module, tenant);
                let found = db
                    .query_one_raw(Statement::from_sql_and_values(
                        DbBackend::Postgres,
                        "SELECT count(*) FROM pg_roles WHERE rolname = $1",
                        [role.clone().into()],
                    ))
                    .await
                    .expect("roles")
                    .and_then(|r| r.try_get_by_index::<i64>(0).ok());
                lines.push(format!("role {module}/{tenant}: {found:?}"));
            }
        }
    }
    lines
}
