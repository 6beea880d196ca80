// Reading and writing wasi:http bodies with blocking calls, shared by
// `modgate/serve` and `modgate/http`: an invocation is synchronous, so a
// guest blocks on each stream rather than running an event loop.
import { IncomingBody, OutgoingBody } from 'wasi:http/types@0.2.12';

const READ_CHUNK = 64n * 1024n;
// `blocking-write-and-flush` accepts at most 4096 bytes per call.
const WRITE_CHUNK = 4096;
const encoder = new TextEncoder();

/** `text` (a string or bytes) as bytes. */
export function bytes(text) {
  return typeof text === 'string' ? encoder.encode(text) : text;
}

/** Reads an incoming body to its end and finishes it. */
export function readBody(body) {
  const stream = body.stream();
  const chunks = [];
  let length = 0;
  for (;;) {
    let chunk;
    try {
      chunk = stream.blockingRead(READ_CHUNK);
    } catch (thrown) {
      // `closed` ends the body; a failed read is an error.
      if (thrown && thrown.payload && thrown.payload.tag === 'closed') break;
      throw thrown;
    }
    chunks.push(chunk);
    length += chunk.length;
  }
  // The stream is a child of the body: it must go before the body finishes.
  stream[Symbol.dispose]();
  IncomingBody.finish(body);
  const all = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  return all;
}

/** Writes `data` (bytes) to an outgoing body and finishes it. */
export function writeBody(body, data) {
  const stream = body.write();
  for (let at = 0; at < data.length; at += WRITE_CHUNK) {
    stream.blockingWriteAndFlush(data.subarray(at, at + WRITE_CHUNK));
  }
  stream[Symbol.dispose]();
  OutgoingBody.finish(body, undefined);
}

/** The method as upper-case text, from wasi:http's variant. */
export function methodName(method) {
  return method.tag === 'other' ? method.val.toUpperCase() : method.tag.toUpperCase();
}
