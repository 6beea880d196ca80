//! PostgreSQL roles: each (module, tenant) pair runs its SQL as a role that
//! holds privileges on exactly that tenant's copies of the module's tables.
//!
//! The guard already confines statements to those tables; the role is the
//! second wall, enforced by PostgreSQL itself, should a statement ever slip
//! through the guard.

use modgate_manifest::TableDecl;
use sea_orm::{ConnectionTrait, DbErr};
use sha2::{Digest, Sha256};

use super::physical::{physical_table, qualified, quote, tenant_schema};
use crate::tenant::TenantId;
use crate::storage::Backend;

/// The role of `module` for `tenant` in database `database` (roles are
/// server-wide, so the database takes part in the name).
pub fn module_role(database: &str, module: &str, tenant: &TenantId) -> String {
    let digest = Sha256::digest(format!("{database}\0{module}\0{tenant}").as_bytes());
    format!("mg_r_{}", &hex::encode(digest)[..24])
}

/// Creates the role if needed and grants it DML on `tenant`'s copies of
/// `tables` (and nothing else), inside the caller's transaction.
pub async fn ensure_role(
    conn: &impl ConnectionTrait,
    role: &str,
    tenant: &TenantId,
    tables: &[TableDecl],
) -> Result<(), DbErr> {
    let quoted = quote(role);
    conn.execute_unprepared(&format!(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN \
         CREATE ROLE {quoted} NOLOGIN NOINHERIT; END IF; END $$"
    ))
    .await?;
    // The host's own user must be allowed to SET ROLE to it (a superuser
    // always is; a CREATEROLE user needs the membership).
    conn.execute_unprepared(&format!(
        "DO $$ BEGIN IF NOT pg_has_role(current_user, '{role}', 'MEMBER') THEN \
         EXECUTE 'GRANT {quoted} TO ' || quote_ident(current_user); END IF; END $$"
    ))
    .await?;
    conn.execute_unprepared(&format!(
        "GRANT USAGE ON SCHEMA {} TO {quoted}",
        quote(&tenant_schema(tenant))
    ))
    .await?;
    for table in tables {
        let at = physical_table(Backend::Postgres, tenant, &table.name);
        conn.execute_unprepared(&format!(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON {} TO {quoted}",
            qualified(&at)
        ))
        .await?;
    }
    Ok(())
}

/// Revokes everything the role holds in this database and drops it.
pub async fn drop_role(conn: &impl ConnectionTrait, role: &str) -> Result<(), DbErr> {
    let quoted = quote(role);
    conn.execute_unprepared(&format!(
        "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN \
         EXECUTE 'DROP OWNED BY {quoted}'; EXECUTE 'DROP ROLE {quoted}'; END IF; END $$"
    ))
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_differ_per_database_module_and_tenant() {
        let acme = TenantId::new("acme").unwrap();
        let globex = TenantId::new("globex").unwrap();
        let r = module_role("db1", "wishlist", &acme);
        assert!(r.len() <= 63 && r.starts_with("mg_r_"));
        assert_ne!(r, module_role("db2", "wishlist", &acme));
        assert_ne!(r, module_role("db1", "reviews", &acme));
        assert_ne!(r, module_role("db1", "wishlist", &globex));
    }
}
