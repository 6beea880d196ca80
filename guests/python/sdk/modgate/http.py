"""Outbound HTTP with blocking calls (the twin of the Rust SDK's
``modgate_sdk::http``): one function call sends a request and reads the
whole answer, without asyncio (an invocation is synchronous, and
componentize-py's ``poll_loop`` expects wasi:http's types under a module
name modgate gives to its own).

URLs are passed on as written — userinfo, port, IP literal and all —
because the host decides what may be reached: a destination the
operator's allowlist does not name fails with ``HTTP-request-denied``
(:meth:`HttpError.is_denied`). Redirects come back as they are, never
followed. Import it only in modules granted ``http:outbound``.
"""

from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from componentize_py_types import Err, Ok
from wit_world.imports import http_types, outgoing_handler

from modgate.bodies import BodyTooLarge, read_body, write_body


class HttpError(Exception):
    """A request that got no response: ``code`` is wasi:http's error code
    (``None`` when the request was refused before it was sent, e.g. a URL
    without ``http://``)."""

    def __init__(self, code: Optional[http_types.ErrorCode], message: str):
        super().__init__(message)
        self.code = code

    def is_denied(self) -> bool:
        """The host refused the destination (``HTTP-request-denied``):
        permanent until the operator changes the allowlist."""
        return isinstance(self.code, http_types.ErrorCode_HttpRequestDenied)


@dataclass
class Response:
    """A whole response."""

    status: int
    headers: List[Tuple[str, bytes]]
    body: bytes

    def header(self, name: str) -> Optional[str]:
        """The first value of a header (any letter case), as text."""
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value.decode(errors="replace")
        return None

    def is_redirect(self) -> bool:
        return 300 <= self.status < 400


def get(url: str, headers: Sequence[Tuple[str, str]] = (), max_response_body: Optional[int] = None) -> Response:
    """``GET url``."""
    return send("GET", url, headers, max_response_body=max_response_body)


def post(url: str, body: bytes, headers: Sequence[Tuple[str, str]] = ()) -> Response:
    """``POST url`` with ``body`` (bytes or text)."""
    return send("POST", url, headers, body)


def send(
    method: str,
    url: str,
    headers: Sequence[Tuple[str, str]] = (),
    body: Optional[bytes] = None,
    max_response_body: Optional[int] = None,
) -> Response:
    """Sends a request and reads the whole response; raises
    :class:`HttpError` when no response came, or when its body is longer
    than ``max_response_body`` bytes (the reading stops there)."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        raise HttpError(None, f"{url!r}: only http:// and https:// URLs are sent")
    rest = rest.partition("#")[0]
    end = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    authority, target = rest[:end], rest[end:]
    if not target.startswith("/"):
        target = "/" + target
    fields = http_types.Fields()
    try:
        for name, value in headers:
            fields.append(name, value.encode() if isinstance(value, str) else value)
        request = http_types.OutgoingRequest(fields)
        request.set_method(_METHODS.get(method.upper()) or http_types.Method_Other(method))
        request.set_scheme(http_types.Scheme_Https() if scheme.lower() == "https" else http_types.Scheme_Http())
        request.set_authority(authority)
        request.set_path_with_query(target)
    except Err as e:
        raise HttpError(None, f"{method} {url}: refused before sending: {e.value}") from None
    # The body is taken before the request is handed over (it cannot be
    # after) and written after, once the host is reading it.
    outgoing_body = request.body() if body is not None else None
    try:
        future = outgoing_handler.handle(request, None)
    except Err as e:
        raise HttpError(e.value, f"{method} {url}: {_code_name(e.value)}") from None
    if outgoing_body is not None:
        write_body(outgoing_body, body.encode() if isinstance(body, str) else body)
    answer = future.get()
    while answer is None:
        future.subscribe().block()
        answer = future.get()
    if not isinstance(answer, Ok):
        raise HttpError(None, f"{method} {url}: the response was already taken")
    result = answer.value
    if isinstance(result, Err):
        raise HttpError(result.value, f"{method} {url}: {_code_name(result.value)}")
    response = result.value
    try:
        answer_body = read_body(response.consume(), max_response_body)
    except BodyTooLarge as e:
        raise HttpError(None, f"{method} {url}: {e}") from None
    return Response(response.status(), response.headers().entries(), answer_body)


_METHODS = {
    "GET": http_types.Method_Get(),
    "HEAD": http_types.Method_Head(),
    "POST": http_types.Method_Post(),
    "PUT": http_types.Method_Put(),
    "DELETE": http_types.Method_Delete(),
    "PATCH": http_types.Method_Patch(),
    "OPTIONS": http_types.Method_Options(),
}


def _code_name(code: http_types.ErrorCode) -> str:
    """The wasi:http code's class name, e.g. ``HttpRequestDenied``."""
    return type(code).__name__.removeprefix("ErrorCode_")
