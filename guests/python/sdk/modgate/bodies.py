"""Reading and writing wasi:http bodies with blocking calls, shared by
:mod:`modgate.serve` and :mod:`modgate.http` (it needs only
``wasi:http/types``, which both worlds import)."""

from typing import Optional

from componentize_py_types import Err
from wit_world.imports import http_types, streams

# `blocking-write-and-flush` takes at most 4096 bytes per call.
_WRITE_CHUNK = 4096
_READ_CHUNK = 64 * 1024


class BodyTooLarge(Exception):
    """The body is longer than the reader's limit."""


def read_body(body: http_types.IncomingBody, limit: Optional[int] = None) -> bytes:
    """Reads an incoming body (a request's or a response's) to its end;
    raises :class:`BodyTooLarge` as soon as it passes ``limit`` bytes."""
    chunks = []
    read = 0
    stream = body.stream()
    while True:
        try:
            chunk = stream.blocking_read(_READ_CHUNK)
        except Err as e:
            if isinstance(e.value, streams.StreamError_Closed):
                break
            raise
        read += len(chunk)
        if limit is not None and read > limit:
            stream.__exit__(None, None, None)
            raise BodyTooLarge(f"the body is over {limit} bytes")
        chunks.append(chunk)
    stream.__exit__(None, None, None)
    http_types.IncomingBody.finish(body)
    return b"".join(chunks)


def write_body(body: http_types.OutgoingBody, data: bytes) -> None:
    """Writes ``data`` to an outgoing body and finishes it."""
    stream = body.write()
    for start in range(0, len(data), _WRITE_CHUNK):
        stream.blocking_write_and_flush(data[start : start + _WRITE_CHUNK])
    stream.__exit__(None, None, None)
    http_types.OutgoingBody.finish(body, None)
