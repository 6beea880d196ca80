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

__all__ = ["Error", "ErrorCode", "exported"]


def __getattr__(name):
    # Imported on first use, so that the pure helpers (``modgate.money``,
    # ``modgate.names``) also load outside a component, in unit tests.
    if name in __all__:
        from modgate import errors

        return getattr(errors, name)
    raise AttributeError(f"module 'modgate' has no attribute {name!r}")
