{%- if tables -%}
"""The module's own table, ``mod_{{ snake }}_notes`` (declared in module.toml;
permission ``write:own-tables``). Statements are checked by the host: only
the module's own tables, bound parameters for values. A refused or failing
statement raises :class:`modgate.Error`."""

from modgate import tables


def add(author: str, text: str) -> None:
    """Adds a note."""
    tables.exec("INSERT INTO mod_{{ snake }}_notes (author, text) VALUES (?1, ?2)", [author, text])
{%- if serve %}


def newest() -> dict:
    """The newest notes, ``{"notes": [{"author", "text"}]}``."""
    found = tables.query("SELECT author, text FROM mod_{{ snake }}_notes ORDER BY created_at DESC, id DESC LIMIT 50")
    return {"notes": [{"author": author, "text": text} for author, text in found.rows]}
{%- endif %}
{%- endif %}
