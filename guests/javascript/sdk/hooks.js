// Data hooks: the host calls the module's `hookHandler.handle(call)` with
// records as JSON objects and applies the outcome it returns. These read a
// record and build outcomes, so a module never spells a variant's tag or
// writes JSON by hand. Import this only in modules that declare hooks.
import { ModgateError } from './errors.js';

/** Record `index` of the call, parsed; `invalid` when missing or not an object. */
export function record(call, index = 0) {
  let value;
  try {
    value = JSON.parse(call.records[index]);
  } catch {
    throw ModgateError.invalid(`the call has no JSON record ${index}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw ModgateError.invalid(`record ${index} is not a JSON object`);
  }
  return value;
}

/** Go ahead unchanged. */
export const allow = () => ({ tag: 'allow' });

/** Refuse, with plain-text messages for the person who asked. */
export const reject = (...messages) => ({ tag: 'reject', val: messages });

/**
 * Change fields: `[[index, { field: newValue }], ...]`; each value is
 * written as JSON of the field's type.
 */
export const adjust = (changes) => ({
  tag: 'adjust',
  val: changes.map(([index, fields]) => ({
    index,
    changes: Object.entries(fields).map(([field, value]) => ({ field, value: JSON.stringify(value) })),
  })),
});

/** Change one field of one record (the first by default). */
export const adjustOne = (field, value, index = 0) => adjust([[index, { [field]: value }]]);
