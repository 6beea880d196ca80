"""Conformance for worlds modgate:host/subscribe-events and
modgate:commerce/subscribe-core-events, in Python (the Rust twin is
guests/test-components/conformance-subscribe-events): every delivered event
carries a ULID id, the invoked tenant, an RFC 3339 UTC timestamp and a
well-formed payload — module events a ``mod.<module>.<event>`` name and a
JSON object, core events typed ids and ISO 4217 currencies. A failed check
fails the delivery with ``handler-error`` naming it.

Settings (read with ``settings.get()`` on each delivery): when the document
contains ``tenant=<id>`` the event's tenant must be ``<id>``. A module event
whose payload contains ``"fail":true`` fails with ``handler-error`` after
its checks passed (a scripted failure for retry tests)."""

import re

from kit import check, is_ulid, is_utc_timestamp
from modgate import Error, exported, settings
from wit_world import exports
from wit_world.imports import core_events


@exported
class Lifecycle(exports.Lifecycle):
    def activate(self, s: str) -> None:
        pass


@exported
class EventHandler(exports.EventHandler):
    def handle(self, event) -> None:
        envelope(event.id, event.tenant, event.occurred_at)
        parts = event.name.split(".")
        check(
            event.name.startswith("mod.") and len(parts) == 3 and all(parts),
            "a module event is named mod.<module>.<event>",
        )
        check(event.payload.lstrip().startswith("{"), "the payload is the emitted JSON object")
        if '"fail":true' in "".join(event.payload.split()):
            raise Error.handler(f"scripted failure for {event.name} ({event.id})")


@exported
class CoreEventHandler(exports.CoreEventHandler):
    def handle(self, event) -> None:
        envelope(event.id, event.tenant, event.occurred_at)
        p = event.payload
        name = type(p).__name__.removeprefix("CorePayload_")

        def id(value: str, what: str) -> None:
            check(value != "", f"{name}: {what} is not empty")

        v = p.value
        if isinstance(p, (core_events.CorePayload_OrderCreated, core_events.CorePayload_OrderPaid)):
            id(v.order_id, "order id")
            id(v.customer_id, "customer id")
            money(name, v.total)
        elif isinstance(p, core_events.CorePayload_OrderCancelled):
            id(v.order_id, "order id")
            id(v.customer_id, "customer id")
        elif isinstance(
            p,
            (
                core_events.CorePayload_ProductCreated,
                core_events.CorePayload_ProductUpdated,
                core_events.CorePayload_ProductDeleted,
            ),
        ):
            id(v, "product id")
        elif isinstance(p, core_events.CorePayload_ProductPriceChanged):
            id(v.product_id, "product id")
            money(name, v.previous)
            money(name, v.current)
        elif isinstance(p, core_events.CorePayload_ProductStockChanged):
            id(v.product_id, "product id")
        elif isinstance(p, core_events.CorePayload_CustomerCreated):
            id(v, "customer id")
        else:
            check(False, f"a known core event (got {name})")


def envelope(id: str, tenant: str, occurred_at: str) -> None:
    """The checks every event shares."""
    check(is_ulid(id), "the event id is a ULID")
    check(tenant != "", "the event names its tenant")
    expected = expected_tenant(settings.get())
    if expected is not None:
        check(tenant == expected, f"the event is for tenant {expected}, the invoked install's (got {tenant})")
    check(is_utc_timestamp(occurred_at), "occurred-at is an RFC 3339 UTC timestamp")


def money(name: str, amount) -> None:
    iso = len(amount.currency) == 3 and all("A" <= c <= "Z" for c in amount.currency)
    check(iso, f"{name}: the currency is three upper-case letters (got {amount.currency!r})")


def expected_tenant(document: str):
    """The slug after ``tenant=`` in the settings, wherever it stands."""
    found = re.search(r"tenant=([a-z0-9-]+)", document)
    return found.group(1) if found else None
