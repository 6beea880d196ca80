"""The contract's typed error (``modgate:host/types.error``)."""

from componentize_py_types import Err
from wit_world.imports import types

ErrorCode = types.ErrorCode
"""The stable error codes (``ErrorCode.NOT_FOUND``, ``ErrorCode.INVALID``...)."""


class Error(Err):
    """A typed error: ``code`` is stable, ``message`` explains.

    Host calls that fail raise it (componentize-py raises ``Err`` with the
    same value; :meth:`Error.of` turns one into the other). Raised from an
    export whose result has the contract's error, it is returned to the host
    as that error; any other exception traps the invocation.
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
