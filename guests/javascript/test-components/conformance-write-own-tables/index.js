// Conformance for world modgate:host/write-own-tables, in JavaScript (the
// Rust twin is guests/test-components/conformance-write-own-tables): typed
// round trips of every value type through the module's own table,
// RETURNING, UPDATE and DELETE with automatic columns, aggregates, the three
// placeholder styles, and the refusals. Each tenant sees only its own rows.
//
// Settings: `tenant=<id>` (the install's `{}` does nothing). Table:
// `mod_conformance_notes` (owner text not null, body text, score real, stars
// integer, raw blob, pinned boolean), unique (owner, stars).
import { check, expectCode, param } from '../kit/kit.js';
import { ErrorCode } from 'modgate';
import * as tables from 'modgate/tables';

const TABLE = 'mod_conformance_notes';

function count(sql, params = []) {
  const n = tables.query(sql, params).rows[0]?.[0];
  check(typeof n === 'bigint', `count is an integer (got ${n})`);
  return n;
}

function describe(v) {
  return `${Object.prototype.toString.call(v)} ${v && v.length !== undefined ? Array.from(v).join() : v}`;
}

export const lifecycle = {
  activate(s) {
    if (s.trimStart().startsWith('{')) return;
    const owner = param(s, 'tenant');
    const blob = new Uint8Array([0, 159, 255]);

    const inserted = tables.exec(
      `INSERT INTO ${TABLE} (owner, body, score, stars, raw, pinned) VALUES (?1, ?2, ?3, ?4, ?5, ?6), (?1, ?7, ?3, ?8, ?5, ?6)`,
      [owner, 'first', 2.5, 1n, blob, 1n, null, 2n],
    );
    check(inserted === 2, 'a two-row INSERT affects 2 rows');

    const rows = tables.query(
      `SELECT id, owner, body, score, stars, raw, pinned, created_at, updated_at FROM ${TABLE} WHERE owner = ?1 ORDER BY stars`,
      [owner],
    );
    check(rows.columns.length === 9 && rows.columns[0] === 'id' && rows.columns[8] === 'updated_at', 'columns come back named, in order');
    check(rows.rows.length === 2, 'both rows come back');
    const first = rows.rows[0];
    check(typeof first[0] === 'string' && first[0].length === 26, 'id is a host-made ULID');
    check(first[1] === owner, 'text round-trips');
    check(typeof first[3] === 'number' && first[3] === 2.5, 'real round-trips');
    check(first[4] === 1n, 'integer round-trips');
    check(ArrayBuffer.isView(first[5]) && first[5].join() === '0,159,255', `blob round-trips (got ${describe(first[5])})`);
    check(first[6] === 1n, 'boolean is 0/1');
    check(typeof first[7] === 'string' && first[7].endsWith('Z') && first[7].length >= 20, 'created_at is RFC 3339 UTC');
    check(rows.rows[1][2] === null, 'NULL round-trips');

    const returned = tables.query(`INSERT INTO ${TABLE} (owner, stars) VALUES (?1, ?2) RETURNING id, stars`, [owner, 3n]);
    check(returned.rows.length === 1 && typeof returned.rows[0][0] === 'string' && returned.rows[0][0].length === 26, 'INSERT … RETURNING gives the new id');

    const updated = tables.exec(`UPDATE ${TABLE} SET body = ?1 WHERE owner = ?2 AND stars = ?3`, ['edited', owner, 2n]);
    check(updated === 1, 'UPDATE affects the matching row');
    const edited = count(`SELECT count(*) FROM ${TABLE} WHERE body = ?1 AND updated_at >= created_at`, ['edited']);
    check(edited === 1n, 'UPDATE changed the row and kept updated_at >= created_at');

    const qualified = tables.query(`SELECT ${TABLE}.owner FROM ${TABLE} WHERE ${TABLE}.stars = ?1`, [1n]);
    check(qualified.rows.length === 1, 'qualified column references work');
    check(count(`SELECT count(*) FROM ${TABLE} WHERE owner = ?1 OR body = ?1`, [owner]) === 3n, 'a placeholder may be used twice');
    check(count(`SELECT count(*) FROM ${TABLE} WHERE owner = $1 AND stars = $2`, [owner, 1n]) === 1n, '$N placeholders bind like ?N');
    check(count(`SELECT count(*) FROM ${TABLE} WHERE owner = ? AND stars = ?`, [owner, 1n]) === 1n, '? placeholders bind in order');
    const sums = tables.query(`SELECT count(*), sum(stars) FROM ${TABLE} WHERE owner = ?1`, [owner]);
    check(sums.rows[0][0] === 3n && sums.rows[0][1] === 6n, 'aggregates come back as integers');

    check(count(`SELECT count(*) FROM ${TABLE} WHERE owner <> ?1`, [owner]) === 0n, "no other tenant's rows are visible");

    expectCode(() => tables.exec(`INSERT INTO ${TABLE} (owner, stars) VALUES (?1, ?2)`, [owner, 1n]), ErrorCode.invalid, 'a unique violation');
    expectCode(() => tables.query('SELECT * FROM modgate_installs'), ErrorCode.forbidden, 'a core table');
    expectCode(() => tables.exec(`DROP TABLE ${TABLE}`), ErrorCode.forbidden, 'DDL');
    expectCode(() => tables.exec(`UPDATE ${TABLE} SET id = ?1`, ['x']), ErrorCode.forbidden, 'writing a host-managed column');
    expectCode(() => tables.query(`SELECT owner FROM ${TABLE} WHERE`), ErrorCode.invalid, 'a syntax error');
    expectCode(() => tables.query(`SELECT owner FROM ${TABLE} WHERE stars = ?2`, [1n]), ErrorCode.invalid, 'a placeholder without a value');
    expectCode(() => tables.exec(`SELECT owner FROM ${TABLE}`), ErrorCode.invalid, 'a SELECT through exec');
    expectCode(
      () => tables.query(`SELECT owner FROM ${TABLE} WHERE owner = ? AND stars = $2`, [owner, 1n]),
      ErrorCode.invalid,
      'mixed placeholder styles',
    );
    expectCode(() => tables.query(`SELECT colour FROM ${TABLE}`), ErrorCode.invalid, 'an undeclared column');

    const deleted = tables.exec(`DELETE FROM ${TABLE} WHERE owner = ?1 AND stars >= ?2`, [owner, 2n]);
    check(deleted === 2, 'DELETE affects the matching rows');
    check(count(`SELECT count(*) FROM ${TABLE}`) === 1n, 'one row is left');
  },
};
