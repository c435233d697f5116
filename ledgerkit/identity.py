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


def normalized_text(frame: pl.DataFrame) -> pl.Expr:
    """Lower-cased payee|description|memo with whitespace collapsed."""
    def norm(c: str) -> pl.Expr:
        return pl.col(c).str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()

    return pl.concat_str([norm("payee"), norm("description"), norm("memo")], separator="|")


def _sha1_series(keys: pl.Series) -> pl.Series:
    # hashlib is the stable hash; polars' own hash may change between versions
    return pl.Series(
        [hashlib.sha1(k.encode("utf-8")).hexdigest()[:24] for k in keys.to_list()],
        dtype=pl.String,
    )


def assign_identities(frame: pl.DataFrame) -> pl.DataFrame:
    """Add an ``identity`` column. ``frame`` needs account, posted, units (Int64
    minor units), payee, description, memo, bank_id, in source order."""
    frame = frame.with_row_index("_pos")
    has_id = pl.col("bank_id") != ""
    frame = frame.with_columns(
        _text=normalized_text(frame),
        _occ=(pl.int_range(1, pl.len() + 1).over("account", "posted", "units", normalized_text(frame))),
        _fitocc=pl.int_range(1, pl.len() + 1).over("account", "bank_id"),
    )
    keyed = frame.filter(~has_id)
    keys = keyed.select(
        pl.concat_str(
            [pl.col("posted").dt.strftime("%Y-%m-%d"), pl.col("units").cast(pl.String),
             pl.col("_text"), pl.col("_occ").cast(pl.String)],
            separator="|",
        )
    ).to_series()
    hashed = keyed.select("_pos").with_columns(_hash=_sha1_series(keys))
    frame = frame.join(hashed, on="_pos", how="left")
    identity = (
        pl.when(has_id & (pl.col("_fitocc") == 1)).then(pl.lit("F:") + pl.col("bank_id"))
        .when(has_id).then(pl.lit("F:") + pl.col("bank_id") + pl.lit("#") + pl.col("_fitocc").cast(pl.String))
        .otherwise(pl.lit("H:") + pl.col("_hash"))
    )
    return frame.sort("_pos").with_columns(identity=identity).drop("_pos", "_text", "_occ", "_fitocc", "_hash")
