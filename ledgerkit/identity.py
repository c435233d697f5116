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


def normalized_text() -> pl.Expr:
    """Lower-cased payee|description|memo with whitespace collapsed."""
    def norm(c: str) -> pl.Expr:
        return pl.col(c).str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()

    return pl.concat_str([norm("payee"), norm("description"), norm("memo")], separator="|")


def _sha1(keys: list[str]) -> list[str]:
    # hashlib is the stable hash; polars' own hash may change between versions
    sha1 = hashlib.sha1
    return [sha1(k.encode("utf-8")).hexdigest()[:24] for k in keys]


def assign_identities(frame: pl.DataFrame) -> pl.DataFrame:
    """Add an ``identity`` column. ``frame`` needs account, posted, units (Int64
    minor units), payee, description, memo, bank_id, in source order."""
    keyed = frame.select(
        pl.col("bank_id"),
        pl.concat_str([pl.col("posted").dt.strftime("%Y-%m-%d"), pl.col("units").cast(pl.String),
                       normalized_text()], separator="|").alias("_key"),
        pl.col("account"),
    ).with_columns(
        # group on a 64-bit hash of the key (fast); it only numbers rows within this
        # batch and is never stored, so polars' unstable hash is fine here
        _occ=pl.int_range(1, pl.len() + 1).over(pl.struct("account", "_key").hash(7)),
        _fitocc=pl.int_range(1, pl.len() + 1).over(pl.struct("account", "bank_id").hash(7)),
    )
    has_id = keyed["bank_id"] != ""
    if has_id.all():
        hashes = pl.Series("_hash", [""] * frame.height, dtype=pl.String)
    else:
        keys = keyed.select(pl.concat_str([pl.col("_key"), pl.col("_occ").cast(pl.String)], separator="|"))
        hashes = pl.Series("_hash", _sha1(keys.to_series().to_list()), dtype=pl.String)
    identity = keyed.with_columns(hashes).select(
        pl.when(pl.col("bank_id") == "").then(pl.lit("H:") + pl.col("_hash"))
        .when(pl.col("_fitocc") == 1).then(pl.lit("F:") + pl.col("bank_id"))
        .otherwise(pl.lit("F:") + pl.col("bank_id") + pl.lit("#") + pl.col("_fitocc").cast(pl.String))
        .alias("identity")
    )
    return frame.with_columns(identity.to_series())
