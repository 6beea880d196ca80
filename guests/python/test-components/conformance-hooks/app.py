"""Conformance for world modgate:host/hooks, in Python (the Rust twin is
guests/test-components/conformance-hooks, whose doc has the table of
answers): before-create upper-cases the title or rejects a forbidden one,
before-update allows, before-delete rejects a locked record, after-read
notes every record with its id, on-action doubles the quantity, and the
after-write moments log and allow."""

from modgate import Error, exported, log
from modgate.hooks import HookCall, When, adjust, adjust_one, allow, moment, record, reject
from wit_world import exports

_I64_MAX = 2**63 - 1


def _id_text(rec):
    """The record's ``id``: a string as is, a number as written."""
    value = rec.get("id")
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


@exported
class Lifecycle(exports.Lifecycle):
    def activate(self, settings: str) -> None:
        pass


@exported
class HookHandler(exports.HookHandler):
    def handle(self, call: HookCall):
        when = call.when
        if when == When.BEFORE_CREATE:
            title = record(call).get("title")
            if not isinstance(title, str):
                raise Error.invalid("conformance: the record has no string `title`")
            if "forbidden" in title:
                return reject("title contains a forbidden word")
            return adjust_one("title", title.upper())
        if when == When.BEFORE_UPDATE:
            return allow()
        if when == When.BEFORE_DELETE:
            if record(call).get("locked") is True:
                return reject("deleting is not allowed by conformance")
            return allow()
        if when == When.AFTER_READ:
            notes = {}
            for index in range(len(call.records)):
                id = _id_text(record(call, index))
                if id is not None:
                    notes[index] = {"note": f"seen {id}"}
            return adjust(notes)
        if when == When.ON_ACTION:
            quantity = record(call).get("quantity")
            if not isinstance(quantity, int) or isinstance(quantity, bool) or abs(quantity * 2) > _I64_MAX:
                raise Error.invalid("conformance: the record has no integer `quantity` to double")
            return adjust_one("quantity", quantity * 2)
        log.info(f"{moment(when)} {call.entity} {_id_text(record(call)) or ''}")
        return allow()
