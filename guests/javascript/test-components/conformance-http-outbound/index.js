// Conformance for world modgate:host/http-outbound, in JavaScript (the Rust
// twin is guests/test-components/conformance-http-outbound, whose doc lists
// the settings): an allowlisted request's answer comes back whole, a POST's
// body and headers arrive, a redirect comes back unfollowed, a refused
// destination fails with exactly HTTP-request-denied and an allowed one that
// cannot connect fails with another code.
import { check, param } from '../kit/kit.js';
import { ModgateError } from 'modgate';
import { HttpError, get, send } from 'modgate/http';

const decoder = new TextDecoder();

function optional(settings, key) {
  try {
    return param(settings, key);
  } catch {
    return null;
  }
}

const failure = (e) => (e.code !== null ? e.message : `a refusal before sending: ${e.message}`);

function answered(url, method, sending) {
  try {
    return sending();
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    throw ModgateError.handler(`conformance check failed: ${method} ${url} gets a response: got ${failure(e)}`);
  }
}

function expectBody(url, method, sending, expected) {
  const r = answered(url, method, sending);
  const body = decoder.decode(r.body);
  check(r.status === 200 && body === expected, `${method} ${url} answers 200 "${expected}": got ${r.status} "${body}"`);
}

/** Runs `sending`; returns its HttpError, or fails the check `what` when a response came. */
function refusal(url, sending, what) {
  try {
    const r = sending();
    check(false, `GET ${url} ${what}: got a response, status ${r.status}`);
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    return e;
  }
}

export const lifecycle = {
  activate(s) {
    if (s.trimStart().startsWith('{')) return;
    const ok = param(s, 'ok');
    expectBody(ok, 'GET', () => get(ok), 'ok');
    const post = optional(s, 'post');
    if (post) {
      const headers = [['authorization', 'guest-token']];
      expectBody(post, 'POST', () => send('POST', post, { headers, body: 'ping' }), 'pong');
    }
    const redirect = optional(s, 'redirect');
    if (redirect) {
      const r = answered(redirect, 'GET', () => get(redirect));
      check(
        r.status >= 300 && r.status < 400 && r.header('location') !== null,
        `GET ${redirect} comes back as a 3xx with a location header, unfollowed: got ${r.status}`,
      );
    }
    for (const url of (optional(s, 'denied') || '').split(',').map((u) => u.trim()).filter(Boolean)) {
      const e = refusal(url, () => get(url), 'is HTTP-request-denied');
      check(e.isDenied(), `GET ${url} is HTTP-request-denied: got ${failure(e)}`);
    }
    const unreachable = optional(s, 'unreachable');
    if (unreachable) {
      const e = refusal(unreachable, () => get(unreachable), 'fails');
      check(!e.isDenied(), `GET ${unreachable} fails with a code other than HTTP-request-denied: got ${failure(e)}`);
    }
  },
};
