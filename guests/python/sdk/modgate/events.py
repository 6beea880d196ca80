"""Emitting events (permission ``emit:events``).

Receiving them is an export: a class ``EventHandler`` (module events,
``mod.<module>.<event>``) or ``CoreEventHandler`` (typed core events) in
``app.py``. Delivery is at least once: key each effect on the event id with
:class:`modgate.ledger.Ledger` so it happens once.
"""

import json

from componentize_py_types import Err
from wit_world.imports import events as _events

from modgate.errors import Error


def emit(name: str, payload) -> str:
    """Publishes ``payload`` as ``mod.<this-module>.<name>``; returns the
    event id (a ULID). ``payload`` is JSON text, or a value to encode.

    ``forbidden`` for a name that is not a lowercase slug of at most 64
    characters (the host adds the prefix: a module cannot raise a core event
    or speak for another), ``invalid`` for a payload that is not JSON or is
    over 64 KiB."""
    text = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
    try:
        return _events.emit(name, text)
    except Err as e:
        raise Error.of(e) from None
