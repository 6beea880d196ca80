"""The price-watch reference module in Python (``http:outbound``): the
Rust ``guests/modules/price-watch`` written with componentize-py and the
``modgate`` Python SDK, behaving the same way.

| where | file | what it does |
|---|---|---|
| ``product.price-changed`` | ``watch.py`` | ``GET {api}/v1/prices/{product_id}`` (``price_api.py``), stores the quote (``store.py``), emits ``cheaper-elsewhere`` when cheaper (``cheaper.py``) |
| ``GET /quotes/{product_id}`` | here | the stored quote as JSON |
| slot ``product-card.badges`` | here | "Seen for €95.00 at Example Prices" when cheaper |

Only the event handler makes a request: the slot and the route read the
module's table, so a shopper's page view never reaches a third party.
Each export class is decorated with :func:`modgate.exported`, so a
:class:`modgate.Error` it raises reaches the host as the contract's error.
"""

import re
from typing import List

import cheaper
import store
import watch
from modgate import Error, exported, log
from modgate.serve import Handler, Request, Response
from wit_world import exports
from wit_world.exports import slot_provider as slots
from wit_world.imports import core_events

_PRODUCT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
"""A product id as the storefront writes them; anything else names no product."""


@exported
class Lifecycle(exports.Lifecycle):
    def activate(self, settings: str) -> None:
        # A base URL the module could not use refuses the install, naming it.
        log.info(f"price-watch-py activated: quotes from {watch.api(settings)}")


@exported
class CoreEventHandler(exports.CoreEventHandler):
    def handle(self, event) -> None:
        change = event.payload
        # Only product.price-changed is subscribed: nothing else is delivered.
        if isinstance(change, core_events.CorePayload_ProductPriceChanged):
            current = change.value.current
            ours = cheaper.OurPrice(current.amount_minor, current.currency)
            watch.price_changed(event.id, change.value.product_id, ours)


class IncomingHandler(Handler):
    def serve(self, request: Request) -> Response:
        parts = request.path.strip("/").split("/")
        if request.method != "GET" or len(parts) != 2 or parts[0] != "quotes":
            return Response.error(404, "not-found", "no such price-watch endpoint")
        product = parts[1]
        if not _PRODUCT_ID.fullmatch(product):
            return Response.error(400, "invalid", "a product id is 1 to 64 letters, digits, '-' or '_'")
        try:
            stored = store.latest(product)
        except Error as e:
            log.warn(f"GET /quotes/{product}: {e}")
            return Response.error(500, "internal", "the quote could not be read")
        if stored is None:
            return Response.error(404, "no-quote", "the price API has given no quote for this product yet")
        return Response.json(
            200,
            {
                "product_id": product,
                "price_minor": stored.quote.price_minor,
                "currency": stored.quote.currency,
                "seller": stored.quote.seller,
                "our_price_minor": stored.ours.minor,
                "our_currency": stored.ours.currency,
                "cheaper": cheaper.is_cheaper(stored.quote, stored.ours),
                "seen_at": stored.seen_at,
            },
        )


@exported
class SlotProvider(exports.SlotProvider):
    def render(self, request: slots.SlotRequest) -> List[slots.Widget]:
        product = request.product_id
        if product is None or not _PRODUCT_ID.fullmatch(product):
            return []
        # One query, no request: the slot budget is 10 operations.
        stored = store.latest(product)
        if stored is None or not cheaper.is_cheaper(stored.quote, stored.ours):
            return []
        return [slots.Widget_Badge(slots.Badge(cheaper.badge_text(stored.quote), slots.Tone.INFO))]
