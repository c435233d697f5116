"""Benchmark: matching 1M bank transactions against a 1M-entry register.

Data: one account per 5,000 rows (200 accounts at 1M) over two years, so a
bigger batch means more accounts, not denser ones; amounts log-normal in cents, 5% of them
from a handful of recurring amounts (coffee, tolls, parking) so that groups of
competing candidates exist; 90% of the bank rows are in the register, with the
register date 0-3 days off (either way); the register also has 10% entries of
its own (outstanding items). Same counts on both sides.

Measured: ``ledgerkit.review.matching.match`` (candidate hash join, direct
matches, exact assignment for competing groups) at 10k, 100k and 1M rows each.
Targets (2-core machine): 1M x 1M in < 10 s, growth no faster than n log n.

Run: .venv/bin/python benchmarks/bench_matching.py [--sizes 10000,100000,1000000]
Writes benchmarks/out/matching.json.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import save

from ledgerkit.review.matching import match

RECURRING = [450, 500, 1000, 2500, 9999, 1250, 300, 800]


def make(n: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    accounts = max(2, n // 5000)     # a bigger batch is more accounts (clients), not denser ones
    acct = rng.integers(1, accounts + 1, n)
    amt = (rng.lognormal(4, 1.5, n) * 100).astype(np.int64) + 1
    amt = -np.where(rng.random(n) < 0.05, rng.choice(RECURRING, n), amt)
    amt = np.where(rng.random(n) < 0.15, -amt, amt)
    days = rng.integers(0, 730, n)
    base = np.datetime64("2024-01-01")
    checks = np.where(rng.random(n) < 0.03, rng.integers(1000, 9999, n).astype(str), "")
    bank = pl.DataFrame({"id": np.arange(1, n + 1), "account_id": acct, "posted": base + days, "amount": amt,
                         "check_number": checks, "text": "BANK TEXT"}).with_columns(pl.col("posted").cast(pl.Date))
    known = rng.random(n) < 0.9
    shift = rng.integers(-3, 4, n)
    own_acct = rng.integers(1, accounts + 1, n)
    own_amt = -(rng.lognormal(4, 1.5, n) * 100).astype(np.int64) - 1
    perm = rng.permutation(n)
    reg = pl.DataFrame({
        "entry_id": np.arange(1, n + 1),
        "account_id": np.where(known, acct, own_acct)[perm],
        "posted": (base + np.where(known, days + shift, rng.integers(0, 730, n)))[perm],
        "amount": np.where(known, amt, own_amt)[perm],
        "check_number": np.where(known, checks, "")[perm],
        "payee": "Payee",
    }).with_columns(pl.col("posted").cast(pl.Date))
    return bank, reg


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    args = ap.parse_args()
    results = []
    for n in [int(x) for x in args.sizes.split(",")]:
        bank, reg = make(n, seed=n)
        match(bank.head(1000), reg.head(1000))     # warm-up
        times, got = [], None
        for _ in range(3):
            t = time.perf_counter()
            got = match(bank, reg)
            times.append(time.perf_counter() - t)
        assert got["id"].n_unique() == got.height and got["entry_id"].n_unique() == got.height
        best = min(times)
        results.append({"rows": n, "seconds": round(best, 3), "runs": [round(x, 3) for x in times],
                         "matched": got.height})
        print(f"{n:>9,} bank x {n:,} register: {best:6.3f} s  ({got.height:,} matched, one-to-one)", flush=True)
    small, big = results[0], results[-1]
    growth = big["seconds"] / small["seconds"]
    nlogn = (big["rows"] * math.log(big["rows"])) / (small["rows"] * math.log(small["rows"]))
    print(f"growth {small['rows']:,} -> {big['rows']:,}: x{growth:.1f} (n log n would be x{nlogn:.1f})")
    ok = growth <= nlogn and (big["rows"] < 1_000_000 or big["seconds"] < 10)
    save("matching", {"results": results, "growth": round(growth, 2), "nlogn": round(nlogn, 2),
                      "targets_met": bool(ok)})
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
