"""Payee cleaning: from a bank's "SQ *BLUE BOTTLE COFFEE 1234 OAKLAND CA" to "Blue Bottle Coffee".

``payee_key`` is the merchant part of a bank text: known card/ACH prefixes are
dropped and the key is the run of up to four words before the first word with
a digit in it. The key is always a piece of the original text (spacing kept),
so a remembered payee becomes an ordinary, readable rule: *description
contains "blue bottle coffee"*. ``clean_payee`` is its display form
(title case). Both are polars expressions for whole batches; the scalar
helpers run the very same expressions on one value.
"""

from __future__ import annotations

import re

import polars as pl

# Noise in front of the merchant's name (matched at the start, case-insensitively, repeatedly).
_PREFIX = (
    r"^(?i)(?:"
    r"pos\s+(?:purchase|debit|withdrawal)?|purchase\s+authorized\s+on\s+\d{1,2}/\d{1,2}|"
    r"check\s*card\s+\d{4}|(?:debit|check|visa|credit)\s*card\s+(?:purchase|payment)?|card\s+purchase|"
    r"recurring\s+(?:payment|purchase)|preauthorized\s+(?:debit|credit)|ach\s+(?:debit|credit|payment|pmt)?|"
    r"online\s+(?:payment|transfer|pmt)(?:\s+to)?|electronic\s+(?:payment|withdrawal)|"
    r"bill\s+payment|billpay|purchase|dbt|pos|debit|"
    r"sq\s?\*|tst\s?\*|paypal\s?\*|pp\s?\*|sp\s?\*|dd\s?\*|in\s?\*|py\s?\*|"
    r"\d{1,2}/\d{1,2}(?:/\d{2,4})?"
    r")[\s*#:-]*"
)
_KEY = r"^((?:[^\s\d]+[ \t]+){0,3}[^\s\d]+)"
_TRAIL = r"[\s\-*#.,/:;&]+$"

# Keys too generic to remember a coding by (they say what kind of transaction, not who).
GENERIC = frozenset(["check", "chk", "deposit", "transfer", "withdrawal", "atm", "payment", "credit", "debit", "fee", "fees", "interest", "service", "charge", "online", "mobile", "ach", "pos", "purchase", "cash", "refund", "return", "returned", "adjustment", "misc", "miscellaneous", "dividend", "zelle", "venmo", "wire", "recurring", "to", "from", "the"])


def key_expr(text: pl.Expr) -> pl.Expr:
    """The merchant key of a bank text, lower-case ("" when there is none)."""
    s = text.fill_null("").str.strip_chars()
    for _ in range(3):   # "POS PURCHASE SQ *X" has stacked prefixes
        s = s.str.replace(_PREFIX, "")
    key = s.str.extract(_KEY, 1).fill_null("").str.replace(_TRAIL, "")
    return key.str.to_lowercase()


# a key is generic when every word of it (split on single spaces, "*" counting as a space) is
# empty or a generic word: one anchored regex instead of a list per row
_WORDS = "(?:" + "|".join(re.escape(w) for w in sorted(GENERIC)) + ")"
_GENERIC_RE = f"^{_WORDS}?(?: {_WORDS}?)*$"


def clean_expr(text: pl.Expr) -> pl.Expr:
    """Display payee: the key in title case, else (no key, or a generic one such
    as "check") the trimmed text."""
    return _clean_from_key(key_expr(text), text)


def _clean_from_key(key: pl.Expr, text: pl.Expr) -> pl.Expr:
    generic = key.str.replace_all(r"\*", " ").str.contains(_GENERIC_RE)
    fallback = text.fill_null("").str.strip_chars().str.replace_all(r"\s+", " ")
    return (pl.when((key != "") & ~generic).then(key.str.replace_all(r"\s+", " ").str.to_titlecase())
            .otherwise(fallback))


def payee_key(text: str) -> str:
    return pl.select(key_expr(pl.lit(text or "", dtype=pl.String))).item()


def clean_payee(text: str) -> str:
    return pl.select(clean_expr(pl.lit(text or "", dtype=pl.String))).item()


def rememberable(key: str) -> bool:
    """A key specific enough to remember a payee by."""
    words = [w for w in key.lower().replace("*", " ").split() if w]
    return bool(words) and len(key.strip()) >= 3 and not all(w in GENERIC for w in words)


def clean_unique(frame: pl.DataFrame, text: str, alias: str) -> pl.DataFrame:
    """``frame`` with ``alias`` = ``clean_expr(text)``, computed once per distinct text
    (bank files repeat their merchants: a million rows often hold a tenth as many texts)."""
    distinct = (frame.select(pl.col(text).unique()).with_columns(key_expr(pl.col(text)).alias("_key"))
                .select(text, _clean_from_key(pl.col("_key"), pl.col(text)).alias(alias)))
    return frame.join(distinct, on=text, how="left", maintain_order="left", nulls_equal=True)
