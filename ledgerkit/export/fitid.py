"""Stable FITIDs for exported transactions.

A FITID must be unique within an account, identical every time the same
transaction is exported (QuickBooks and Quicken skip a FITID they already
have), never reused for another transaction, at most 255 characters, and we
keep to ``[A-Za-z0-9-]``. It is derived from the transaction's identity (see
``ledgerkit.identity``), which is already unique per account and never changes:

- ``F:<bank id>`` with a bank id made of ``[A-Za-z0-9-]`` (at most 255
  characters) -> the bank's id itself, so a file we export and the bank's own
  download agree and QuickBooks keeps one copy;
- any other ``F:`` identity (a bank id with other characters, too long, or the
  ``#n`` form of a FITID the bank reused) -> its allowed characters, ``-X``
  and 16 hex digits of SHA-1 of the identity;
- ``H:<fingerprint>`` (no bank id: CSV, QIF) -> ``LK-<fingerprint>``; the
  fingerprint includes the occurrence number among identical rows, so two
  identical coffees on one day get two FITIDs.

``assign`` also reuses the FITID a transaction was given in an earlier batch,
so re-exports keep their ids even if this scheme ever changed.
"""

from __future__ import annotations

import hashlib
import re

import polars as pl

MAX_LEN = 255
_ALLOWED_RE = r"[A-Za-z0-9-]{1,255}"
_ALLOWED = "^" + _ALLOWED_RE + "$"


def _hashed(identity: str) -> str:
    base = identity[2:].split("#", 1)[0]
    kept = "".join(c for c in base if c.isascii() and (c.isalnum() or c == "-"))[:200]
    digest = hashlib.sha1(identity.encode("utf-8")).hexdigest()[:16]
    return f"{kept}-X{digest}" if kept else f"X{digest}"


def fitid_for(identity: str) -> str:
    """The FITID of one identity (scalar form of ``fitid_expr``)."""
    if re.fullmatch(r"H:[A-Za-z0-9-]{1,250}", identity):
        return "LK-" + identity[2:]
    if identity.startswith("F:") and re.fullmatch(_ALLOWED_RE, identity[2:]):
        return identity[2:]
    return _hashed(identity)


def _hashed_series(s: pl.Series) -> pl.Series:
    return pl.Series([_hashed(v) for v in s.to_list()], dtype=pl.String)


def _fitid_series(identity: pl.Series) -> pl.Series:
    frame = pl.DataFrame({"identity": identity})
    bank = pl.col("identity").str.strip_prefix("F:")
    fitid = (pl.when(pl.col("identity").str.contains(r"^H:[A-Za-z0-9-]{1,250}$"))
             .then(pl.lit("LK-") + pl.col("identity").str.strip_prefix("H:"))
             .when(pl.col("identity").str.starts_with("F:") & bank.str.contains(_ALLOWED)).then(bank))
    frame = frame.with_columns(fitid=fitid)
    irregular = frame["fitid"].is_null()
    if irregular.any():
        odd = frame.filter(irregular)["identity"].unique()
        mapping = pl.DataFrame({"identity": odd, "_h": _hashed_series(odd)})
        frame = (frame.join(mapping, on="identity", how="left", maintain_order="left")
                 .with_columns(fitid=pl.coalesce("fitid", "_h")))
    return frame["fitid"]


def fitid_expr(identity: pl.Expr) -> pl.Expr:
    """FITIDs for a whole identity column (hashing only the rare irregular bank ids)."""
    return identity.map_batches(_fitid_series, return_dtype=pl.String)


def assign(frame: pl.DataFrame, previous: pl.DataFrame | None = None) -> pl.DataFrame:
    """Add ``fitid`` to a frame with ``transaction_id``, ``account_id`` and ``identity``.

    ``previous`` (``transaction_id``, ``fitid``) holds FITIDs given in earlier
    batches; they win. Should two rows of one account still collide (a bank id
    equal to another row's derived id), the later rows get the hashed form.
    """
    out = frame.with_columns(fitid=fitid_expr(pl.col("identity")))
    if previous is not None and previous.height:
        prev = previous.select(pl.col("transaction_id").cast(pl.Int64), pl.col("fitid").alias("_prev"))
        out = (out.join(prev, on="transaction_id", how="left", maintain_order="left")
               .with_columns(fitid=pl.coalesce("_prev", "fitid")).drop("_prev"))
    if out.select(pl.struct("account_id", "fitid").is_duplicated().any()).item():     # rare: a cheap test first
        dup = pl.int_range(pl.len()).over("account_id", "fitid") > 0
        out = out.with_columns(
            fitid=pl.when(dup).then(pl.col("identity").map_batches(_hashed_series, return_dtype=pl.String))
            .otherwise(pl.col("fitid")))
    return out
