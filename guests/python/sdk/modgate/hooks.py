"""Data hooks: the host calls the module's ``HookHandler.handle`` with a
``HookCall`` whose records are JSON objects, and applies the ``Outcome``.

These helpers read a record and build outcomes so a module never spells
the binding's variant classes or writes JSON by hand. Import it only in
modules that declare hooks (the ``hooks`` world).
"""

import json
from typing import Any, Dict

from wit_world.exports import hook_handler as _h

from modgate.errors import Error

HookCall = _h.HookCall
When = _h.When


def moment(when: When) -> str:
    """The moment as the contract writes it, e.g. ``after-create``."""
    return when.name.lower().replace("_", "-")


def record(call: HookCall, index: int = 0) -> Dict[str, Any]:
    """Record ``index`` of the call, parsed; ``invalid`` when it is missing
    or not a JSON object."""
    try:
        value = json.loads(call.records[index])
    except (IndexError, ValueError):
        raise Error.invalid(f"the call has no JSON record {index}") from None
    if not isinstance(value, dict):
        raise Error.invalid(f"record {index} is not a JSON object")
    return value


def allow() -> _h.Outcome:
    """Go ahead unchanged."""
    return _h.Outcome_Allow()


def reject(*messages: str) -> _h.Outcome:
    """Refuse, with plain-text messages for the person who asked."""
    return _h.Outcome_Reject(list(messages))


def adjust(changes: Dict[int, Dict[str, Any]]) -> _h.Outcome:
    """Change fields: ``{record index: {field: new value}}``; each value is
    written as JSON of the field's type."""
    return _h.Outcome_Adjust(
        [
            _h.RecordChange(index, [_h.FieldChange(field, json.dumps(value)) for field, value in fields.items()])
            for index, fields in changes.items()
        ]
    )


def adjust_one(field: str, value: Any, index: int = 0) -> _h.Outcome:
    """Change one field of one record (the first by default)."""
    return adjust({index: {field: value}})
