"""``product.price-changed``: ask the competitor, keep the quote, and say so
when they are cheaper (the same steps as the Rust module's ``watch.rs``).

1. Unless the ledger has the event already (a redelivery): fetch the quote
   and, through the ledger, make it the product's latest — or remove the
   product's quote when the API has none. A failed request fails the
   delivery before anything is written, so the event comes again.
2. On every delivery: when the product's quote is this event's, cheaper
   than the new price, and its notice was not sent, claim the notice and
   emit ``mod.price-watch-py.cheaper-elsewhere``. A failed emit gives the
   claim back and fails the delivery, so a retry sends it.

At most 8 operations of the event budget's 100."""

import json
import re

import cheaper
import price_api
import store
from cheaper import OurPrice
from modgate import Error, events, log, settings

_API = re.compile(r"https?://[^/?#]+(/[^?#]*)?", re.IGNORECASE)


def api(document: str) -> str:
    """The price API's base URL from the settings document, without a
    trailing ``/``. The host validated the document against the manifest's
    schema; it is checked again so a schema edited by mistake cannot send
    the module somewhere else quietly."""
    try:
        value = json.loads(document).get("api")
    except (ValueError, AttributeError):
        value = None
    if not isinstance(value, str):
        raise Error.invalid("settings: `api` is missing: set it to the price API's base URL, e.g. https://prices.example")
    if not _API.fullmatch(value):
        raise Error.invalid(f"settings: `api` must be an http:// or https:// URL without query or fragment, not {value!r}")
    return value.rstrip("/")


def price_changed(event_id: str, product_id: str, ours: OurPrice) -> None:
    """Handles one price change."""
    if not store.already_applied(event_id):
        quote = price_api.fetch(api(settings.get()), product_id)
        store.LEDGER.once(event_id, store.replace(product_id, quote, ours, event_id))
    _notify(event_id, product_id)


def _notify(event_id: str, product_id: str) -> None:
    """Emits cheaper-elsewhere for the event's quote, once."""
    stored = store.latest(product_id)
    if stored is None:
        return
    pending = stored.event_id == event_id and not stored.notified and cheaper.is_cheaper(stored.quote, stored.ours)
    if not pending or not store.claim_notice(product_id, event_id):
        return
    try:
        events.emit(cheaper.EVENT, cheaper.payload(product_id, stored.quote, stored.ours))
    except Error:
        try:
            store.release_notice(product_id, event_id)
        except Error as release:
            log.error(f"cheaper-elsewhere for {product_id} (event {event_id}) was not emitted and cannot be retried: {release}")
        raise
