//! The dialect wrapper: `?N` placeholders on PostgreSQL, otherwise the
//! wrapped dialect's parse; and the guard's output re-parses as itself.

use sqlparser::ast::Statement;
use sqlparser::dialect::{Dialect, PostgreSqlDialect};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::super::dialect::GuestDialect;
use super::super::{StatementKind, Verb};
use super::{BACKENDS, accepted, highest_placeholder};
use crate::storage::Backend;

fn tokens(dialect: &dyn Dialect, sql: &str) -> Vec<Token> {
    Tokenizer::new(dialect, sql).tokenize().expect("tokenizes")
}

fn parse(dialect: &dyn Dialect, sql: &str) -> Vec<Statement> {
    Parser::parse_sql(dialect, sql).unwrap_or_else(|e| panic!("`{sql}` does not parse: {e}"))
}

#[test]
fn postgres_dialect_alone_does_not_tokenize_question_number_as_a_placeholder() {
    // Why the wrapper exists: PostgreSQL's `?` is a JSONB operator there.
    let plain = tokens(&PostgreSqlDialect {}, "?1");
    assert!(
        !plain.contains(&Token::Placeholder("?1".to_owned())),
        "{plain:?}"
    );
    assert!(Parser::parse_sql(&PostgreSqlDialect {}, "SELECT * FROM t WHERE a = ?1").is_err());
}

#[test]
fn guard_dialect_tokenizes_question_number_as_a_placeholder_on_both_backends() {
    for backend in BACKENDS {
        let dialect = GuestDialect::new(backend);
        assert_eq!(
            tokens(&dialect, "?12"),
            vec![Token::Placeholder("?12".to_owned())],
            "{backend}"
        );
        let in_string = tokens(&dialect, "'?1'");
        assert_eq!(
            in_string,
            vec![Token::SingleQuotedString("?1".to_owned())],
            "{backend}"
        );
    }
}

#[test]
fn guard_dialect_parses_like_the_wrapped_dialect() {
    let common = [
        "SELECT a, b AS c FROM t AS x JOIN u ON u.a = x.a LEFT JOIN v USING (a) WHERE a > 1 AND b LIKE 'x%'",
        "SELECT count(*) FROM t GROUP BY a HAVING count(*) > 1 ORDER BY 1 DESC NULLS LAST LIMIT 10 OFFSET 5",
        "SELECT CAST(a AS integer), a || 'x', -a, NOT a, a IS NULL, a IN (1, 2), a BETWEEN 1 AND 2 FROM t",
        "INSERT INTO t (a, b) VALUES (1, 'x'), (2, NULL) ON CONFLICT (a) DO UPDATE SET b = excluded.b RETURNING *",
        "UPDATE t AS x SET a = 1 FROM u WHERE u.a = x.a RETURNING x.a",
        "DELETE FROM t WHERE a IN (SELECT a FROM u) RETURNING a",
        "SELECT a FROM t UNION ALL SELECT a FROM u EXCEPT SELECT a FROM v",
        "SELECT row_number() OVER (PARTITION BY a ORDER BY b ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t",
        "SELECT CASE WHEN a THEN 1 ELSE 2 END, coalesce(a, b), substring(a FROM 1 FOR 2), trim(a) FROM t",
        "SELECT a -> 'k', a ->> 'k' FROM t",
        "WITH c AS (SELECT 1) SELECT * FROM c",
        "CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)",
    ];
    let postgres_only = [
        "SELECT a::text, E'x\\ny', $$dollar$$, a ~ 'r', a ILIKE 'x', ARRAY[1, 2] FROM t FOR UPDATE",
        "SELECT DISTINCT ON (a) a FROM t, LATERAL (SELECT 1) AS l",
        "SELECT a FROM t WHERE a = ANY(SELECT a FROM u)",
        "SELECT 5 !, @ -1, |/ 4, a << 1 FROM t",
        "SELECT * FROM t WHERE a @@ b AND a @> b",
        "COPY t TO STDOUT",
    ];
    let sqlite_only = [
        "SELECT [a], `b` FROM t WHERE c GLOB 'x*' AND d NOTNULL LIMIT 1, 2",
        "REPLACE INTO t (a) VALUES (1)",
        "INSERT OR IGNORE INTO t (a) VALUES (1)",
        "SELECT a FROM t WHERE a REGEXP 'x' OR a MATCH 'y'",
        "PRAGMA cache_size = 100",
    ];
    for backend in BACKENDS {
        let guard = GuestDialect::new(backend);
        let specific: &[&str] = match backend {
            Backend::Sqlite => &sqlite_only,
            Backend::Postgres => &postgres_only,
        };
        for sql in common.iter().chain(specific) {
            assert_eq!(
                parse(&guard, sql),
                parse(guard.inner(), sql),
                "{backend}: `{sql}`"
            );
        }
    }
}

#[test]
fn rewritten_sql_reparses_in_the_same_dialect_as_the_same_statement() {
    let statements = [
        (
            StatementKind::Query,
            "SELECT i.name, t.label FROM mod_probe_items AS i JOIN mod_probe_tags t ON t.label = i.name WHERE i.qty > ?1",
        ),
        (
            StatementKind::Query,
            "SELECT mod_probe_items.* FROM mod_probe_items WHERE note IS NULL ORDER BY qty LIMIT ?1",
        ),
        (
            StatementKind::Query,
            "SELECT * FROM (SELECT count(*) AS n FROM mod_probe_tags) AS d WHERE d.n IN (SELECT qty FROM mod_probe_items)",
        ),
        (
            StatementKind::Exec,
            "INSERT INTO mod_probe_items (name, qty) VALUES (?1, ?2), (?2, 3)",
        ),
        (
            StatementKind::Query,
            "INSERT INTO mod_probe_items (name) VALUES (?1) ON CONFLICT (name) DO UPDATE SET qty = mod_probe_items.qty + 1 RETURNING id",
        ),
        (
            StatementKind::Exec,
            "UPDATE mod_probe_items SET qty = ?1 WHERE name = ?2",
        ),
        (
            StatementKind::Query,
            "DELETE FROM mod_probe_items WHERE qty < ?1 RETURNING mod_probe_items.name",
        ),
        (
            StatementKind::Query,
            "SELECT 'it''s', 'back\\slash', -1.5e3, TRUE, NULL FROM mod_probe_tags",
        ),
    ];
    for backend in BACKENDS {
        let dialect = GuestDialect::new(backend);
        for (kind, sql) in statements {
            let guarded = accepted(backend, kind, sql, highest_placeholder(sql));
            let reparsed = parse(&dialect, &guarded.sql);
            assert_eq!(reparsed.len(), 1, "{backend}: {}", guarded.sql);
            assert_eq!(
                reparsed[0].to_string(),
                guarded.sql,
                "{backend}: printing is stable"
            );
            let verb = match &reparsed[0] {
                Statement::Query(_) => Verb::Select,
                Statement::Insert(_) => Verb::Insert,
                Statement::Update(_) => Verb::Update,
                Statement::Delete(_) => Verb::Delete,
                other => panic!("{backend}: re-parsed as {other}"),
            };
            assert_eq!(verb, guarded.verb, "{backend}: {}", guarded.sql);
        }
    }
}
