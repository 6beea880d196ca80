// Serving HTTP: the host routes approved requests under `/modules/<name>/`
// to the module's `wasi:http/incoming-handler`. Import this only in modules
// that declare routes (the `serve` world), and export what `serve` returns:
//
//     export const incomingHandler = serve((request) => json(200, { hello: request.path }));
//
// (StarlingMonkey's fetch event cannot be the export: it is built for an
// older wasi:http than our worlds, see guests/build/src/javascript.rs.)
//
// The host has already checked the route and the operator's approvals,
// verified the customer's token and dropped every client-supplied
// `modgate-*` header: `request.customerId` is the verified customer.
import { Fields, OutgoingBody, OutgoingResponse, ResponseOutparam } from 'wasi:http/types@0.2.12';
import { bytes, methodName, readBody, writeBody } from './wasi-http.js';

const decoder = new TextDecoder();

/**
 * The `incomingHandler` export answering every request with
 * `handler(request)`. `request` is `{ method, path, query, headers, body,
 * header(name), customerId, tenant }` (`path` relative to the mount,
 * `query` without `?` or `null`, `headers` as `[name, bytes]`, `body` the
 * whole body as bytes); the handler returns a response (see `json`). A
 * handler that throws answers 500 with a JSON error rather than trapping.
 */
export function serve(handler) {
  return {
    handle(incoming, out) {
      let response;
      try {
        response = handler(readRequest(incoming));
      } catch (thrown) {
        response = errorResponse(500, 'internal', String(thrown && thrown.name));
      }
      send(out, response);
    },
  };
}

function readRequest(incoming) {
  const target = incoming.pathWithQuery() || '/';
  const at = target.indexOf('?');
  const headers = incoming.headers().entries();
  const header = (name) => {
    const wanted = name.toLowerCase();
    const found = headers.find(([key]) => key.toLowerCase() === wanted);
    return found ? decoder.decode(found[1]) : null;
  };
  // The host declares the exact length of the body it read; an empty one is
  // not read at all (the host calls of a GET saved), as the Rust SDK does.
  const noBody = header('content-length') === '0';
  return {
    method: methodName(incoming.method()),
    path: at < 0 ? target : target.slice(0, at),
    query: at < 0 ? null : target.slice(at + 1),
    headers,
    body: noBody ? new Uint8Array(0) : readBody(incoming.consume()),
    header,
    customerId: header('modgate-customer-id') || null,
    tenant: header('modgate-tenant'),
  };
}

/**
 * The response's headers in one host call; if the host refuses one of them
 * (e.g. `connection`), the others one by one, skipping what it refuses (it
 * filters again anyway).
 */
function responseFields(pairs) {
  const entries = pairs.map(([name, value]) => [name, bytes(value)]);
  try {
    return Fields.fromList(entries);
  } catch {
    const fields = new Fields();
    for (const [name, value] of entries) {
      try {
        fields.append(name, value);
      } catch {
        // Refused: skipped.
      }
    }
    return fields;
  }
}

function send(out, response) {
  const outgoing = new OutgoingResponse(responseFields(response.headers || []));
  outgoing.setStatusCode(response.status);
  const body = outgoing.body();
  ResponseOutparam.set(out, { tag: 'ok', val: outgoing });
  const data = bytes(response.body || '');
  if (data.length > 0) {
    writeBody(body, data);
  } else {
    OutgoingBody.finish(body, undefined);
  }
}

/** A JSON response: `value` as JSON text, with `headers` (`[name, value]`) added. */
export function json(status, value, headers = []) {
  return { status, headers: [['content-type', 'application/json'], ...headers], body: jsonText(value) };
}

/**
 * `value` as JSON text with `<`, `>` and `&` escaped (`\u003c`...), as the
 * Rust SDK writes it: the same value, but no text a browser could ever read
 * as markup, whatever a string holds.
 */
export function jsonText(value) {
  return JSON.stringify(value).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A plain-text response. */
export function text(status, body) {
  return { status, headers: [['content-type', 'text/plain; charset=utf-8']], body };
}

/** A JSON error, `{"error":{"code":…,"message":…}}`, as the other SDKs answer. */
export function errorResponse(status, code, message) {
  return json(status, { error: { code, message } });
}
