//! Conformance for world `modgate:host/write-own-tables`: typed round trips
//! of every value type through the module's own table, RETURNING, UPDATE and
//! DELETE with automatic columns, aggregates, the three placeholder styles,
//! and the refusals (`forbidden` beyond its tables, `invalid` for malformed
//! statements, mixed placeholder styles and undeclared columns). Each tenant writes
//! rows owned by itself and must never see another tenant's.
//!
//! Settings: `tenant=<id>` (the install's `{}` does nothing).
//! Table: `mod_conformance_notes` (owner text not null, body text, score
//! real, stars integer, raw blob, pinned boolean), unique (owner, stars).

use conformance_kit::{check, expect_code, param};
use modgate_sdk::tables::{self, Value};
use modgate_sdk::{Error, ErrorCode, Module};

const TABLE: &str = "mod_conformance_notes";

struct WriteOwnTables;

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn count(sql: &str, params: &[Value]) -> Result<i64, Error> {
    let rows = tables::query(sql, params)?;
    match rows.rows.first().and_then(|r| r.first()) {
        Some(Value::Integer(n)) => Ok(*n),
        other => Err(Error::handler(format!("conformance check failed: count is not an integer: {other:?}"))),
    }
}

impl Module for WriteOwnTables {
    fn activate(settings: &str) -> Result<(), Error> {
        if settings.trim_start().starts_with('{') {
            return Ok(());
        }
        let tenant = param(settings, "tenant")?;
        let owner = text(tenant);

        let inserted = tables::exec(
            &format!("INSERT INTO {TABLE} (owner, body, score, stars, raw, pinned) VALUES (?1, ?2, ?3, ?4, ?5, ?6), (?1, ?7, ?3, ?8, ?5, ?6)"),
            &[owner.clone(), text("first"), Value::Real(2.5), Value::Integer(1), Value::Blob(vec![0, 159, 255]), Value::Integer(1), Value::Null, Value::Integer(2)],
        )?;
        check(inserted == 2, "a two-row INSERT affects 2 rows")?;

        let rows = tables::query(
            &format!("SELECT id, owner, body, score, stars, raw, pinned, created_at, updated_at FROM {TABLE} WHERE owner = ?1 ORDER BY stars"),
            std::slice::from_ref(&owner),
        )?;
        check(rows.columns.len() == 9 && rows.columns[0] == "id" && rows.columns[8] == "updated_at", "columns come back named, in order")?;
        check(rows.rows.len() == 2, "both rows come back")?;
        let first = &rows.rows[0];
        check(matches!(&first[0], Value::Text(id) if id.len() == 26), "id is a host-made ULID")?;
        check(matches!(&first[1], Value::Text(o) if o == tenant), "text round-trips")?;
        check(matches!(&first[3], Value::Real(r) if *r == 2.5), "real round-trips")?;
        check(matches!(&first[4], Value::Integer(1)), "integer round-trips")?;
        check(matches!(&first[5], Value::Blob(b) if b == &[0, 159, 255]), "blob round-trips")?;
        check(matches!(&first[6], Value::Integer(1)), "boolean is 0/1")?;
        check(matches!(&first[7], Value::Text(t) if t.ends_with('Z') && t.len() >= 20), "created_at is RFC 3339 UTC")?;
        check(matches!(&rows.rows[1][2], Value::Null), "NULL round-trips")?;

        let returned = tables::query(
            &format!("INSERT INTO {TABLE} (owner, stars) VALUES (?1, ?2) RETURNING id, stars"),
            &[owner.clone(), Value::Integer(3)],
        )?;
        check(returned.rows.len() == 1 && matches!(&returned.rows[0][0], Value::Text(id) if id.len() == 26), "INSERT … RETURNING gives the new id")?;

        let updated = tables::exec(
            &format!("UPDATE {TABLE} SET body = ?1 WHERE owner = ?2 AND stars = ?3"),
            &[text("edited"), owner.clone(), Value::Integer(2)],
        )?;
        check(updated == 1, "UPDATE affects the matching row")?;
        let edited = count(&format!("SELECT count(*) FROM {TABLE} WHERE body = ?1 AND updated_at >= created_at"), &[text("edited")])?;
        check(edited == 1, "UPDATE changed the row and kept updated_at >= created_at")?;

        let qualified = tables::query(&format!("SELECT {TABLE}.owner FROM {TABLE} WHERE {TABLE}.stars = ?1"), &[Value::Integer(1)])?;
        check(qualified.rows.len() == 1, "qualified column references work")?;
        let repeated = count(&format!("SELECT count(*) FROM {TABLE} WHERE owner = ?1 OR body = ?1"), std::slice::from_ref(&owner))?;
        check(repeated == 3, "a placeholder may be used twice")?;
        let dollar = count(&format!("SELECT count(*) FROM {TABLE} WHERE owner = $1 AND stars = $2"), &[owner.clone(), Value::Integer(1)])?;
        check(dollar == 1, "$N placeholders bind like ?N")?;
        let positional = count(&format!("SELECT count(*) FROM {TABLE} WHERE owner = ? AND stars = ?"), &[owner.clone(), Value::Integer(1)])?;
        check(positional == 1, "? placeholders bind in order")?;
        let sums = tables::query(&format!("SELECT count(*), sum(stars) FROM {TABLE} WHERE owner = ?1"), std::slice::from_ref(&owner))?;
        check(matches!(sums.rows[0].as_slice(), [Value::Integer(3), Value::Integer(6)]), "aggregates come back as integers")?;

        let others = count(&format!("SELECT count(*) FROM {TABLE} WHERE owner <> ?1"), std::slice::from_ref(&owner))?;
        check(others == 0, "no other tenant's rows are visible")?;

        expect_code(
            tables::exec(&format!("INSERT INTO {TABLE} (owner, stars) VALUES (?1, ?2)"), &[owner.clone(), Value::Integer(1)]),
            ErrorCode::Invalid,
            "a unique violation",
        )?;
        expect_code(tables::query("SELECT * FROM modgate_installs", &[]), ErrorCode::Forbidden, "a core table")?;
        expect_code(tables::exec(&format!("DROP TABLE {TABLE}"), &[]), ErrorCode::Forbidden, "DDL")?;
        expect_code(tables::exec(&format!("UPDATE {TABLE} SET id = ?1"), &[text("x")]), ErrorCode::Forbidden, "writing a host-managed column")?;
        expect_code(tables::query(&format!("SELECT owner FROM {TABLE} WHERE"), &[]), ErrorCode::Invalid, "a syntax error")?;
        expect_code(tables::query(&format!("SELECT owner FROM {TABLE} WHERE stars = ?2"), &[Value::Integer(1)]), ErrorCode::Invalid, "a placeholder without a value")?;
        expect_code(tables::exec(&format!("SELECT owner FROM {TABLE}"), &[]), ErrorCode::Invalid, "a SELECT through exec")?;
        expect_code(
            tables::query(&format!("SELECT owner FROM {TABLE} WHERE owner = ? AND stars = $2"), &[owner.clone(), Value::Integer(1)]),
            ErrorCode::Invalid,
            "mixed placeholder styles",
        )?;
        expect_code(tables::query(&format!("SELECT colour FROM {TABLE}"), &[]), ErrorCode::Invalid, "an undeclared column")?;

        let deleted = tables::exec(&format!("DELETE FROM {TABLE} WHERE owner = ?1 AND stars >= ?2"), &[owner.clone(), Value::Integer(2)])?;
        check(deleted == 2, "DELETE affects the matching rows")?;
        let left = count(&format!("SELECT count(*) FROM {TABLE}"), &[])?;
        check(left == 1, "one row is left")?;
        Ok(())
    }
}

modgate_sdk::export_module!(WriteOwnTables);
