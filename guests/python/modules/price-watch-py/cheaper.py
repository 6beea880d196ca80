"""Whether a quote is cheaper than the shop, and how that is told: the
``mod.price-watch-py.cheaper-elsewhere`` payload and the product card
badge."""

from dataclasses import dataclass

from modgate.money import price
from quote import Quote

EVENT = "cheaper-elsewhere"
"""The event emitted when a quote is cheaper: ``mod.price-watch-py.<EVENT>``."""

MAX_BADGE_CHARS = 80
"""Longest badge text the host accepts (characters)."""


@dataclass(frozen=True)
class OurPrice:
    """The shop's price for a product."""

    minor: int
    currency: str


def is_cheaper(quote: Quote, ours: OurPrice) -> bool:
    """Whether ``quote`` is lower than ``ours``. Prices in different
    currencies are not compared: that would need a rate the module lacks."""
    return quote.currency == ours.currency and quote.price_minor < ours.minor


def payload(product_id: str, quote: Quote, ours: OurPrice) -> dict:
    """The ``cheaper-elsewhere`` payload (the Rust module's, field for field)."""
    return {
        "product_id": product_id,
        "our_price_minor": ours.minor,
        "their_price_minor": quote.price_minor,
        "currency": quote.currency,
        "seller": quote.seller,
    }


def badge_text(quote: Quote) -> str:
    """The badge, e.g. ``Seen for $12.99 at Example Prices``: plain text the
    host accepts whatever the seller's name — no markup characters, at most
    :data:`MAX_BADGE_CHARS` characters (a long name is shortened with …)."""
    shown = price(quote.price_minor, quote.currency)
    seller = "".join(c for c in quote.seller if c not in "<>").strip()
    prefix = f"Seen for {shown} at "
    room = MAX_BADGE_CHARS - len(prefix)
    if not seller or room < 2:
        return f"Seen for {shown} elsewhere"
    if len(seller) <= room:
        return prefix + seller
    return prefix + seller[: room - 1].rstrip() + "…"
