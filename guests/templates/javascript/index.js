// {{ name }}: a modgate module made by `modgate new`. README.md says how to
// build it, run it against fixtures and read its budget report.
//
// What it says lives in `messages.js`, apart from the host calls, so
// `node --test` checks it without a host.
//
// Each export is an object named after its interface (camelCase). A thrown
// `ModgateError` is returned to the host as the contract's error; anything
// else thrown traps the invocation.
import * as log from 'modgate/log';
{%- if serve and tables %}
import { ModgateError } from 'modgate';
{%- endif %}
{%- if serve %}
import { errorResponse, json, serve } from 'modgate/serve';
{%- endif %}
{%- if slots %}
import * as widgets from 'modgate/slots';
{%- endif %}
{%- if hooks %}
import { adjustOne, allow, record, reject } from 'modgate/hooks';
{%- endif %}
import * as messages from './messages.js';
{%- if tables %}
import * as notes from './notes.js';
{%- endif %}

/** The module's name, as module.toml declares it. */
const NAME = '{{ name }}';

export const lifecycle = {
  /** Runs once per install and upgrade, with the install's settings (JSON). */
  activate(_settings) {
    log.info(messages.activated(NAME));
{%- if tables and not serve and not events %}
    notes.add(NAME, 'activated');
{%- endif %}
  },
};
{%- if serve %}

/**
 * Every request under /modules/{{ name }}/ whose route the manifest declares
 * (and the operator approved). The customer is the one the host verified;
 * never trust one named in the request.
 */
export const incomingHandler = serve((request) => {
  const customer = request.customerId;
  const segments = request.path.split('/').filter((segment) => segment !== '');
  switch (`${request.method} ${segments.join('/')}`) {
    case 'GET hello':
      return json(200, messages.hello(NAME, customer));
{%- if tables %}
    case 'GET notes':
      try {
        return json(200, notes.newest());
      } catch (thrown) {
        return failed(thrown, 'listing notes failed');
      }
    case 'POST notes': {
      if (!customer) return errorResponse(401, 'login-required', 'sign in to leave a note');
      const text = new TextDecoder().decode(request.body).trim();
      const problem = messages.noteProblem(text);
      if (problem) return errorResponse(400, 'invalid-note', problem);
      try {
        notes.add(customer, text);
      } catch (thrown) {
        return failed(thrown, 'saving the note failed');
      }
      return { status: 201, headers: [], body: '' };
    }
{%- endif %}
    default:
      return errorResponse(404, 'not-found', 'no such endpoint');
  }
});
{%- if tables %}

// The answer to a failed host call, as the Rust SDK's `Response::from_error`
// gives it (the JavaScript SDK has no such helper): the caller's mistake or a
// busy host is said; anything else is logged and answers 500 without the
// details.
const FAILURES = new Map([
  ['invalid', [400, 'invalid']],
  ['not-found', [404, 'not-found']],
  ['budget-exhausted', [503, 'busy']],
  ['rate-limited', [503, 'busy']],
  ['busy', [503, 'busy']],
  ['timeout', [504, 'timeout']],
]);

function failed(thrown, internalMessage) {
  const error = ModgateError.of(thrown);
  const [status, code] = FAILURES.get(error.code) ?? [500, 'internal'];
  if (status === 500) {
    log.error(`request failed: ${error.code}: ${error.payload.message}`);
    return errorResponse(status, code, internalMessage);
  }
  return errorResponse(status, code, error.payload.message);
}
{%- endif %}
{%- endif %}
{%- if slots %}

export const slotProvider = {
  /** The widgets for one slot the manifest lists. */
  render(request) {
    const shown = [widgets.badge(messages.badge(NAME), 'info')];
    if (request.productId !== undefined) shown.push(widgets.text(request.productId));
    return shown;
  },
};
{%- endif %}
{%- if events %}

export const coreEventHandler = {
  /**
   * A core event the manifest subscribes to. A thrown error is retried later
   * with the same event id.
   */
  handle(event) {
    if (event.payload.tag !== 'product-price-changed') return;
    const change = event.payload.val;
    const line = messages.priceChanged(change.productId, change.previous, change.current);
    log.info(line);
{%- if tables %}
    notes.add('events', line);
{%- endif %}
  },
};
{%- endif %}
{%- if hooks %}

export const hookHandler = {
  /**
   * Before the integrator writes a review: refuse spam, tidy the body.
   * Before-hooks run inside the integrator's transaction and may not call
   * data operations.
   */
  handle(call) {
    if (call.when !== 'before-create') return allow();
    const { body } = record(call);
    const text = typeof body === 'string' ? body : '';
    const problem = messages.reviewProblem(text);
    if (problem) return reject(problem);
    const tidy = text.trim();
    return tidy === text ? allow() : adjustOne('body', tidy);
  },
};
{%- endif %}
