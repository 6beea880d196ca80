"""Conformance for world modgate:host/emit-events, in Python (the Rust twin
is guests/test-components/conformance-emit-events): ``emit`` returns a fresh
ULID per event; a name that is not a lowercase slug of at most 64 characters
is ``forbidden``, a payload that is not JSON or is over 64 KiB ``invalid``.

Settings: ``tenant=<id>`` runs the checks (the install's ``{...}`` does
nothing). Emits ``mod.conformance.item-added`` twice (payload ``{"n":1}``)
and ``mod.conformance.<64 × a>`` once (payload ``{}``)."""

from kit import check, expect_code, is_ulid, param
from modgate import ErrorCode, events, exported
from wit_world import exports

MAX_PAYLOAD = 64 * 1024
"""The largest payload the host accepts by default."""

REFUSED_NAMES = [
    ("order.paid", "a core event's name"),
    ("mod.other.item-added", "another module's full name"),
    ("other.item-added", "a dotted name"),
    ("a\x07b", "a control character"),
    ("a\nb", "a newline"),
    ("a b", "a space"),
    ("a" * 65, "a 65-character name"),
    ("", "an empty name"),
    ("Item-Added", "upper case"),
    ("-x", "a leading dash"),
    ("x_y", "an underscore"),
]


@exported
class Lifecycle(exports.Lifecycle):
    def activate(self, s: str) -> None:
        if s.lstrip().startswith("{"):
            return
        param(s, "tenant")

        first = events.emit("item-added", '{"n":1}')
        check(is_ulid(first), "emit returns the event id, a ULID")
        second = events.emit("item-added", '{"n":1}')
        check(is_ulid(second) and second != first, "each emit gets its own id, equal payloads too")
        events.emit("a" * 64, "{}")

        for name, what in REFUSED_NAMES:
            expect_code(lambda: events.emit(name, '{"n":1}'), ErrorCode.FORBIDDEN, f"emitting {what}")

        oversized = '"' + "x" * (MAX_PAYLOAD + 1 - 2) + '"'
        check(len(oversized) == MAX_PAYLOAD + 1, "the oversized payload is 64 KiB + 1 byte")
        for payload, what in [
            ("not json", "a payload that is not JSON"),
            ("", "an empty payload"),
            (oversized, "a JSON payload over 64 KiB"),
        ]:
            expect_code(lambda: events.emit("item-added", payload), ErrorCode.INVALID, what)
