"""Helpers shared by the Python conformance components (the twin of the
Rust ``conformance-kit``): expectations arrive in the settings string as
``key=value`` pairs separated by ``;``; checks run in ``activate``, which
fails naming the first one that did not hold."""

from modgate import Error, ErrorCode
from modgate.errors import code_name


def param(settings: str, key: str) -> str:
    for pair in settings.split(";"):
        k, sep, v = pair.partition("=")
        if sep and k.strip() == key:
            return v.strip()
    raise Error.invalid(f"conformance settings lack `{key}`")


def check(holds: bool, what: str) -> None:
    if not holds:
        raise Error.handler(f"conformance check failed: {what}")


def expect_code(call, code: ErrorCode, what: str) -> None:
    """Calls ``call()`` and fails unless it raised the typed error ``code``."""
    try:
        call()
    except Error as e:
        got = e
    except Exception as e:  # componentize-py's Err from a raw binding
        got = Error.of(e) if hasattr(e, "value") else None
        if got is None:
            raise
    else:
        raise Error.handler(f"conformance check failed: {what}: expected {code_name(code)}, got success")
    if got.code != code:
        raise Error.handler(f"conformance check failed: {what}: expected {code_name(code)}, got {got}")


def is_ulid(id: str) -> bool:
    """A ULID as the host writes them: 26 upper-case Crockford base32
    characters (no I, L, O, U), the first at most ``7``."""
    return len(id) == 26 and all(c in "0123456789ABCDEFGHJKMNPQRSTVWXYZ" for c in id) and id[0] <= "7"


def is_utc_timestamp(timestamp: str) -> bool:
    """Looks like an RFC 3339 UTC timestamp (``2026-12-01T10:00:00Z``,
    optionally with fractional seconds)."""
    t = timestamp
    return len(t) >= 20 and t[4] == "-" and t[7] == "-" and t[10] == "T" and t[13] == ":" and t[16] == ":" and t.endswith("Z")
