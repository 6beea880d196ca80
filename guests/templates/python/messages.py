"""What the module says, apart from the host calls: no SDK or host imports,
so ``python3 -m unittest`` checks it with the machine's Python, without a
host."""
{%- if serve or hooks %}

from typing import Optional
{%- endif %}


def activated(module: str) -> str:
    """The log line of an install or upgrade."""
    return f"{module} activated"
{%- if serve %}


def hello(module: str, customer: Optional[str]) -> dict:
    """The body of ``GET /hello``."""
    return {"hello": customer or "anonymous", "module": module}
{%- endif %}
{%- if serve and tables %}


def note_problem(text: str) -> Optional[str]:
    """Why a note cannot be saved, if it cannot."""
    if not text:
        return "a note needs some text"
    if len(text) > 500:
        return "a note has at most 500 characters"
    return None
{%- endif %}
{%- if slots %}


def badge(module: str) -> str:
    """The badge on a product card."""
    return f"Hello from {module}"
{%- endif %}
{%- if events %}


def price_changed(product: str, before: str, after: str) -> str:
    """The log line (and note) of a price change; the prices are written
    already (``modgate.money.price``: ``€12.50``)."""
    return f"price of {product} changed: {before} -> {after}"
{%- endif %}
{%- if hooks %}


def review_problem(body: str) -> Optional[str]:
    """Why a review is refused, if it is."""
    return "Reviews may not advertise." if "spam" in body.lower() else None
{%- endif %}
