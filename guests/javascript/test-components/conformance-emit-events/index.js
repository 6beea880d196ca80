// Conformance for world modgate:host/emit-events, in JavaScript (the Rust
// twin is guests/test-components/conformance-emit-events): `emit` returns a
// fresh ULID per event; a name that is not a lowercase slug of at most 64
// characters is `forbidden`, a payload that is not JSON or is over 64 KiB
// `invalid`.
//
// Settings: `tenant=<id>` runs the checks (the install's `{...}` does
// nothing). Emits `mod.conformance.item-added` twice (payload `{"n":1}`) and
// `mod.conformance.<64 × a>` once (payload `{}`).
import { check, expectCode, isUlid, param } from '../kit/kit.js';
import { ErrorCode } from 'modgate';
import { emit } from 'modgate/events';

/** The largest payload the host accepts by default. */
const MAX_PAYLOAD = 64 * 1024;

const REFUSED_NAMES = [
  ['order.paid', "a core event's name"],
  ['mod.other.item-added', "another module's full name"],
  ['other.item-added', 'a dotted name'],
  ['a\u0007b', 'a control character'],
  ['a\nb', 'a newline'],
  ['a b', 'a space'],
  ['a'.repeat(65), 'a 65-character name'],
  ['', 'an empty name'],
  ['Item-Added', 'upper case'],
  ['-x', 'a leading dash'],
  ['x_y', 'an underscore'],
];

export const lifecycle = {
  activate(s) {
    if (s.trimStart().startsWith('{')) return;
    param(s, 'tenant');

    const first = emit('item-added', '{"n":1}');
    check(isUlid(first), 'emit returns the event id, a ULID');
    const second = emit('item-added', '{"n":1}');
    check(isUlid(second) && second !== first, 'each emit gets its own id, equal payloads too');
    emit('a'.repeat(64), '{}');

    for (const [name, what] of REFUSED_NAMES) {
      expectCode(() => emit(name, '{"n":1}'), ErrorCode.forbidden, `emitting ${what}`);
    }

    const oversized = `"${'x'.repeat(MAX_PAYLOAD + 1 - 2)}"`;
    check(oversized.length === MAX_PAYLOAD + 1, 'the oversized payload is 64 KiB + 1 byte');
    for (const [payload, what] of [
      ['not json', 'a payload that is not JSON'],
      ['', 'an empty payload'],
      [oversized, 'a JSON payload over 64 KiB'],
    ]) {
      expectCode(() => emit('item-added', payload), ErrorCode.invalid, what);
    }
  },
};
