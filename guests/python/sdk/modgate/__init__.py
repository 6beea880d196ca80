"""Write modgate modules in Python.

A module is an ``app.py`` that implements the exports of its worlds as
classes named after them (``Lifecycle``, ``IncomingHandler``,
``SlotProvider``...), built by modgate's guest build with componentize-py
against exactly the worlds its ``module.toml`` implies. This package adds
what the generated bindings (``wit_world``) leave to you:

- :class:`Error`: the contract's typed error, raised by host calls and
  raised from an export to refuse with a code (decorate the export class
  with :func:`exported`);
- :mod:`modgate.log` and :mod:`modgate.settings`: always available.

Import a capability's module only when the module was granted it: its
bindings exist only in the worlds of granted permissions.
"""

from modgate.errors import Error, ErrorCode, exported

__all__ = ["Error", "ErrorCode", "exported"]
