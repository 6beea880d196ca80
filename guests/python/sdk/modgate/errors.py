"""The contract's typed error (``modgate:host/types.error``)."""

import functools

from componentize_py_types import Err
from wit_world.imports import types

ErrorCode = types.ErrorCode
"""The stable error codes (``ErrorCode.NOT_FOUND``, ``ErrorCode.INVALID``...)."""


class Error(Err):
    """A typed error: ``code`` is stable, ``message`` explains.

    Host calls that fail raise it (componentize-py raises ``Err`` with the
    same value; :meth:`Error.of` turns one into the other). Raised from an
    export class decorated with :func:`exported`, it is returned to the host
    as that error; without it, or any other exception, traps the invocation
    (componentize-py 0.25 returns only an exception of exactly type ``Err``).
    """

    def __init__(self, code: ErrorCode, message: str):
        object.__setattr__(self, "value", types.Error(code, message))
        Exception.__init__(self, f"{code_name(code)}: {message}")

    @property
    def code(self) -> ErrorCode:
        return self.value.code

    @property
    def message(self) -> str:
        return self.value.message

    @classmethod
    def of(cls, err: Err) -> "Error":
        """The typed error carried by a host call's ``Err``."""
        if isinstance(err, Error):
            return err
        return cls(err.value.code, err.value.message)

    @classmethod
    def invalid(cls, message: str) -> "Error":
        return cls(ErrorCode.INVALID, message)

    @classmethod
    def handler(cls, message: str) -> "Error":
        return cls(ErrorCode.HANDLER_ERROR, message)

    @classmethod
    def not_found(cls, message: str) -> "Error":
        return cls(ErrorCode.NOT_FOUND, message)


def code_name(code: ErrorCode) -> str:
    """The code as the contract writes it: ``not-found``, ``budget-exhausted``."""
    return code.name.lower().replace("_", "-")


def exported(cls):
    """Class decorator for an export class (``Lifecycle``, ``EventHandler``...):
    an :class:`Error` raised from one of its methods is returned to the host
    as the contract's error instead of trapping. componentize-py accepts only
    an exception of exactly type ``Err`` from an export, not a subclass, so
    each public method re-raises an :class:`Error` as a plain ``Err``."""
    for name, method in list(vars(cls).items()):
        if callable(method) and not name.startswith("_"):
            setattr(cls, name, _returning_errors(method))
    return cls


def _returning_errors(method):
    @functools.wraps(method)
    def call(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except Error as e:
            raise Err(e.value) from None

    return call
