"""Writing amounts of money for people (badges, emails, pages), the twin of
the Rust SDK's ``money``. Prices arrive in minor units with an ISO 4217
code (``modgate:commerce`` ``money``). Pure Python: usable in every world."""

# Currencies without minor units, and with three (ISO 4217); the rest have two.
_NO_DECIMALS = frozenset(
    "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF".split()
)
_THREE_DECIMALS = frozenset("BHD IQD JOD KWD LYD OMR TND".split())

# Currencies written with a symbol in front; the rest get their code after.
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def amount(minor: int, currency: str) -> str:
    """``minor`` units written in major units: ``1250`` EUR → ``12.50``,
    ``1500`` JPY → ``1500``, ``1500`` KWD → ``1.500``."""
    decimals = 0 if currency in _NO_DECIMALS else 3 if currency in _THREE_DECIMALS else 2
    sign = "-" if minor < 0 else ""
    magnitude = abs(minor)
    if decimals == 0:
        return f"{sign}{magnitude}"
    unit = 10**decimals
    return f"{sign}{magnitude // unit}.{magnitude % unit:0{decimals}d}"


def price(minor: int, currency: str) -> str:
    """A price as a shopper reads it: ``1299`` USD → ``$12.99``, ``1500`` JPY
    → ``1500 JPY``."""
    symbol = _SYMBOLS.get(currency)
    text = amount(minor, currency)
    return f"{symbol}{text}" if symbol else f"{text} {currency}"
