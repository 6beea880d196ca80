"""Exactly-once effects for at-least-once deliveries (the twin of the Rust
SDK's ``ledger``).

The host delivers an event until its handler succeeds, so a handler can run
more than once for the same event. A :class:`Ledger` makes its writes happen
once per event id: it records the id and runs the effect's statements in one
``exec_batch`` (one transaction), so the id is recorded if and only if the
effect happened. A redelivery's batch fails on the ledger's UNIQUE
``event_id`` and changes nothing; a lookup then tells it from a real
failure. The key is the event id, never the payload.

The ledger table is one of the module's own tables (``write:own-tables``)::

    [[tables]]
    name = "mod_wishlist_ledger"
    columns = [{ name = "event_id", type = "text", nullable = false, unique = true }]
"""

from modgate import tables
from modgate.errors import Error
from modgate.names import check_module_table

APPLIED = "applied"
"""The effect ran now, and the event id was recorded with it."""

ALREADY_APPLIED = "already-applied"
"""The id was recorded before: the effect ran on an earlier delivery."""


class Ledger:
    """The ids of the events whose effect was applied, kept in ``table``."""

    def __init__(self, table: str):
        self.table = table

    def once(self, event_id: str, effect) -> str:
        """Runs ``effect`` (``(sql, params)`` INSERT, UPDATE or DELETE pairs,
        at most 15) unless ``event_id`` was recorded; records it atomically
        with the effect. Returns :data:`APPLIED` or :data:`ALREADY_APPLIED`.

        A raised error means nothing took effect: let it propagate from the
        handler, so the delivery is retried."""
        try:
            check_module_table(self.table)
        except ValueError as e:
            raise Error.invalid(f"ledger: {e}") from None
        if not event_id:
            raise Error.invalid("ledger: the event id is empty")
        record = (f"INSERT INTO {self.table} (event_id) VALUES (?)", [event_id])
        try:
            tables.exec_batch([record, *effect])
            return APPLIED
        except Error as failed:
            seen = tables.query(f"SELECT 1 FROM {self.table} WHERE event_id = ?", [event_id])
            if not seen.rows:
                raise failed from None
            return ALREADY_APPLIED
