"""The module's tables: ``mod_price_watch_py_quotes``, the latest quote per
product, and ``mod_price_watch_py_ledger``, the price changes applied.
Every statement the module runs; all SQL is parameterised."""

from dataclasses import dataclass
from typing import List, Optional, Tuple

from cheaper import OurPrice
from modgate import Error, tables
from modgate.ledger import Ledger
from quote import Quote

QUOTES = "mod_price_watch_py_quotes"
LEDGER = Ledger("mod_price_watch_py_ledger")
"""The ids of the price changes whose quote was stored."""


@dataclass(frozen=True)
class Stored:
    """A quote as stored, with the shop's price it was compared with."""

    quote: Quote
    ours: OurPrice
    event_id: str
    """The price change that fetched it."""
    notified: bool
    """Whether cheaper-elsewhere was emitted for it."""
    seen_at: str
    """When it was stored (RFC 3339)."""


def already_applied(event_id: str) -> bool:
    """Whether the price change ``event_id`` was applied already (one query)."""
    found = tables.query(f"SELECT 1 FROM {LEDGER.table} WHERE event_id = ?", [event_id])
    return bool(found.rows)


def replace(product_id: str, quote: Optional[Quote], ours: OurPrice, event_id: str) -> List[Tuple[str, list]]:
    """The statements that make ``quote`` (or, with ``None``, no quote) the
    product's latest, for the ledger to run with the event's record."""
    # Delete then insert rather than an upsert: plain statements behave the
    # same on both backends, and the ledger's batch makes the pair atomic.
    delete = (f"DELETE FROM {QUOTES} WHERE product_id = ?", [product_id])
    if quote is None:
        return [delete]
    insert = (
        f"INSERT INTO {QUOTES} (product_id, price_minor, currency, seller, our_price_minor, our_currency, event_id, notified) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
        [product_id, quote.price_minor, quote.currency, quote.seller, ours.minor, ours.currency, event_id],
    )
    return [delete, insert]


def latest(product_id: str) -> Optional[Stored]:
    """The product's latest quote, if any (one query)."""
    found = tables.query(
        "SELECT price_minor, currency, seller, our_price_minor, our_currency, event_id, notified, created_at "
        f"FROM {QUOTES} WHERE product_id = ?",
        [product_id],
    )
    if not found.rows:
        return None
    row = found.rows[0]
    if len(row) != 8:
        raise Error.handler(f"quotes: unexpected row {row!r}")
    price, currency, seller, our_minor, our_currency, event_id, notified, seen_at = row
    return Stored(Quote(price, currency, seller), OurPrice(our_minor, our_currency), event_id, notified != 0, seen_at)


def claim_notice(product_id: str, event_id: str) -> bool:
    """Marks the notice of ``event_id``'s quote as sent, unless it was
    already: whether this call marked it. Marking before emitting means two
    overlapping deliveries cannot both emit."""
    return _set_notified(product_id, event_id, 1) > 0


def release_notice(product_id: str, event_id: str) -> None:
    """Gives a claimed notice back after its emit failed, so the next
    delivery emits it."""
    _set_notified(product_id, event_id, 0)


def _set_notified(product_id: str, event_id: str, notified: int) -> int:
    return tables.exec(
        f"UPDATE {QUOTES} SET notified = ? WHERE product_id = ? AND event_id = ? AND notified = ?",
        [notified, product_id, event_id, 1 - notified],
    )
