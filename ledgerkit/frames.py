"""Polars frame helpers shared by the stages: conform a frame to a declared schema."""

from __future__ import annotations

from typing import Any

import polars as pl


def conform(frame: pl.DataFrame, schema: dict[str, pl.DataType], defaults: dict[str, Any] | None = None
            ) -> pl.DataFrame:
    """Select ``schema``'s columns in order, cast; strings never null ("" when absent).

    A missing column takes ``defaults[name]`` (a value or an expression), else
    "" for strings and null otherwise.
    """
    defaults = defaults or {}
    exprs = []
    for name, dtype in schema.items():
        if name in frame.columns:
            e = pl.col(name).cast(dtype)
            exprs.append((e.fill_null("") if dtype == pl.String else e).alias(name))
        elif name in defaults:
            d = defaults[name]
            exprs.append((d if isinstance(d, pl.Expr) else pl.lit(d, dtype=dtype)).cast(dtype).alias(name))
        elif dtype == pl.String:
            exprs.append(pl.lit("", dtype=pl.String).alias(name))
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
    return frame.select(exprs)
