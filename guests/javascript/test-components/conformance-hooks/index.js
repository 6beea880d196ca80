// Conformance for world modgate:host/hooks, in JavaScript (the Rust twin is
// guests/test-components/conformance-hooks, whose doc has the table of
// answers): before-create upper-cases the title or rejects a forbidden one,
// before-update allows, before-delete rejects a locked record, after-read
// notes every record with its id, on-action doubles the quantity, and the
// after-write moments log and allow.
import { ModgateError } from 'modgate';
import { adjust, adjustOne, allow, record, reject } from 'modgate/hooks';
import { info } from 'modgate/log';

/** The record's `id`: a string as is, a number as written. */
function idText(rec) {
  if (typeof rec.id === 'string') return rec.id;
  if (typeof rec.id === 'number') return String(rec.id);
  return null;
}

export const lifecycle = {
  activate(_settings) {},
};

export const hookHandler = {
  handle(call) {
    switch (call.when) {
      case 'before-create': {
        const { title } = record(call);
        if (typeof title !== 'string') throw ModgateError.invalid('conformance: the record has no string `title`');
        if (title.includes('forbidden')) return reject('title contains a forbidden word');
        return adjustOne('title', title.toUpperCase());
      }
      case 'before-update':
        return allow();
      case 'before-delete':
        return record(call).locked === true ? reject('deleting is not allowed by conformance') : allow();
      case 'after-read': {
        const notes = [];
        call.records.forEach((_, index) => {
          const id = idText(record(call, index));
          if (id !== null) notes.push([index, { note: `seen ${id}` }]);
        });
        return adjust(notes);
      }
      case 'on-action': {
        const { quantity } = record(call);
        if (!Number.isSafeInteger(quantity) || !Number.isSafeInteger(quantity * 2)) {
          throw ModgateError.invalid('conformance: the record has no integer `quantity` to double');
        }
        return adjustOne('quantity', quantity * 2);
      }
      default:
        info(`${call.when} ${call.entity} ${idText(record(call)) ?? ''}`);
        return allow();
    }
  },
};
