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
    normalised text is "" anyway), and a column whose text has no run of
    whitespace, no tab or newline and nothing to strip is only lower-cased: the key
    is the same either way."""
    def norm(c: str) -> pl.Expr:
        if frame is not None and not (frame[c].str.len_bytes() > 0).any():
            return pl.lit("")
        lower = pl.col(c).str.to_lowercase()
        if frame is not None and not frame[c].str.contains(_MESSY_SPACE).any():
            return lower
        return lower.str.replace_all(r"\s+", " ").str.strip_chars()

    return pl.concat_str([norm("payee"), norm("description"), norm("memo")], separator="|")


# text that the whitespace collapse would change (a run, a non-space blank, an edge)
_MESSY_SPACE = r"\s\s|[^\S ]|^\s|\s$"


def _sha1(keys: pl.Series) -> pl.Series:
    """"H:" + the first 24 hex digits of each key's SHA-1 (of its UTF-8 bytes).

    hashlib is the stable hash; polars' own hash may change between versions."""
    sha1 = hashlib.sha1
    digests = pl.Series([sha1(k).hexdigest()[:24] for k in keys.cast(pl.Binary).to_list()], dtype=pl.String)
    return pl.select(pl.lit("H:") + digests).to_series()


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
        hashed = _sha1(keys)
        if has_id.any():
            idx = pl.Series(range(frame.height)).filter(~has_id)
            identity = identity.scatter(idx, hashed)
        else:
            identity = hashed
    return frame.with_columns(identity.alias("identity"))
