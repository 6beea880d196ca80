"""Names the host expects, checked on the guest side too (before any host
call, with a message that says what a good name looks like)."""

import re

_MODULE = re.compile(r"[a-z][a-z0-9-]*")
_SUFFIX = re.compile(r"[a-z0-9_]+")
_TABLE = re.compile(r"mod_[a-z0-9_]+")


def namespaced_table(module: str, suffix: str) -> str:
    """The name of a module's own table, ``mod_<module>_<suffix>`` with ``-``
    in the module name turned into ``_``: the name to declare in
    ``module.toml`` and to use in SQL. Raises ``ValueError`` for a module
    name that is not a lowercase slug, a suffix outside ``[a-z0-9_]`` or a
    name over PostgreSQL's 63 characters.

    >>> namespaced_table("gift-cards", "codes")
    'mod_gift_cards_codes'
    """
    if len(module) > 64 or not _MODULE.fullmatch(module):
        raise ValueError(f'module name {module!r} is not a lowercase slug like "wishlist" or "gift-cards"')
    if not _SUFFIX.fullmatch(suffix):
        raise ValueError(f"table suffix {suffix!r} must use only a-z, 0-9 and _")
    name = f"mod_{module.replace('-', '_')}_{suffix}"
    if len(name) > 63:
        raise ValueError(f"table name {name!r} is longer than 63 characters")
    return name


def check_module_table(name: str) -> None:
    """Raises ``ValueError`` unless ``name`` is written like a module table
    (``mod_`` then ``a-z``, ``0-9``, ``_``; at most 63 characters). Which
    module owns it is the host's check."""
    if not _TABLE.fullmatch(name):
        raise ValueError(f'table name {name!r} is not a module table like "mod_wishlist_items" (mod_, then a-z, 0-9 and _)')
    if len(name) > 63:
        raise ValueError(f"table name {name!r} is longer than 63 characters")
