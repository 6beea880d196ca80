"""Conformance for world modgate:host/write-own-tables, in Python (the Rust
twin is guests/test-components/conformance-write-own-tables): typed round
trips of every value type through the module's own table, RETURNING, UPDATE
and DELETE with automatic columns, aggregates, the three placeholder styles,
and the refusals. Each tenant sees only its own rows.

Settings: ``tenant=<id>`` (the install's ``{}`` does nothing). Table:
``mod_conformance_notes`` (owner text not null, body text, score real, stars
integer, raw blob, pinned boolean), unique (owner, stars)."""

from kit import check, expect_code, param
from modgate import ErrorCode, exported, tables
from wit_world import exports

TABLE = "mod_conformance_notes"


def count(sql: str, params=()) -> int:
    rows = tables.query(sql, params).rows
    n = rows[0][0] if rows and rows[0] else None
    check(type(n) is int, f"count is an integer (got {n!r})")
    return n


@exported
class Lifecycle(exports.Lifecycle):
    def activate(self, s: str) -> None:
        if s.lstrip().startswith("{"):
            return
        owner = param(s, "tenant")
        blob = bytes([0, 159, 255])

        inserted = tables.exec(
            f"INSERT INTO {TABLE} (owner, body, score, stars, raw, pinned) VALUES (?1, ?2, ?3, ?4, ?5, ?6), (?1, ?7, ?3, ?8, ?5, ?6)",
            [owner, "first", 2.5, 1, blob, 1, None, 2],
        )
        check(inserted == 2, "a two-row INSERT affects 2 rows")

        rows = tables.query(
            f"SELECT id, owner, body, score, stars, raw, pinned, created_at, updated_at FROM {TABLE} WHERE owner = ?1 ORDER BY stars",
            [owner],
        )
        check(len(rows.columns) == 9 and rows.columns[0] == "id" and rows.columns[8] == "updated_at", "columns come back named, in order")
        check(len(rows.rows) == 2, "both rows come back")
        first = rows.rows[0]
        check(type(first[0]) is str and len(first[0]) == 26, "id is a host-made ULID")
        check(first[1] == owner, "text round-trips")
        check(type(first[3]) is float and first[3] == 2.5, "real round-trips")
        check(type(first[4]) is int and first[4] == 1, "integer round-trips")
        check(first[5] == blob, "blob round-trips")
        check(type(first[6]) is int and first[6] == 1, "boolean is 0/1")
        check(type(first[7]) is str and first[7].endswith("Z") and len(first[7]) >= 20, "created_at is RFC 3339 UTC")
        check(rows.rows[1][2] is None, "NULL round-trips")

        returned = tables.query(f"INSERT INTO {TABLE} (owner, stars) VALUES (?1, ?2) RETURNING id, stars", [owner, 3])
        check(len(returned.rows) == 1 and type(returned.rows[0][0]) is str and len(returned.rows[0][0]) == 26, "INSERT … RETURNING gives the new id")

        updated = tables.exec(f"UPDATE {TABLE} SET body = ?1 WHERE owner = ?2 AND stars = ?3", ["edited", owner, 2])
        check(updated == 1, "UPDATE affects the matching row")
        edited = count(f"SELECT count(*) FROM {TABLE} WHERE body = ?1 AND updated_at >= created_at", ["edited"])
        check(edited == 1, "UPDATE changed the row and kept updated_at >= created_at")

        qualified = tables.query(f"SELECT {TABLE}.owner FROM {TABLE} WHERE {TABLE}.stars = ?1", [1])
        check(len(qualified.rows) == 1, "qualified column references work")
        check(count(f"SELECT count(*) FROM {TABLE} WHERE owner = ?1 OR body = ?1", [owner]) == 3, "a placeholder may be used twice")
        check(count(f"SELECT count(*) FROM {TABLE} WHERE owner = $1 AND stars = $2", [owner, 1]) == 1, "$N placeholders bind like ?N")
        check(count(f"SELECT count(*) FROM {TABLE} WHERE owner = ? AND stars = ?", [owner, 1]) == 1, "? placeholders bind in order")
        sums = tables.query(f"SELECT count(*), sum(stars) FROM {TABLE} WHERE owner = ?1", [owner])
        check([(type(v), v) for v in sums.rows[0]] == [(int, 3), (int, 6)], "aggregates come back as integers")

        check(count(f"SELECT count(*) FROM {TABLE} WHERE owner <> ?1", [owner]) == 0, "no other tenant's rows are visible")

        expect_code(lambda: tables.exec(f"INSERT INTO {TABLE} (owner, stars) VALUES (?1, ?2)", [owner, 1]), ErrorCode.INVALID, "a unique violation")
        expect_code(lambda: tables.query("SELECT * FROM modgate_installs"), ErrorCode.FORBIDDEN, "a core table")
        expect_code(lambda: tables.exec(f"DROP TABLE {TABLE}"), ErrorCode.FORBIDDEN, "DDL")
        expect_code(lambda: tables.exec(f"UPDATE {TABLE} SET id = ?1", ["x"]), ErrorCode.FORBIDDEN, "writing a host-managed column")
        expect_code(lambda: tables.query(f"SELECT owner FROM {TABLE} WHERE"), ErrorCode.INVALID, "a syntax error")
        expect_code(lambda: tables.query(f"SELECT owner FROM {TABLE} WHERE stars = ?2", [1]), ErrorCode.INVALID, "a placeholder without a value")
        expect_code(lambda: tables.exec(f"SELECT owner FROM {TABLE}"), ErrorCode.INVALID, "a SELECT through exec")
        expect_code(
            lambda: tables.query(f"SELECT owner FROM {TABLE} WHERE owner = ? AND stars = $2", [owner, 1]),
            ErrorCode.INVALID,
            "mixed placeholder styles",
        )
        expect_code(lambda: tables.query(f"SELECT colour FROM {TABLE}"), ErrorCode.INVALID, "an undeclared column")

        deleted = tables.exec(f"DELETE FROM {TABLE} WHERE owner = ?1 AND stars >= ?2", [owner, 2])
        check(deleted == 2, "DELETE affects the matching rows")
        check(count(f"SELECT count(*) FROM {TABLE}") == 1, "one row is left")
