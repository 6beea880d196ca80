// Emitting events (permission `emit:events`).
//
// Receiving them is an export: `eventHandler` (module events,
// `mod.<module>.<event>`) or `coreEventHandler` (typed core events) in
// `index.js`. Delivery is at least once: key each effect on the event id so
// it happens once.
import { emit as hostEmit } from 'modgate:host/events@1.0.0';
import { ModgateError } from './errors.js';

/**
 * Publishes `payload` as `mod.<this-module>.<name>`; returns the event id
 * (a ULID). `payload` is JSON text, or a value to encode. `forbidden` for a
 * name that is not a lowercase slug of at most 64 characters (the host adds
 * the prefix: a module cannot raise a core event or speak for another),
 * `invalid` for a payload that is not JSON or is over 64 KiB.
 */
export function emit(name, payload) {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  try {
    return hostEmit(name, text);
  } catch (thrown) {
    throw ModgateError.of(thrown);
  }
}
