"""Size limits of import targets, and cutting an export into files that fit.

QuickBooks Online takes at most 350 KB per uploaded file (Web Connect or CSV)
and, by several converters' account, at most 1,000 CSV lines; Xero takes at
most 1,000 statement lines per file. An export bigger than that becomes several
files, each complete on its own (its own header, statement dates and balance),
cut between transactions in date order.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

QBO_ONLINE_MAX_BYTES = 350_000      # "350 KB", read as the smaller decimal kilobytes
XERO_MAX_LINES = 1_000              # statement lines per file
QBO_CSV_MAX_ROWS = 999              # "headers + 999 transactions"


@dataclass(frozen=True, slots=True)
class Limit:
    """What one file of a target may hold; ``None`` means no limit."""

    max_bytes: int | None = None
    max_rows: int | None = None
    reason: str = ""

    @property
    def any(self) -> bool:
        return self.max_bytes is not None or self.max_rows is not None


NO_LIMIT = Limit()


def plan(sizes: Sequence[int], limit: Limit, overhead: int = 0) -> list[tuple[int, int]]:
    """Cut rows of the given byte ``sizes`` into ``[start, end)`` ranges under ``limit``.

    ``overhead`` is what each file adds besides its rows (header, footer). Greedy
    in order; a single row larger than the budget still gets a file of its own.
    """
    n = len(sizes)
    if n == 0:
        return [(0, 0)]
    if not limit.any:
        return [(0, n)]
    cum = [0, *accumulate(sizes)]
    budget = None if limit.max_bytes is None else max(limit.max_bytes - overhead, 1)
    out = []
    start = 0
    while start < n:
        end = n
        if budget is not None:
            end = bisect_right(cum, cum[start] + budget) - 1
        if limit.max_rows is not None:
            end = min(end, start + limit.max_rows)
        end = max(end, start + 1)
        out.append((start, end))
        start = end
    return out
