"""The clients' transaction frames, read once and shared by the panels.

Reading a big client's review frame is the slowest thing the dashboard does,
so the overview, the grid and the check panels share one read, and the last
few clients opened stay cached (switching back is instant). Panels that
change data either drop the client's frame (``invalidate``) or, for a small
interactive change such as an edit, say which rows they touched
(``touched``): the next ``frame`` then re-reads only those rows and the rows
the change re-coded (the engine bumps a row's coding version whenever its
outcome changes), not the whole client. The store stays the source of truth.
"""

from __future__ import annotations

from collections import OrderedDict

import polars as pl

from . import review_access

KEEP = 3          # clients whose frames stay in memory
CATCH_UP_MAX = 5_000   # more changed rows than this: read the client again instead


class ClientData:
    def __init__(self, session, keep: int = KEEP):
        self.session = session
        self.keep = keep
        self._frames: OrderedDict[int, pl.DataFrame] = OrderedDict()
        self._signatures: dict[int, tuple] = {}
        self._touched: dict[int, set[int]] = {}
        self.reads = 0            # how many times a whole client was read (tests and benchmarks look)
        self.learned: set[int] = set()   # clients whose suggestion model this process trained

    def cached(self, client_id: int) -> bool:
        return client_id in self._frames

    def frame(self, client_id: int) -> pl.DataFrame:
        if client_id in self._frames and client_id in self._touched:
            self._catch_up(client_id)       # may drop the frame when it cannot catch up
        if client_id in self._frames:
            self._frames.move_to_end(client_id)
            return self._frames[client_id]
        self._touched.pop(client_id, None)
        self._signatures[client_id] = self.signature(client_id)
        frame = review_access.review_frame(self.session, client_id)
        self.reads += 1
        self._frames[client_id] = frame
        while len(self._frames) > self.keep:
            dropped, _f = self._frames.popitem(last=False)
            self._touched.pop(dropped, None)
        return frame

    def touched(self, client_id: int, ids) -> None:
        """Rows this process just changed (an edit, a coding): the next ``frame`` re-reads them and
        whatever the change re-coded elsewhere, instead of the whole client."""
        if client_id in self._frames:
            self._touched.setdefault(client_id, set()).update(int(i) for i in ids)

    def _catch_up(self, client_id: int) -> None:
        touched = self._touched.pop(client_id, set())
        frame = self._frames[client_id]
        versions = review_access.review_versions(self.session, client_id)
        if "version" not in frame.columns:
            self.invalidate(client_id)
            return
        mine = frame.select("id", pl.col("version").alias("_cached"))
        both = versions.join(mine, on="id", how="full", coalesce=True)
        if both.height != frame.height or both.height != versions.height:
            self.invalidate(client_id)          # rows came or went: read the client again
            return
        moved = both.filter(pl.col("version").ne_missing(pl.col("_cached")))["id"].to_list()
        ids = sorted(touched.union(moved))
        if not ids:
            return
        if len(ids) > CATCH_UP_MAX:
            self.invalidate(client_id)
            return
        fresh = review_access.review_rows(self.session, client_id, ids)
        if fresh.height != len(ids):
            self.invalidate(client_id)
            return
        self._frames[client_id] = frame.update(fresh, on="id", include_nulls=True)

    def signature(self, client_id: int) -> tuple:
        """What changes when files arrive: each account's transaction count and newest date (one quick query)."""
        return tuple((b["account"].id, b["transactions"], b["newest"], b["balance_date"])
                     for b in self.session.balances(client_id))

    def check(self, client_id: int) -> None:
        """Drop the cached frame when the client's data changed elsewhere (an import from the command line)."""
        if client_id in self._frames and self._signatures.get(client_id) != self.signature(client_id):
            self.invalidate(client_id)

    def invalidate(self, client_id: int | None = None) -> None:
        if client_id is None:
            self._frames.clear()
            self._touched.clear()
        else:
            self._frames.pop(client_id, None)
            self._touched.pop(client_id, None)
