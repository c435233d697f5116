"""The picked client's transaction frame, read once per client and shared by the panels.

Reading a big client's transactions is the slowest thing the dashboard does,
so the overview chart and the transaction grid share one read. Panels that
change data either patch the cached rows (an edit) or drop the cache (an
import, a bulk action); the store stays the source of truth.
"""

from __future__ import annotations

import polars as pl

from . import review_access


class ClientData:
    def __init__(self, session):
        self.session = session
        self._client_id = 0
        self._frame: pl.DataFrame | None = None
        self.reads = 0            # how many times the store was read (tests and benchmarks look)

    def frame(self, client_id: int) -> pl.DataFrame:
        if client_id != self._client_id or self._frame is None:
            self._frame = review_access.review_frame(self.session, client_id)
            self._client_id = client_id
            self.reads += 1
        return self._frame

    def invalidate(self, client_id: int | None = None) -> None:
        if client_id is None or client_id == self._client_id:
            self._frame = None

    def patch(self, client_id: int, txn_id: int, values: dict) -> None:
        """Overwrite some columns of one cached row (after the store accepted the change)."""
        if self._frame is None or client_id != self._client_id:
            return
        cols = {k: v for k, v in values.items() if k in self._frame.columns}
        if not cols:
            return
        hit = pl.col("id") == txn_id
        self._frame = self._frame.with_columns(
            pl.when(hit).then(pl.lit(v, dtype=self._frame.schema[k])).otherwise(pl.col(k)).alias(k)
            for k, v in cols.items())
