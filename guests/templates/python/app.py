"""{{ name }}: a modgate module made by ``modgate new``. README.md says how
to build it, run it against fixtures and read its budget report.

What it says lives in ``messages.py``, apart from the host calls, so
``python3 -m unittest`` checks it without a host.

Each export is a class named after its interface. Those decorated with
:func:`modgate.exported` return a raised :class:`modgate.Error` to the host
as the contract's error; any other exception traps the invocation.
"""

import messages
{%- if tables %}
import notes
{%- endif %}
from modgate import exported, log
{%- if serve and tables %}
from modgate import Error
from modgate.errors import code_name
{%- endif %}
{%- if serve %}
from modgate.serve import Handler, Request, Response
{%- endif %}
{%- if events %}
from modgate.money import price
{%- endif %}
{%- if hooks %}
from modgate.hooks import HookCall, When, adjust_one, allow, record, reject
{%- endif %}
from wit_world import exports
{%- if slots %}
from wit_world.exports import slot_provider as slots
{%- endif %}
{%- if events %}
from wit_world.imports import core_events
{%- endif %}

NAME = "{{ name }}"
"""The module's name, as module.toml declares it."""


@exported
class Lifecycle(exports.Lifecycle):
    def activate(self, settings: str) -> None:
        """Runs once per install and upgrade, with the install's settings (JSON)."""
        log.info(messages.activated(NAME))
{%- if tables and not serve and not events %}
        notes.add(NAME, "activated")
{%- endif %}
{%- if serve %}


class IncomingHandler(Handler):
    def serve(self, request: Request) -> Response:
        """Every request under /modules/{{ name }}/ whose route the manifest
        declares (and the operator approved). The customer is the one the
        host verified; never trust one named in the request."""
        customer = request.customer_id
        segments = [segment for segment in request.path.split("/") if segment]
        match (request.method, segments):
            case ("GET", ["hello"]):
                return Response.json(200, messages.hello(NAME, customer))
{%- if tables %}
            case ("GET", ["notes"]):
                try:
                    return Response.json(200, notes.newest())
                except Error as e:
                    return _failed(e, "listing notes failed")
            case ("POST", ["notes"]):
                if customer is None:
                    return Response.error(401, "login-required", "sign in to leave a note")
                text = request.body.decode(errors="replace").strip()
                problem = messages.note_problem(text)
                if problem is not None:
                    return Response.error(400, "invalid-note", problem)
                try:
                    notes.add(customer, text)
                except Error as e:
                    return _failed(e, "saving the note failed")
                return Response(201)
{%- endif %}
            case _:
                return Response.error(404, "not-found", "no such endpoint")
{%- if tables %}


# The answer to a failed host call, as the Rust SDK's `Response::from_error`
# gives it (the Python SDK has no such helper): the caller's mistake or a busy
# host is said; anything else is logged and answers 500 without the details.
_FAILURES = {
    "invalid": (400, "invalid"),
    "not-found": (404, "not-found"),
    "budget-exhausted": (503, "busy"),
    "rate-limited": (503, "busy"),
    "busy": (503, "busy"),
    "timeout": (504, "timeout"),
}


def _failed(error: Error, internal_message: str) -> Response:
    status, code = _FAILURES.get(code_name(error.code), (500, "internal"))
    if status == 500:
        log.error(f"request failed: {code_name(error.code)}: {error.message}")
        return Response.error(status, code, internal_message)
    return Response.error(status, code, error.message)
{%- endif %}
{%- endif %}
{%- if slots %}


@exported
class SlotProvider(exports.SlotProvider):
    def render(self, request: slots.SlotRequest) -> list[slots.Widget]:
        """The widgets for one slot the manifest lists."""
        widgets = [slots.Widget_Badge(slots.Badge(messages.badge(NAME), slots.Tone.INFO))]
        if request.product_id is not None:
            widgets.append(slots.Widget_Text(request.product_id))
        return widgets
{%- endif %}
{%- if events %}


@exported
class CoreEventHandler(exports.CoreEventHandler):
    def handle(self, event) -> None:
        """A core event the manifest subscribes to. A raised error is
        retried later with the same event id."""
        if isinstance(event.payload, core_events.CorePayload_ProductPriceChanged):
            change = event.payload.value
            # Prices arrive in minor units; the SDK writes them as shoppers read them.
            line = messages.price_changed(
                change.product_id,
                price(change.previous.amount_minor, change.previous.currency),
                price(change.current.amount_minor, change.current.currency),
            )
            log.info(line)
{%- if tables %}
            notes.add("events", line)
{%- endif %}
{%- endif %}
{%- if hooks %}


@exported
class HookHandler(exports.HookHandler):
    def handle(self, call: HookCall):
        """Before the integrator writes a review: refuse spam, tidy the body.
        Before-hooks run inside the integrator's transaction and may not
        call data operations."""
        if call.when != When.BEFORE_CREATE:
            return allow()
        body = record(call).get("body")
        if not isinstance(body, str):
            body = ""
        problem = messages.review_problem(body)
        if problem is not None:
            return reject(problem)
        tidy = body.strip()
        if tidy == body:
            return allow()
        return adjust_one("body", tidy)
{%- endif %}
