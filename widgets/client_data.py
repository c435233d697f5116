"""The clients' transaction frames, read once and shared by the panels.

Reading a big client's review frame is the slowest thing the dashboard does,
so the overview, the grid and the check panels share one read, and the last
few clients opened stay cached (switching back is instant). Panels that
change data drop the client's frame (``invalidate``); the store stays the
source of truth.
"""

from __future__ import annotations

from collections import OrderedDict

import polars as pl

from . import review_access

KEEP = 3          # clients whose frames stay in memory


class ClientData:
    def __init__(self, session, keep: int = KEEP):
        self.session = session
        self.keep = keep
        self._frames: OrderedDict[int, pl.DataFrame] = OrderedDict()
        self._signatures: dict[int, tuple] = {}
        self.reads = 0            # how many times the store was read (tests and benchmarks look)

    def cached(self, client_id: int) -> bool:
        return client_id in self._frames

    def frame(self, client_id: int) -> pl.DataFrame:
        if client_id in self._frames:
            self._frames.move_to_end(client_id)
            return self._frames[client_id]
        self._signatures[client_id] = self.signature(client_id)
        frame = review_access.review_frame(self.session, client_id)
        self.reads += 1
        self._frames[client_id] = frame
        while len(self._frames) > self.keep:
            self._frames.popitem(last=False)
        return frame

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
        else:
            self._frames.pop(client_id, None)
