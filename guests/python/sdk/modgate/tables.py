"""The module's own tables (permission ``write:own-tables``).

Parameters are plain Python values and so are the values of the rows that
come back: ``None`` is NULL, ``int`` INTEGER (``bool`` is stored as 0/1),
``float`` REAL, ``str`` TEXT and ``bytes`` BLOB — one Python type per SQL
type, so nothing is lost either way. A refused or failing statement raises
:class:`modgate.Error` (``forbidden`` beyond the module's tables,
``invalid`` for a malformed statement or an undeclared column).
"""

from dataclasses import dataclass

from componentize_py_types import Err
from wit_world.imports import tables as _tables

from modgate.errors import Error


@dataclass
class Rows:
    """The rows a query returned: ``columns`` names them, in order."""

    columns: list
    rows: list


def query(sql: str, params=()) -> Rows:
    """Runs a SELECT; its values come back as plain Python values."""
    try:
        found = _tables.query(sql, [value(p) for p in params])
    except Err as e:
        raise Error.of(e) from None
    return Rows(found.columns, [[python(v) for v in row] for row in found.rows])


def exec(sql: str, params=()) -> int:  # noqa: A001 - the contract's name
    """Runs an INSERT, UPDATE or DELETE; returns the affected rows."""
    try:
        return _tables.exec(sql, [value(p) for p in params])
    except Err as e:
        raise Error.of(e) from None


def exec_batch(statements) -> list:
    """Runs ``(sql, params)`` pairs in one transaction: all take effect or
    none (at most 16). Returns each statement's affected rows."""
    batch = [_tables.Statement(sql, [value(p) for p in params]) for sql, params in statements]
    try:
        return _tables.exec_batch(batch)
    except Err as e:
        raise Error.of(e) from None


def value(v) -> _tables.Value:
    """The contract's value for a Python one (see the module docs)."""
    if v is None:
        return _tables.Value_Null()
    if isinstance(v, bool):
        return _tables.Value_Integer(int(v))
    if isinstance(v, int):
        return _tables.Value_Integer(v)
    if isinstance(v, float):
        return _tables.Value_Real(v)
    if isinstance(v, str):
        return _tables.Value_Text(v)
    if isinstance(v, (bytes, bytearray)):
        return _tables.Value_Blob(bytes(v))
    raise TypeError(f"no SQL value for a {type(v).__name__}: use None, int, float, str or bytes")


def python(v: _tables.Value):
    """The Python value of a contract value (NULL is ``None``)."""
    return None if isinstance(v, _tables.Value_Null) else v.value
