"""Display formatting for the dashboard: money, dates, counts, states.

The core keeps money as ``Decimal`` (records) or integer minor units (frames);
this module turns both into the text a bookkeeper reads, and parses what a
bookkeeper types back into ``Decimal``. Nothing here touches the session.
"""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

from ledgerkit.errors import Invalid
from ledgerkit.money import AmountError, exponent, from_minor, parse_decimal

# Review states as the core stores them, in the order the dashboard lists them.
STATES = ("gold", "red", "blue", "approved", "exported", "excluded")
WAITING = ("gold", "red", "blue")
STATE_LABELS = {
    "gold": "GOLD · needs coding",
    "red": "RED · coded by a rule",
    "blue": "BLUE · already in the books",
    "approved": "approved",
    "exported": "exported",
    "excluded": "excluded",
    "": "not reviewed yet",
}
# Row backgrounds in the grid and badge colours (background, text).
STATE_COLOURS = {
    "gold": ("#fff1c2", "#7a5a00"),
    "red": ("#fde0dc", "#9b1c12"),
    "blue": ("#dde9fb", "#1b4b91"),
    "approved": ("#f1f3f5", "#6c757d"),
    "exported": ("#f1f3f5", "#6c757d"),
    "excluded": ("#f8f9fa", "#9aa0a6"),
    "": ("#ffffff", "#212529"),
}


def money(value: Decimal | int | None, currency: str = "USD", *, minor: bool = False,
          symbol: bool = False) -> str:
    """``Decimal('-1234.5')`` -> ``-1,234.50``; with ``minor=True`` the value is minor units."""
    if value is None:
        return ""
    amount = from_minor(int(value), currency) if minor else Decimal(value)
    places = exponent(currency)
    text = f"{amount:,.{places}f}"
    if symbol:
        text = f"{text} {currency}"
    return text


def parse_money(text: str, currency: str = "USD") -> Decimal:
    """What a person typed (``1,234.50``, ``(12.50)``, ``$3``) -> Decimal; ``Invalid`` with a message."""
    try:
        value = parse_decimal(str(text).strip())
    except AmountError as e:
        raise Invalid(f"{text!r} is not an amount") from e
    places = exponent(currency)
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise Invalid(f"{text} has more than {places} decimals for {currency}")
    return value


def date(value: dt.date | str | None) -> str:
    """ISO dates everywhere (``2025-03-04``): unambiguous for every firm."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value[:10]
    return value.isoformat()[:10]


def age(value: dt.date | None, today: dt.date | None = None) -> str:
    """How current data is: ``today``, ``yesterday``, ``5 days ago``, ``no data``."""
    if value is None:
        return "no data"
    if isinstance(value, dt.datetime):
        value = value.date()
    days = ((today or dt.date.today()) - value).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 60:
        return f"{days} days ago"
    return f"{days // 30} months ago"


def parse_date(text: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Invalid(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def count(n: int, noun: str) -> str:
    """``count(1, "file")`` -> ``1 file``; ``count(3, "file")`` -> ``3 files``."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def esc(text: object) -> str:
    return html.escape("" if text is None else str(text))


def badge(state: str, n: int | str, title: str = "") -> str:
    bg, fg = STATE_COLOURS.get(state, STATE_COLOURS[""])
    tip = f' title="{esc(title)}"' if title else ""
    return (f'<span class="lk-badge lk-badge-{esc(state)}"{tip} '
            f'style="background:{bg};color:{fg}">{esc(n)}</span>')


def state_badges(gold: int, red: int, blue: int) -> str:
    """The three waiting counts as coloured badges (GOLD, RED, BLUE)."""
    return (badge("gold", gold, f"{gold} GOLD: need coding")
            + badge("red", red, f"{red} RED: coded by a rule, to approve")
            + badge("blue", blue, f"{blue} BLUE: already in the books"))
