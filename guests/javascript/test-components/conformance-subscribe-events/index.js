// Conformance for worlds modgate:host/subscribe-events and
// modgate:commerce/subscribe-core-events, in JavaScript (the Rust twin is
// guests/test-components/conformance-subscribe-events): every delivered
// event carries a ULID id, the invoked tenant, an RFC 3339 UTC timestamp
// and a well-formed payload — module events a `mod.<module>.<event>` name
// and a JSON object, core events typed ids and ISO 4217 currencies. A failed
// check fails the delivery with `handler-error` naming it.
//
// Settings (read with `settings.get()` on each delivery): when the document
// contains `tenant=<id>` the event's tenant must be `<id>`. A module event
// whose payload contains `"fail":true` fails with `handler-error` after its
// checks passed (a scripted failure for retry tests).
import { check, isUlid, isUtcTimestamp } from '../kit/kit.js';
import { ModgateError } from 'modgate';
import * as settings from 'modgate/settings';

export const lifecycle = {
  activate() {},
};

export const eventHandler = {
  handle(event) {
    envelope(event);
    const parts = event.name.split('.');
    check(
      event.name.startsWith('mod.') && parts.length === 3 && parts.every((part) => part !== ''),
      'a module event is named mod.<module>.<event>',
    );
    check(event.payload.trimStart().startsWith('{'), 'the payload is the emitted JSON object');
    if (event.payload.replace(/\s/g, '').includes('"fail":true')) {
      throw ModgateError.handler(`scripted failure for ${event.name} (${event.id})`);
    }
  },
};

export const coreEventHandler = {
  handle(event) {
    envelope(event);
    const { tag: name, val } = event.payload;
    const id = (value, what) => check(value !== '', `${name}: ${what} is not empty`);
    switch (name) {
      case 'order-created':
      case 'order-paid':
        id(val.orderId, 'order id');
        id(val.customerId, 'customer id');
        money(name, val.total);
        break;
      case 'order-cancelled':
        id(val.orderId, 'order id');
        id(val.customerId, 'customer id');
        break;
      case 'product-created':
      case 'product-updated':
      case 'product-deleted':
        id(val, 'product id');
        break;
      case 'product-price-changed':
        id(val.productId, 'product id');
        money(name, val.previous);
        money(name, val.current);
        break;
      case 'product-stock-changed':
        id(val.productId, 'product id');
        break;
      case 'customer-created':
        id(val, 'customer id');
        break;
      default:
        check(false, `a known core event (got ${name})`);
    }
  },
};

/** The checks every event shares. */
function envelope({ id, tenant, occurredAt }) {
  check(isUlid(id), 'the event id is a ULID');
  check(tenant !== '', 'the event names its tenant');
  const expected = /tenant=([a-z0-9-]+)/.exec(settings.get())?.[1];
  if (expected !== undefined) {
    check(tenant === expected, `the event is for tenant ${expected}, the invoked install's (got ${tenant})`);
  }
  check(isUtcTimestamp(occurredAt), 'occurred-at is an RFC 3339 UTC timestamp');
}

function money(name, amount) {
  check(/^[A-Z]{3}$/.test(amount.currency), `${name}: the currency is three upper-case letters (got ${amount.currency})`);
}
