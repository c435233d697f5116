"""Safe text for export files, as polars expressions over whole columns.

Every exporter passes its text through these helpers so that no row is ever
dropped or corrupts a file because of what a bank or a person typed:

- ``one_line``: control characters (tab, CR, LF ...) become a space, runs of
  white space collapse, ends are trimmed. No format here carries a line break
  inside a value.
- ``to_ascii``: transliteration for formats that are ASCII in practice (Web
  Connect, IIF, QIF): "Café Müller" -> "Cafe Muller", "–" -> "-", "€" -> "EUR";
  whatever has no ASCII form becomes "?" (the row stays, the character is
  marked, never silently lost).
- ``sgml_escape`` / ``xml_escape``: ``& < >`` as entities (and for XML the
  characters XML 1.0 forbids removed).
- ``neutralize_formula``: spreadsheet formula injection guard for CSV cells
  starting with ``= + - @`` (or a tab/CR): prefixed with ``'``.
- ``csv_field``: RFC 4180 quoting.
- ``amount_text``: integer minor units -> plain decimal text by string
  arithmetic (never float): ``-15000`` -> ``"-150.00"``.
- ``cut``: a length limit in characters without a trailing space.

Scalar twins (``fold_ascii``) serve the few per-value uses (account names,
list entries).
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl

# Characters NFKD does not reduce to ASCII, and punctuation worth keeping readable.
_TRANSLIT = {
    "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
    "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ł": "l", "Ł": "L", "ı": "i",
    "ħ": "h", "Ħ": "H", "ŀ": "l", "Ŀ": "L", "ŧ": "t", "Ŧ": "T", "ĸ": "k", "ŋ": "ng", "Ŋ": "NG",
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
    "«": '"', "»": '"', "‹": "'", "›": "'", "–": "-", "—": "-", "―": "-", "‐": "-", "‑": "-", "−": "-",
    "…": "...", "•": "*", "·": ".", "€": "EUR", "£": "GBP", "¥": "JPY", "¢": "c", "©": "(c)",
    "®": "(R)", "™": "TM", "°": " deg", "×": "x", "÷": "/", "¼": "1/4", "½": "1/2", "¾": "3/4",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u200b": "", "\ufeff": "", "¡": "!", "¿": "?",
    "§": "S", "¶": "P", "№": "No",
}
_NON_ASCII = r"[^\x00-\x7f]"


def fold_ascii(text: str) -> str:
    """One value to ASCII: transliterate, then mark what remains with "?"."""
    if text.isascii():
        return text
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
            continue
        if ch in _TRANSLIT:
            out.append(_TRANSLIT[ch])
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if base and base.isascii():
            out.append(base)
        elif base and all(c.isascii() or c in _TRANSLIT for c in base):
            out.append("".join(_TRANSLIT.get(c, c) for c in base))
        elif unicodedata.category(ch).startswith("Z"):
            out.append(" ")
        elif unicodedata.category(ch).startswith("C"):
            out.append("")
        else:
            out.append("?")
    return "".join(out)


def _fold_series(s: pl.Series) -> pl.Series:
    odd = s.filter(s.str.contains(_NON_ASCII).fill_null(False)).unique()
    if not len(odd):
        return s
    mapping = {v: fold_ascii(v) for v in odd.to_list()}
    return s.replace(mapping)


def to_ascii(expr: pl.Expr) -> pl.Expr:
    """Transliterate a text column to ASCII (only the distinct non-ASCII values are visited)."""
    return expr.map_batches(_fold_series, return_dtype=pl.String)


def one_line(expr: pl.Expr) -> pl.Expr:
    """Control characters to spaces, white space collapsed, trimmed; null -> ""."""
    return (expr.cast(pl.String).fill_null("")
            .str.replace_all(r"[\s\x00-\x1f\x7f\u00a0]{2,}|[\x00-\x1f\x7f\u00a0]", " ")
            .str.strip_chars())


def sgml_escape(expr: pl.Expr) -> pl.Expr:
    """``& < >`` as ``&amp; &lt; &gt;`` (OFX 1.x section 2.3)."""
    return (expr.str.replace_all("&", "&amp;", literal=True)
            .str.replace_all("<", "&lt;", literal=True)
            .str.replace_all(">", "&gt;", literal=True))


_XML_FORBIDDEN = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"


def xml_escape(expr: pl.Expr) -> pl.Expr:
    """XML text content: forbidden characters removed, ``& < >`` escaped."""
    return sgml_escape(expr.str.replace_all(_XML_FORBIDDEN, ""))


def neutralize_formula(expr: pl.Expr) -> pl.Expr:
    """A cell a spreadsheet would run as a formula (``= + - @``, tab, CR first) gets a ``'`` in front."""
    return pl.when(expr.str.contains(r"^[=+\-@\t\r]")).then(pl.lit("'") + expr).otherwise(expr)


def csv_field(expr: pl.Expr) -> pl.Expr:
    """RFC 4180: quote a value holding a comma, quote or line break (doubling its quotes)."""
    needs = expr.str.contains(r'[",\r\n]')
    return pl.when(needs).then(pl.lit('"') + expr.str.replace_all('"', '""', literal=True) + pl.lit('"')
                               ).otherwise(expr)


def cut(expr: pl.Expr, limit: int) -> pl.Expr:
    """At most ``limit`` characters, without trailing white space."""
    return expr.str.slice(0, limit).str.strip_chars_end()


def rest_after(expr: pl.Expr, limit: int) -> pl.Expr:
    """What ``cut`` left out (trimmed), "" when nothing was."""
    return expr.str.slice(limit).str.strip_chars()


def join_nonempty(parts: list[pl.Expr], separator: str) -> pl.Expr:
    """Concatenate the non-empty parts with ``separator`` between them."""
    out = parts[0]
    for p in parts[1:]:
        out = (pl.when(out == "").then(p).when(p == "").then(out)
               .otherwise(out + pl.lit(separator) + p))
    return out


def amount_text(units: pl.Expr, exponent: int | pl.Expr = 2) -> pl.Expr:
    """Int64 minor units -> ``-1234.56`` (no thousands separator, no symbol), exactly.

    ``exponent`` may be a column (accounts in different currencies in one file).
    """
    exp = exponent if isinstance(exponent, pl.Expr) else pl.lit(exponent)
    sign = pl.when(units < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    digits = units.abs().cast(pl.String).str.zfill(exp + 1)
    ndig = digits.str.len_chars()
    whole = digits.str.slice(0, ndig - exp)
    frac = digits.str.slice(ndig - exp)
    body = pl.when(exp > 0).then(whole + pl.lit(".") + frac).otherwise(digits)
    return sign + body


def amount_str(units: int, exponent: int = 2) -> str:
    """Scalar ``amount_text``."""
    sign = "-" if units < 0 else ""
    digits = str(abs(int(units))).zfill(exponent + 1)
    if exponent == 0:
        return sign + digits
    return f"{sign}{digits[:-exponent]}.{digits[-exponent:]}"


_SLUG = re.compile(r"[^A-Za-z0-9]+")


def slug(text: str, fallback: str = "x") -> str:
    """A file-name-safe ASCII form: "Operating Checking" -> "operating-checking"."""
    s = _SLUG.sub("-", fold_ascii(text)).strip("-").lower()
    return s[:60] or fallback
