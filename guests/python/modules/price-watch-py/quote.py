"""A competitor's quote as the price API writes it:
``{"product_id":"p1","price_minor":1299,"currency":"USD","seller":"Example Prices"}``.

The API is a third party: everything is checked before it is stored — the
quote must be for the product asked about, the price a whole number of
minor units, the currency an ISO 4217 code, the seller one short line."""

import re
from dataclasses import dataclass

MAX_SELLER_CHARS = 100
"""Longest seller name kept (characters)."""

_CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class Quote:
    """A competitor's price for one product."""

    price_minor: int
    """The price, in minor units of ``currency``."""
    currency: str
    """ISO 4217 code, e.g. ``USD``."""
    seller: str
    """Who sells at that price, as one line."""


class NotAQuote(ValueError):
    """The answer is not a usable quote; the message says why."""


def parse(document, product_id: str) -> Quote:
    """The quote in the parsed JSON ``document`` for ``product_id``; raises
    :class:`NotAQuote` saying what is wrong with it."""
    if not isinstance(document, dict):
        raise NotAQuote("the answer is not a JSON object")
    quoted = document.get("product_id")
    if not isinstance(quoted, str):
        raise NotAQuote("the quote has no string `product_id`")
    if quoted != product_id:
        raise NotAQuote(f"the quote is for product {quoted!r}, not {product_id!r}")
    price = document.get("price_minor")
    # bool is an int in Python; JSON's true is no price.
    if not isinstance(price, int) or isinstance(price, bool) or price < 0 or price >= 2**63:
        raise NotAQuote("`price_minor` is not a whole number of minor units, 0 or more")
    currency = document.get("currency")
    if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency):
        raise NotAQuote('`currency` is not an ISO 4217 code like "USD"')
    seller = one_line(document.get("seller")) if isinstance(document.get("seller"), str) else ""
    if not seller or len(seller) > MAX_SELLER_CHARS:
        raise NotAQuote(f"`seller` is not a name of 1 to {MAX_SELLER_CHARS} characters")
    return Quote(price, currency, seller)


def one_line(text: str) -> str:
    """``text`` with control characters and runs of white space made one
    space, trimmed."""
    words = "".join(" " if c.isspace() or not c.isprintable() else c for c in text).split()
    return " ".join(words)
