"""The install's settings (always available, in every context)."""

import json

from wit_world.imports import settings as _settings


def get() -> str:
    """The invoking tenant's settings document (JSON text)."""
    return _settings.get()


def load() -> dict:
    """The settings document, parsed."""
    return json.loads(_settings.get())
