"""Conformance for world modgate:host/email-send, in Python (the Rust twin is
guests/test-components/conformance-email-send): ``send`` queues a message to
one bare address; ``send_to_customer`` answers ``True`` for a customer of
this tenant with an address and ``False``, indistinguishably, for one who
opted out, was erased, does not exist or belongs to another tenant; every
header-injection and address-smuggling shape is ``invalid`` and the message
names the field.

Settings (``key=value;...``; the install's ``{...}`` does nothing):
``valid=<id>``, ``suppressed=<id>,<id>,...``, ``to=<address>``. Queues
exactly two messages: one ``send`` to ``to`` and one ``send_to_customer`` to
``valid``, subject ``Conformance``."""

from kit import check, param
from modgate import Error, ErrorCode, email, exported
from wit_world import exports

SUBJECT = "Conformance"
TEXT = "Line one.\r\nLine two,\tindented.\n"

_LABEL = "x" * 60
REFUSED_ADDRESSES = [
    ("Ada <a@b.example>", "a display name"),
    ("<a@b.example>", "an angle-bracketed address"),
    ("a@b.example, c@d.example", "two recipients"),
    ("a@b.example\r\nBcc: x@y.example", "a CRLF-injected Bcc"),
    ("a@b.example\nBcc: x@y.example", "an LF-injected Bcc"),
    ('"a b"@b.example', "a quoted local part"),
    ("a@[127.0.0.1]", "a domain literal"),
    ("a@localhost", "a single-label domain"),
    ("a%c.example@b.example", "a % hack"),
    ("a@bücher.example", "a non-ASCII domain"),
    ("ä@b.example", "a non-ASCII local part"),
    ("a(x)@b.example", "a comment"),
    ("team: a@b.example;", "a group"),
    ("@a.example:b@c.example", "a source route"),
    ("a@b.example\0", "a NUL"),
    ("", "an empty address"),
    (f"a@{_LABEL}.{_LABEL}.{_LABEL}.{_LABEL}.{_LABEL}.example", f"a {2 + 5 * 61 + 7}-byte address"),
]

REFUSED_SUBJECTS = [
    ("Hello\r\nBcc: x@y.example", "a CRLF in a subject"),
    ("Hello\nthere", "an LF in a subject"),
    ("Hello\0", "a NUL in a subject"),
    ("Hello\x85there", "a C1 control (NEL) in a subject"),
    ("Hello\u2028there", "a line separator in a subject"),
]

REFUSED_TEXTS = [
    ("Hello\0there", "a NUL in the text"),
    ("Hello\x1b[31mthere", "an ESC in the text"),
]

REFUSED_CUSTOMERS = [
    ("", "an empty customer id"),
    ("c" * 129, "a 129-character customer id"),
    ("cu-1\n", "a customer id with a line break"),
]


def expect_invalid(call, field: str, what: str) -> None:
    """Fails unless ``call()`` is refused ``invalid`` naming ``field``."""
    try:
        call()
    except Error as e:
        check(e.code == ErrorCode.INVALID, f"{what}: expected Invalid, got {e}")
        check(field in e.message, f"{what}: the message names `{field}`: {e.message}")
    else:
        check(False, f"{what}: expected Invalid, got success")


@exported
class Lifecycle(exports.Lifecycle):
    def activate(self, s: str) -> None:
        if s.lstrip().startswith("{"):
            return
        valid, suppressed, to = param(s, "valid"), param(s, "suppressed"), param(s, "to")

        email.send(to, SUBJECT, TEXT)
        check(email.send_to_customer(valid, SUBJECT, TEXT), "send-to-customer queues for a consenting customer with an address")
        for customer in (c.strip() for c in suppressed.split(",")):
            if customer:
                check(
                    not email.send_to_customer(customer, SUBJECT, TEXT),
                    f"send-to-customer({customer}) is false: opted out, erased, unknown or another tenant's",
                )

        for address, what in REFUSED_ADDRESSES:
            expect_invalid(lambda: email.send(address, SUBJECT, TEXT), "to", f"sending to {what}")
        for subject, what in REFUSED_SUBJECTS:
            expect_invalid(lambda: email.send(to, subject, TEXT), "subject", what)
        expect_invalid(
            lambda: email.send_to_customer(valid, "Hello\r\nBcc: x@y.example", TEXT),
            "subject",
            "a CRLF in a subject to a customer",
        )
        for text, what in REFUSED_TEXTS:
            expect_invalid(lambda: email.send(to, SUBJECT, text), "text", what)
        for customer, what in REFUSED_CUSTOMERS:
            expect_invalid(lambda: email.send_to_customer(customer, SUBJECT, TEXT), "customer", what)
