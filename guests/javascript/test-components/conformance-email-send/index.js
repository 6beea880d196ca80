// Conformance for world modgate:host/email-send, in JavaScript (the Rust
// twin is guests/test-components/conformance-email-send): `send` queues a
// message to one bare address; `sendToCustomer` answers `true` for a
// customer of this tenant with an address and `false`, indistinguishably,
// for one who opted out, was erased, does not exist or belongs to another
// tenant; every header-injection and address-smuggling shape is `invalid`
// and the message names the field.
//
// Settings (`key=value;...`; the install's `{...}` does nothing):
// `valid=<id>`, `suppressed=<id>,<id>,...`, `to=<address>`. Queues exactly
// two messages: one `send` to `to` and one `sendToCustomer` to `valid`,
// subject `Conformance`.
import { check, param } from '../kit/kit.js';
import { ErrorCode, ModgateError } from 'modgate';
import { send, sendToCustomer } from 'modgate/email';

const SUBJECT = 'Conformance';
const TEXT = 'Line one.\r\nLine two,\tindented.\n';

const LABEL = 'x'.repeat(60);
const REFUSED_ADDRESSES = [
  ['Ada <a@b.example>', 'a display name'],
  ['<a@b.example>', 'an angle-bracketed address'],
  ['a@b.example, c@d.example', 'two recipients'],
  ['a@b.example\r\nBcc: x@y.example', 'a CRLF-injected Bcc'],
  ['a@b.example\nBcc: x@y.example', 'an LF-injected Bcc'],
  ['"a b"@b.example', 'a quoted local part'],
  ['a@[127.0.0.1]', 'a domain literal'],
  ['a@localhost', 'a single-label domain'],
  ['a%c.example@b.example', 'a % hack'],
  ['a@bücher.example', 'a non-ASCII domain'],
  ['ä@b.example', 'a non-ASCII local part'],
  ['a(x)@b.example', 'a comment'],
  ['team: a@b.example;', 'a group'],
  ['@a.example:b@c.example', 'a source route'],
  ['a@b.example\0', 'a NUL'],
  ['', 'an empty address'],
  [`a@${LABEL}.${LABEL}.${LABEL}.${LABEL}.${LABEL}.example`, `a ${2 + 5 * 61 + 7}-byte address`],
];

const REFUSED_SUBJECTS = [
  ['Hello\r\nBcc: x@y.example', 'a CRLF in a subject'],
  ['Hello\nthere', 'an LF in a subject'],
  ['Hello\0', 'a NUL in a subject'],
  ['Hello\u0085there', 'a C1 control (NEL) in a subject'],
  ['Hello\u2028there', 'a line separator in a subject'],
];

const REFUSED_TEXTS = [
  ['Hello\0there', 'a NUL in the text'],
  ['Hello\u001b[31mthere', 'an ESC in the text'],
];

const REFUSED_CUSTOMERS = [
  ['', 'an empty customer id'],
  ['c'.repeat(129), 'a 129-character customer id'],
  ['cu-1\n', 'a customer id with a line break'],
];

/** Fails unless `call()` is refused `invalid` naming `field`. */
function expectInvalid(call, field, what) {
  let got;
  try {
    call();
  } catch (thrown) {
    got = ModgateError.of(thrown);
  }
  check(got !== undefined, `${what}: expected Invalid, got success`);
  check(got.code === ErrorCode.invalid, `${what}: expected Invalid, got ${got.message}`);
  check(got.payload.message.includes(field), `${what}: the message names \`${field}\`: ${got.payload.message}`);
}

export const lifecycle = {
  activate(s) {
    if (s.trimStart().startsWith('{')) return;
    const valid = param(s, 'valid');
    const suppressed = param(s, 'suppressed');
    const to = param(s, 'to');

    send(to, SUBJECT, TEXT);
    check(sendToCustomer(valid, SUBJECT, TEXT), 'send-to-customer queues for a consenting customer with an address');
    for (const customer of suppressed.split(',').map((c) => c.trim()).filter((c) => c !== '')) {
      check(
        !sendToCustomer(customer, SUBJECT, TEXT),
        `send-to-customer(${customer}) is false: opted out, erased, unknown or another tenant's`,
      );
    }

    for (const [address, what] of REFUSED_ADDRESSES) expectInvalid(() => send(address, SUBJECT, TEXT), 'to', `sending to ${what}`);
    for (const [subject, what] of REFUSED_SUBJECTS) expectInvalid(() => send(to, subject, TEXT), 'subject', what);
    expectInvalid(() => sendToCustomer(valid, 'Hello\r\nBcc: x@y.example', TEXT), 'subject', 'a CRLF in a subject to a customer');
    for (const [text, what] of REFUSED_TEXTS) expectInvalid(() => send(to, SUBJECT, text), 'text', what);
    for (const [customer, what] of REFUSED_CUSTOMERS) {
      expectInvalid(() => sendToCustomer(customer, SUBJECT, TEXT), 'customer', what);
    }
  },
};
