// Sending email (permission `email:send`, acknowledged by the operator).
//
// The module chooses the recipient, the subject and the plain text; the
// host sets every header. A refused field is `invalid` and the message
// names it; each call counts against the module's rate limit
// (`rate-limited`). Sent from an event handler, the same message for the
// same event is queued once.
import * as host from 'modgate:host/email@1.0.0';
import { ModgateError } from './errors.js';

/** Queues a plain-text message to the one bare address `to`. */
export function send(to, subject, text) {
  try {
    host.send({ to, subject, text });
  } catch (thrown) {
    throw ModgateError.of(thrown);
  }
}

/**
 * Queues a message to a customer of this tenant, addressed by the host.
 * `false` when not queued: unknown, opted out or erased, which the module
 * cannot tell apart on purpose — an answer, not a failure.
 */
export function sendToCustomer(customerId, subject, text) {
  try {
    return host.sendToCustomer(customerId, subject, text);
  } catch (thrown) {
    throw ModgateError.of(thrown);
  }
}
