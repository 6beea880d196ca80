//! Host SQL written once for both backends: `?` placeholders, numbered
//! `$1, $2, …` for PostgreSQL. Only for the host's own fixed statements
//! (never a module's: those go through `sql_guard`), which contain no `?`
//! inside literals.

use sea_orm::{DbBackend, Statement, Value};

/// `sql` with its `?` placeholders in `backend`'s style, bound to `values`.
pub fn statement(backend: DbBackend, sql: &str, values: impl IntoIterator<Item = Value>) -> Statement {
    let values: Vec<Value> = values.into_iter().collect();
    let text = match backend {
        DbBackend::Postgres => numbered(sql),
        _ => sql.to_owned(),
    };
    Statement::from_sql_and_values(backend, text, values)
}

/// `?, ?, …` with `count` placeholders, for `IN (…)` lists.
pub fn placeholders(count: usize) -> String {
    vec!["?"; count].join(", ")
}

fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut next = 1;
    for c in sql.chars() {
        if c == '?' {
            out.push('$');
            out.push_str(&next.to_string());
            next += 1;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_placeholders_are_numbered_in_order() {
        let sql = "UPDATE t SET a = ? WHERE b IN (?, ?)";
        assert_eq!(statement(DbBackend::Postgres, sql, []).sql, "UPDATE t SET a = $1 WHERE b IN ($2, $3)");
        assert_eq!(statement(DbBackend::Sqlite, sql, []).sql, sql);
        assert_eq!(placeholders(3), "?, ?, ?");
    }
}
