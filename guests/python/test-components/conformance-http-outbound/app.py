"""Conformance for world modgate:host/http-outbound, in Python (the Rust
twin is guests/test-components/conformance-http-outbound, whose doc lists
the settings): an allowlisted request's answer comes back whole, a POST's
body and headers arrive, a redirect comes back unfollowed, a refused
destination fails with exactly HTTP-request-denied and an allowed one that
cannot connect fails with another code."""

from kit import check, param
from modgate import Error, exported, http
from wit_world import exports


def _opt(settings: str, key: str):
    try:
        return param(settings, key)
    except Error:
        return None


def _failure(error: http.HttpError) -> str:
    return str(error) if error.code is not None else f"a refusal before sending: {error}"


def _answered(url: str, method: str, send) -> http.Response:
    try:
        return send()
    except http.HttpError as e:
        raise Error.handler(f"conformance check failed: {method} {url} gets a response: got {_failure(e)}") from None


def _expect_body(url: str, method: str, send, expected: bytes) -> None:
    r = _answered(url, method, send)
    check(r.status == 200 and r.body == expected, f"{method} {url} answers 200 {expected!r}: got {r.status} {r.body!r}")


@exported
class Lifecycle(exports.Lifecycle):
    def activate(self, s: str) -> None:
        if s.lstrip().startswith("{"):
            return
        ok = param(s, "ok")
        _expect_body(ok, "GET", lambda: http.get(ok), b"ok")
        post = _opt(s, "post")
        if post:
            _expect_body(post, "POST", lambda: http.post(post, b"ping", [("authorization", "guest-token")]), b"pong")
        redirect = _opt(s, "redirect")
        if redirect:
            r = _answered(redirect, "GET", lambda: http.get(redirect))
            check(r.is_redirect() and r.header("location") is not None,
                  f"GET {redirect} comes back as a 3xx with a location header, unfollowed: got {r.status}")
        for url in filter(None, (u.strip() for u in (_opt(s, "denied") or "").split(","))):
            try:
                r = http.get(url)
            except http.HttpError as e:
                check(e.is_denied(), f"GET {url} is HTTP-request-denied: got {_failure(e)}")
            else:
                check(False, f"GET {url} is HTTP-request-denied: got a response, status {r.status}")
        unreachable = _opt(s, "unreachable")
        if unreachable:
            try:
                r = http.get(unreachable)
            except http.HttpError as e:
                check(not e.is_denied(), f"GET {unreachable} fails with a code other than HTTP-request-denied: got {_failure(e)}")
            else:
                check(False, f"GET {unreachable} fails: got a response, status {r.status}")
