// Outbound HTTP with blocking calls (the twin of the Rust SDK's
// `modgate_sdk::http`): `get`/`send` send a request and read the whole
// answer inside a synchronous export. wasi:http is called directly rather
// than through StarlingMonkey's `fetch`, so a failure keeps wasi:http's
// error code: a destination the operator's allowlist does not name fails
// with `HTTP-request-denied` (`isDenied`). URLs are passed on as written
// (userinfo, port, IP literal and all): the host decides what may be
// reached. Redirects come back unfollowed. Import this only in modules
// granted `http:outbound`.
import { handle } from 'wasi:http/outgoing-handler@0.2.12';
import { Fields, OutgoingRequest } from 'wasi:http/types@0.2.12';
import { bytes, readBody, writeBody } from './wasi-http.js';

const decoder = new TextDecoder();

/**
 * A request that got no response. `code` is wasi:http's error code as the
 * contract names it (`HTTP-request-denied`, `connection-refused`...), or
 * `null` when the request was refused before it was sent (a URL without
 * `http://`, an invalid header).
 */
export class HttpError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'HttpError';
    this.code = code;
  }

  /** The host refused the destination: permanent until the allowlist changes. */
  isDenied() {
    return this.code === 'HTTP-request-denied';
  }
}

/** `GET url`; see `send`. */
export const get = (url) => send('GET', url);

/**
 * Sends a request and reads the whole response: `{ status, headers, body,
 * header(name) }` (`headers` as `[name, bytes]`, `body` as bytes). Throws
 * `HttpError` when no response came. `body` is a string or bytes.
 */
export function send(method, url, { headers = [], body } = {}) {
  const match = /^(https?):\/\/([^/?#]*)([^#]*)/i.exec(url);
  if (!match) throw new HttpError(null, `${url}: only http:// and https:// URLs are sent`);
  const [, scheme, authority, rest] = match;
  let request;
  try {
    const fields = new Fields();
    for (const [name, value] of headers) fields.append(name, bytes(value));
    request = new OutgoingRequest(fields);
    const tag = method.toLowerCase();
    const known = ['get', 'head', 'post', 'put', 'delete', 'patch', 'options'].includes(tag);
    request.setMethod(known ? { tag } : { tag: 'other', val: method });
    request.setScheme({ tag: scheme.toLowerCase() === 'https' ? 'HTTPS' : 'HTTP' });
    request.setAuthority(authority);
    request.setPathWithQuery(rest.startsWith('/') ? rest : `/${rest}`);
  } catch (thrown) {
    throw new HttpError(null, `${method} ${url}: refused before sending: ${String(thrown)}`);
  }
  // The body is taken before the request is handed over (it cannot be
  // after) and written after, once the host is reading it.
  const outgoingBody = body === undefined ? undefined : request.body();
  let future;
  try {
    future = handle(request, undefined);
  } catch (thrown) {
    throw failed(method, url, thrown && thrown.payload);
  }
  if (outgoingBody) writeBody(outgoingBody, bytes(body));
  let answer = future.get();
  while (answer === undefined) {
    future.subscribe().block();
    answer = future.get();
  }
  if (answer.tag !== 'ok') throw new HttpError(null, `${method} ${url}: the response was already taken`);
  if (answer.val.tag !== 'ok') throw failed(method, url, answer.val.val);
  const response = answer.val.val;
  const responseHeaders = response.headers().entries();
  return {
    status: response.status(),
    headers: responseHeaders,
    body: readBody(response.consume()),
    header(name) {
      const wanted = name.toLowerCase();
      const found = responseHeaders.find(([key]) => key.toLowerCase() === wanted);
      return found ? decoder.decode(found[1]) : null;
    },
  };
}

function failed(method, url, code) {
  // The variant's tags are the contract's names (`HTTP-request-denied`).
  const name = code && typeof code.tag === 'string' ? code.tag : 'internal-error';
  return new HttpError(name, `${method} ${url}: ${name}`);
}
