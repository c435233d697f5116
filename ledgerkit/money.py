"""Exact money: the one place that turns text into Decimal and Decimal into minor units.

Money is ``Decimal`` in Python and an integer count of minor units (cents) in the
database and in polars frames. No float ever holds an amount. Every parser and
writer in ledgerkit goes through these helpers so that rounding, currency
exponents and sign conventions are decided once.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

# ISO 4217 minor-unit exponents that differ from 2.
_EXPONENTS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0,
    "XPF": 0, "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}


class AmountError(ValueError):
    """Text that is not an amount, or an amount finer than its currency allows."""


def exponent(currency: str) -> int:
    """Number of decimal places the currency carries (2 for USD, 0 for JPY)."""
    return _EXPONENTS.get((currency or "USD").upper(), 2)


_CLEAN = re.compile(r"[\s$€£¥\u00a0']")


def parse_decimal(text: str | int | Decimal, *, decimal_comma: bool = False) -> Decimal:
    """Parse a bank's amount text exactly.

    Accepts ``-1234.56``, ``1,234.56``, ``(12.50)``, ``12.50-``, ``$12.50``,
    ``+3``, and with ``decimal_comma`` ``1.234,56``. Raises AmountError.
    """
    if isinstance(text, Decimal):
        return text
    if isinstance(text, int):
        return Decimal(text)
    s = _CLEAN.sub("", str(text))
    if not s:
        raise AmountError("empty amount")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if s.endswith("-"):
        negative, s = not negative, s[:-1]
    elif s.endswith("+"):
        s = s[:-1]
    if decimal_comma:
        s = s.replace(".", "").replace(",", ".")
    elif s.count(",") and "." not in s and re.fullmatch(r"[-+]?\d+,\d{1,2}", s):
        # a lone decimal comma such as "12,50" (OFX allows it)
        s = s.replace(",", ".")
    else:
        s = s.replace(",", "")
    try:
        value = Decimal(s)
    except InvalidOperation:
        raise AmountError(f"not an amount: {text!r}") from None
    if not value.is_finite():
        raise AmountError(f"not an amount: {text!r}")
    return -value if negative else value


def to_minor(amount: Decimal, currency: str = "USD", *, round_excess: bool = False) -> int:
    """Decimal -> integer minor units. Refuses (or, if asked, rounds) extra decimals."""
    exp = exponent(currency)
    scaled = amount.scaleb(exp)
    if scaled != scaled.to_integral_value():
        if not round_excess:
            raise AmountError(f"{amount} has more decimals than {currency} allows ({exp})")
        scaled = scaled.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    return int(scaled)


def from_minor(units: int, currency: str = "USD") -> Decimal:
    """Integer minor units -> Decimal with the currency's exponent (``-1250`` -> ``-12.50``)."""
    exp = exponent(currency)
    return Decimal(int(units)).scaleb(-exp).quantize(Decimal(1).scaleb(-exp))


def format_amount(units: int, currency: str = "USD") -> str:
    """Minor units -> plain decimal string for files and JSON (``"-12.50"``)."""
    return str(from_minor(units, currency))
