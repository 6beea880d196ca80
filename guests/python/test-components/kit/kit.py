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
