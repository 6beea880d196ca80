// The module's own tables (permission `write:own-tables`).
//
// Parameters are plain JavaScript values and so are the values of the rows
// that come back: `null` is NULL, a `bigint` INTEGER (a boolean is stored as
// 0/1), a `number` REAL, a string TEXT and a `Uint8Array` BLOB — one type
// per SQL type, as the WIT bindings have them, so nothing is lost either
// way. A refused or failing statement throws a `ModgateError` (`forbidden`
// beyond the module's tables, `invalid` for a malformed statement or an
// undeclared column).
import * as host from 'modgate:host/tables@1.0.0';
import { ModgateError } from './errors.js';

/** Runs a SELECT; returns `{ columns, rows }` with plain values. */
export function query(sql, params = []) {
  const found = call(() => host.query(sql, params.map(value)));
  return { columns: found.columns, rows: found.rows.map((row) => row.map(plain)) };
}

/** Runs an INSERT, UPDATE or DELETE; returns the affected rows (a number). */
export function exec(sql, params = []) {
  return Number(call(() => host.exec(sql, params.map(value))));
}

/**
 * Runs `[sql, params]` pairs in one transaction: all take effect or none
 * (at most 16). Returns each statement's affected rows.
 */
export function execBatch(statements) {
  const batch = statements.map(([sql, params = []]) => ({ sql, params: params.map(value) }));
  return Array.from(call(() => host.execBatch(batch)), Number);
}

/** The contract's value for a JavaScript one (see the module comment). */
export function value(v) {
  if (v === null || v === undefined) return { tag: 'null' };
  if (typeof v === 'boolean') return { tag: 'integer', val: v ? 1n : 0n };
  if (typeof v === 'bigint') return { tag: 'integer', val: v };
  if (typeof v === 'number') return { tag: 'real', val: v };
  if (typeof v === 'string') return { tag: 'text', val: v };
  // Not `instanceof`: a blob read back is a Uint8Array of the bindings' realm.
  if (ArrayBuffer.isView(v)) return { tag: 'blob', val: new Uint8Array(v.buffer, v.byteOffset, v.byteLength) };
  throw new TypeError(`no SQL value for ${typeof v}: use null, a bigint, a number, a string or a Uint8Array`);
}

/** The JavaScript value of a contract value (NULL is `null`). */
export function plain(v) {
  return v.tag === 'null' ? null : v.val;
}

function call(hostCall) {
  try {
    return hostCall();
  } catch (thrown) {
    throw ModgateError.of(thrown);
  }
}
