"""Sending email (permission ``email:send``, acknowledged by the operator).

The module chooses the recipient, the subject and the plain text; the host
sets every header. A refused field is ``invalid`` and the message names it;
each call counts against the module's rate limit (``rate-limited``). Sent
from an event handler, the same message for the same event is queued once.
"""

from componentize_py_types import Err
from wit_world.imports import email as _email

from modgate.errors import Error


def send(to: str, subject: str, text: str) -> None:
    """Queues a plain-text message to the one bare address ``to``."""
    try:
        _email.send(_email.Message(to, subject, text))
    except Err as e:
        raise Error.of(e) from None


def send_to_customer(customer_id: str, subject: str, text: str) -> bool:
    """Queues a message to a customer of this tenant, addressed by the host.
    ``False`` when not queued: unknown, opted out or erased, which the
    module cannot tell apart on purpose — an answer, not a failure."""
    try:
        return _email.send_to_customer(customer_id, subject, text)
    except Err as e:
        raise Error.of(e) from None
