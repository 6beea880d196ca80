"""Serving HTTP: the host routes approved requests under
``/modules/<name>/`` to the module's ``IncomingHandler``.

Subclass :class:`Handler` as ``IncomingHandler`` in ``app.py`` and
implement :meth:`Handler.serve`; it turns wasi:http's resources into a
whole :class:`Request` and your :class:`Response` back, so a module never
touches streams. The host has already checked the route and the operator's
approvals, verified the customer's token and dropped every client-supplied
``modgate-*`` header: :attr:`Request.customer_id` is the verified customer.

Import it only in modules that declare routes (the ``serve`` world).
"""

import json
from dataclasses import dataclass, field
from typing import List, Optional, Tuple
from urllib.parse import unquote_plus

from componentize_py_types import Err, Ok
from wit_world import exports
from wit_world.imports import http_types

from modgate.bodies import read_body, write_body

_CUSTOMER_HEADER = "modgate-customer-id"
_TENANT_HEADER = "modgate-tenant"
# Outside strings JSON has none of these characters, so escaping them
# everywhere changes no value.
_MARKUP_ESCAPES = {ord(c): f"\\u{ord(c):04x}" for c in "<>&"}


@dataclass
class Request:
    """An HTTP request as the module sees it, body read whole."""

    method: str
    """Upper-case method, e.g. ``GET``."""
    path: str
    """The path relative to the module's mount, e.g. ``/items``."""
    query: Optional[str]
    """The raw query string without ``?``, if any."""
    headers: List[Tuple[str, bytes]]
    """Headers (lower-case names), as the host passed them on."""
    body: bytes

    def header(self, name: str) -> Optional[str]:
        """The first value of a header, when it is valid UTF-8."""
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                try:
                    return value.decode()
                except UnicodeDecodeError:
                    return None
        return None

    @property
    def customer_id(self) -> Optional[str]:
        """The customer the host verified from their token; ``None`` when
        anonymous. Never taken from the body or query."""
        return self.header(_CUSTOMER_HEADER) or None

    @property
    def tenant(self) -> Optional[str]:
        """The tenant the request is served for."""
        return self.header(_TENANT_HEADER)

    def query_param(self, name: str) -> Optional[str]:
        """A query parameter, percent-decoded; the first occurrence wins."""
        for pair in (self.query or "").split("&"):
            key, _, value = pair.partition("=")
            if unquote_plus(key) == name:
                return unquote_plus(value)
        return None

    def json(self):
        """The body parsed as JSON (raises ``ValueError`` when it is not)."""
        return json.loads(self.body)


@dataclass
class Response:
    """An HTTP response. The host drops headers that act beyond it
    (cookies, CORS, caching...), sets the length itself and serves it under
    a sandboxing Content-Security-Policy (see ``docs/http.md``)."""

    status: int
    headers: List[Tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    @classmethod
    def json(cls, status: int, value) -> "Response":
        """``value`` as compact JSON text, with ``<``, ``>`` and ``&`` escaped
        (``\\u003c``...) as the Rust SDK writes it: the same value, but no
        text a browser could ever read as markup."""
        text = json.dumps(value, separators=(",", ":")).translate(_MARKUP_ESCAPES)
        return cls(status, [("content-type", "application/json")], text.encode())

    @classmethod
    def text(cls, status: int, text: str) -> "Response":
        """A plain-text response."""
        return cls(status, [("content-type", "text/plain; charset=utf-8")], text.encode())

    @classmethod
    def error(cls, status: int, code: str, message: str) -> "Response":
        """A JSON error: ``{"error":{"code":…,"message":…}}``, the shape the
        Rust SDK answers."""
        return cls.json(status, {"error": {"code": code, "message": message}})

    def with_header(self, name: str, value: str) -> "Response":
        """The same response with one more header."""
        self.headers.append((name, value))
        return self


class Handler(exports.IncomingHandler):
    """The ``wasi:http/incoming-handler`` export: name your subclass
    ``IncomingHandler`` and implement :meth:`serve`. An exception from
    ``serve`` answers 500 (and is logged by the host as a failure)."""

    def serve(self, request: Request) -> Response:
        raise NotImplementedError

    def handle(self, request: http_types.IncomingRequest, response_out: http_types.ResponseOutparam) -> None:
        try:
            response = self.serve(_read_request(request))
        except Exception as e:  # a failing module answers, it does not trap
            response = Response.error(500, "internal", type(e).__name__)
        _send(response_out, response)


def _method_name(method: http_types.Method) -> str:
    if isinstance(method, http_types.Method_Other):
        return method.value.upper()
    return type(method).__name__.removeprefix("Method_").upper()


def _read_request(request: http_types.IncomingRequest) -> Request:
    target = request.path_with_query() or "/"
    path, sep, query = target.partition("?")
    headers = request.headers().entries()
    # The host declares the exact length of the body it read; an empty one
    # is not read at all (the host calls of a GET saved), as the Rust SDK does.
    body = b"" if _declares_no_body(headers) else read_body(request.consume())
    return Request(
        method=_method_name(request.method()),
        path=path,
        query=query if sep else None,
        headers=headers,
        body=body,
    )


def _declares_no_body(headers: List[Tuple[str, bytes]]) -> bool:
    """Whether `content-length` says 0; absent or anything else: read it."""
    for name, value in headers:
        if name.lower() == "content-length":
            return value == b"0"
    return False


def _response_fields(headers: List[Tuple[str, str]]) -> http_types.Fields:
    """The response's headers in one host call; if the host refuses one
    (e.g. `connection`), the others one by one, skipping what it refuses
    (it filters again anyway)."""
    entries = [(name, value.encode()) for name, value in headers]
    try:
        return http_types.Fields.from_list(entries)
    except Err:
        fields = http_types.Fields()
        for name, value in entries:
            try:
                fields.append(name, value)
            except Err:
                pass
        return fields


def _send(out: http_types.ResponseOutparam, response: Response) -> None:
    outgoing = http_types.OutgoingResponse(_response_fields(response.headers))
    try:
        outgoing.set_status_code(response.status)
    except Err:
        outgoing.set_status_code(500)
    body = outgoing.body()
    http_types.ResponseOutparam.set(out, Ok(outgoing))
    if response.body:
        write_body(body, response.body)
    else:
        http_types.OutgoingBody.finish(body, None)
