"""Amount text -> integer minor units for whole polars columns, exactly.

Importers hand over amounts as text; these expressions clean bank notation
("1,234.56", "(12.50)", "12.50-", "$5", "1.234,56") into plain decimal text and
then into Int64 minor units by string arithmetic, so no float ever touches an
amount. ``ledgerkit.money`` is the scalar counterpart.
"""

from __future__ import annotations

import polars as pl

_PLAIN = r"^[+-]?(\d+\.?\d*|\.\d+)$"


def normalize_text(expr: pl.Expr, *, decimal_comma: bool = False) -> pl.Expr:
    """Bank amount text -> plain decimal text ("-1234.56").

    A chain of regex replacements (no per-row branching): currency symbols and
    spaces go, "(12.50)" and "12.50-" become "-12.50", thousands separators go,
    a lone decimal comma ("12,5") becomes a point. Text that is still not a
    number is left as is and reported by ``to_minor``.
    """
    s = expr.cast(pl.String).str.replace_all(r"[\s$€£¥\u00a0']", "")
    s = s.str.replace(r"^\((.*)\)$", "-$1").str.replace(r"^(.+)-$", "-$1").str.replace(r"^--", "")
    s = s.str.replace(r"^\++", "").str.replace(r"^-\++", "-").str.replace(r"^(.+?)\++$", "$1")
    if decimal_comma:
        return s.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    return s.str.replace(r"^([+-]?\d+),(\d{1,2})$", "$1.$2").str.replace_all(",", "", literal=True)


def to_minor(expr: pl.Expr, exponent: int | pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """Plain decimal text -> (Int64 minor units, invalid flag, excess-decimals flag).

    ``exponent`` may be a column (per-account currencies in one batch). Units are
    truncated when there are excess decimals; callers refuse or round explicitly
    with ``round_half_even``.
    """
    s = expr.cast(pl.String).str.strip_chars()
    valid = s.str.contains(_PLAIN).fill_null(False)
    neg = s.str.starts_with("-")
    body = s.str.strip_prefix("-").str.strip_prefix("+")
    parts = body.str.split_exact(".", 1)
    whole = parts.struct.field("field_0").fill_null("")
    frac = parts.struct.field("field_1").fill_null("")
    exp = exponent if isinstance(exponent, pl.Expr) else pl.lit(exponent)
    kept = frac.str.slice(0, exp).str.pad_end(exp, "0")
    rest = frac.str.slice(exp)
    digits = (pl.when(whole == "").then(pl.lit("0")).otherwise(whole) + kept)
    units = pl.when(valid).then(digits.cast(pl.Int64, strict=False)).otherwise(None)
    units = pl.when(neg).then(-units).otherwise(units)
    excess = valid & rest.str.contains("[1-9]").fill_null(False)
    return units, ~valid, excess


def with_minor(frame: pl.DataFrame, column: str, exponent: int | str) -> pl.DataFrame:
    """``frame`` with ``units``, ``_invalid`` and ``_excess`` columns from the text ``column``
    (as ``to_minor``), for whole batches.

    Bank exports nearly always write amounts as ``-1234.56`` with exactly the currency's
    decimals: those rows take a two-step path (drop the point, cast), and only the
    others go through the general string arithmetic. ``exponent`` is a number or the
    name of a per-row exponent column."""
    if isinstance(exponent, str):
        distinct = frame[exponent].unique()
        if distinct.len() != 1 or distinct[0] is None:
            units, _invalid, excess = to_minor(pl.col(column), pl.col(exponent))
            return frame.with_columns(units=units, _excess=excess).with_columns(_invalid=pl.col("units").is_null())
        exponent = int(distinct[0])
    plain = rf"^-?\d+\.\d{{{exponent}}}$" if exponent else r"^-?\d+$"
    text = pl.col(column).cast(pl.String)
    frame = frame.with_columns(_plain=text.str.contains(plain).fill_null(False))
    fast = text.str.replace(".", "", literal=True).cast(pl.Int64, strict=False)
    if frame["_plain"].all():    # (too many digits for Int64 is no number either)
        return frame.with_columns(units=fast, _excess=pl.lit(False)).with_columns(
            _invalid=pl.col("units").is_null()).drop("_plain")
    units, invalid, excess = to_minor(text, exponent)
    rest = frame.with_row_index("_i").filter(~pl.col("_plain")).select(
        "_i", _u=units, _invalid=invalid, _excess=excess)
    out = frame.with_row_index("_i").with_columns(units=pl.when("_plain").then(fast)) \
        .join(rest, on="_i", how="left", maintain_order="left")
    out = out.with_columns(units=pl.coalesce("units", "_u"), _excess=pl.col("_excess").fill_null(False))
    return out.with_columns(_invalid=pl.col("units").is_null()).drop("_i", "_u", "_plain")
