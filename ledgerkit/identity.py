"""Stable transaction identity within an account.

A bank id (FITID, SimpleFIN id) is the identity when the bank gave one:
``F:<fitid>``; a second row reusing the same FITID in one file becomes
``F:<fitid>#2`` so the bank's mistake does not lose a transaction. Without a
bank id the identity is ``H:`` + SHA-1 of date, amount in minor units, the
normalised text and the row's occurrence number among identical rows of the same
source: two identical coffees on one day are ``...|1`` and ``...|2`` (two
transactions), while re-importing or an overlapping file yields the same
identities again (nothing added).
"""

from __future__ import annotations

import hashlib

import polars as pl

IDENTITY_VERSION = 1   # change only with a migration: identities must never drift


def normalized_text(frame: pl.DataFrame | None = None) -> pl.Expr:
    """Lower-cased payee|description|memo with whitespace collapsed.

    Given the frame, a column that is empty throughout is not scanned (its
    normalised text is "" anyway), so the key is the same either way."""
    def norm(c: str) -> pl.Expr:
        if frame is not None and not (frame[c].str.len_bytes() > 0).any():
            return pl.lit("")
        return pl.col(c).str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()

    return pl.concat_str([norm("payee"), norm("description"), norm("memo")], separator="|")


def _sha1(keys: list[str]) -> list[str]:
    # hashlib is the stable hash; polars' own hash may change between versions
    sha1 = hashlib.sha1
    return [sha1(k.encode("utf-8")).hexdigest()[:24] for k in keys]


def _occurrence(frame: pl.DataFrame, cols: list[str]) -> pl.Series:
    """1, 2, 3 ... among rows with equal ``cols``, in row order; 1 for unique rows.

    Only the (usually few) repeated rows are numbered with a window; polars' hash
    groups them within this batch only and is never stored."""
    dup = frame.select(pl.struct(cols).is_duplicated()).to_series()
    occ = pl.Series("occ", [1] * frame.height, dtype=pl.Int64) if frame.height else pl.Series("occ", [], pl.Int64)
    if dup.any():
        rows = frame.with_row_index("_i").filter(dup)
        numbered = rows.select("_i", pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over(cols).alias("occ"))
        occ = occ.scatter(numbered["_i"], numbered["occ"])
    return occ


def assign_identities(frame: pl.DataFrame) -> pl.DataFrame:
    """Add an ``identity`` column. ``frame`` needs account, posted, units (Int64
    minor units), payee, description, memo, bank_id, in source order."""
    if frame.height == 0:
        return frame.with_columns(pl.lit("", dtype=pl.String).alias("identity"))
    has_id = frame["bank_id"] != ""
    identity = pl.Series("identity", [""] * frame.height, dtype=pl.String)
    if has_id.any():
        fit = frame.select("account", "bank_id").with_columns(_occ=_occurrence(frame, ["account", "bank_id"]))
        fitids = fit.select(
            pl.when(pl.col("_occ") == 1).then(pl.lit("F:") + pl.col("bank_id"))
            .otherwise(pl.lit("F:") + pl.col("bank_id") + pl.lit("#") + pl.col("_occ").cast(pl.String))
        ).to_series()
        identity = fitids if has_id.all() else pl.select(
            pl.when(has_id).then(fitids).otherwise(pl.lit(""))).to_series()
    if not has_id.all():
        rest = frame.filter(~has_id)
        keyed = rest.select(
            pl.col("account"),
            pl.concat_str([pl.col("posted").dt.strftime("%Y-%m-%d"), pl.col("units").cast(pl.String),
                           normalized_text(rest)], separator="|").alias("_key"),
        )
        occ = _occurrence(keyed, ["account", "_key"])
        keys = keyed.select(pl.concat_str([pl.col("_key"), occ.cast(pl.String)], separator="|")).to_series()
        hashed = pl.Series(["H:" + h for h in _sha1(keys.to_list())], dtype=pl.String)
        if has_id.any():
            idx = pl.Series(range(frame.height)).filter(~has_id)
            identity = identity.scatter(idx, hashed)
        else:
            identity = hashed
    return frame.with_columns(identity.alias("identity"))
