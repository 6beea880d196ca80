// Helpers shared by the JavaScript conformance components (the twin of the
// Rust `conformance-kit`): expectations arrive in the settings string as
// `key=value` pairs separated by `;`; checks run in `activate`, which fails
// naming the first one that did not hold.
import { ModgateError } from 'modgate';

export function param(settings, key) {
  for (const pair of settings.split(';')) {
    const at = pair.indexOf('=');
    if (at >= 0 && pair.slice(0, at).trim() === key) return pair.slice(at + 1).trim();
  }
  throw ModgateError.invalid(`conformance settings lack \`${key}\``);
}

export function check(holds, what) {
  if (!holds) throw ModgateError.handler(`conformance check failed: ${what}`);
}

/** Calls `call()` and fails unless it threw the typed error `code`. */
export function expectCode(call, code, what) {
  let got;
  try {
    call();
  } catch (thrown) {
    got = ModgateError.of(thrown);
  }
  if (!got) throw ModgateError.handler(`conformance check failed: ${what}: expected ${code}, got success`);
  if (got.code !== code) throw ModgateError.handler(`conformance check failed: ${what}: expected ${code}, got ${got.message}`);
}

/**
 * A ULID as the host writes them: 26 upper-case Crockford base32
 * characters (no I, L, O, U), the first at most `7`.
 */
export function isUlid(id) {
  return /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/.test(id);
}

/**
 * Looks like an RFC 3339 UTC timestamp (`2026-12-01T10:00:00Z`, optionally
 * with fractional seconds).
 */
export function isUtcTimestamp(t) {
  return t.length >= 20 && t[4] === '-' && t[7] === '-' && t[10] === 'T' && t[13] === ':' && t[16] === ':' && t.endsWith('Z');
}
