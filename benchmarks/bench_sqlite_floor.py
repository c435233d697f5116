"""The floor under `ledgerkit import` of a 1M-row CSV: what SQLite alone costs.

Why: issue 2 asks for the import within 8x of a process that only runs
polars.read_csv. This script measures, without any ledgerkit code, the least
work any import into a SQLite store with ledgerkit's guarantees must do for the
same rows (already parsed, identities already computed):

  1. insert the rows through Python's sqlite3 ``executemany`` (constants as SQL
     literals, only the varying columns bound: what ``Store.insert_frame`` does);
  2. build the unique (account, identity) index that makes imports idempotent,
     and the (account, posted) index every date query needs;
  3. commit (WAL);
  4. the same for the review state of each row (``codings``: id + payee bound).

It prints each step and compares the sum with the 8x budget. Run:

    .venv/bin/python benchmarks/bench_sqlite_floor.py [--rows 1000000]
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import polars as pl
from bench_import_csv import bank_csv_and_baseline
from common import save

from ledgerkit.store import sqlite_memstatus

TRANSACTIONS = """CREATE TABLE transactions (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL,
 identity VARCHAR(300) NOT NULL, posted DATE NOT NULL, amount BIGINT NOT NULL, payee TEXT NOT NULL,
 description TEXT NOT NULL, memo TEXT NOT NULL, check_number VARCHAR(32) NOT NULL, bank_id TEXT NOT NULL,
 type VARCHAR(16) NOT NULL, source_sha256 VARCHAR(64) NOT NULL, source_row INTEGER NOT NULL,
 import_id INTEGER NOT NULL)"""
CODINGS = """CREATE TABLE codings (transaction_id INTEGER PRIMARY KEY, state VARCHAR(16) NOT NULL,
 payee TEXT NOT NULL, explanation TEXT NOT NULL, suggestions JSON, manual BOOLEAN NOT NULL,
 updated_at DATETIME NOT NULL, version INTEGER NOT NULL)"""


def floor(csv: Path) -> dict[str, float]:
    raw = pl.read_csv(csv, schema_overrides={"Amount": pl.String})
    n = raw.height
    rows = pl.DataFrame({
        "identity": [f"H:{hashlib.sha1(str(i).encode()).hexdigest()[:24]}" for i in range(n)],
        "posted": raw["Date"].str.to_date("%m/%d/%Y").dt.strftime("%Y-%m-%d"),
        "amount": raw["Amount"].str.replace(".", "", literal=True).cast(pl.Int64),
        "payee": raw["Description"], "description": raw["Description"],
        "source_row": pl.int_range(2, n + 2, eager=True),
    })
    steps: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite3.connect(Path(tmp) / "floor.db", isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-262144", "temp_store=MEMORY"):
            db.execute(f"PRAGMA {pragma}")
        db.execute(TRANSACTIONS)
        db.execute(CODINGS)
        db.execute("BEGIN")

        def step(name, fn):
            t = time.perf_counter()
            out = fn()
            steps[name] = round(time.perf_counter() - t, 3)
            return out

        tuples = step("transactions: Python tuples", rows.rows)
        step("transactions: executemany", lambda: db.executemany(
            "INSERT INTO transactions (account_id, identity, posted, amount, payee, description, memo, check_number,"
            " bank_id, type, source_sha256, source_row, import_id) VALUES (1, ?, ?, ?, ?, ?, '', '', '', '',"
            " 'sha', ?, 1)", tuples))
        step("unique (account, identity) index", lambda: db.execute(
            "CREATE UNIQUE INDEX uq ON transactions (account_id, identity)"))
        step("(account, posted) index", lambda: db.execute("CREATE INDEX ix ON transactions (account_id, posted)"))
        coded = step("codings: Python tuples", lambda: pl.DataFrame({
            "id": pl.int_range(1, n + 1, eager=True), "payee": raw["Description"].str.to_titlecase()}).rows())
        step("codings: executemany", lambda: db.executemany(
            "INSERT INTO codings VALUES (?, 'gold', ?, 'no rule or match; no suggestions yet', '[]', 0,"
            " '2026-11-27 00:00:00.000000', 1)", coded))
        step("codings state index", lambda: db.execute("CREATE INDEX ix_state ON codings (state)"))
        step("commit", lambda: db.execute("COMMIT"))
        step("close (WAL checkpoint)", db.close)
    return steps


def main() -> int:
    args, csv, polars_only = bank_csv_and_baseline()
    print(f"SQLite memory statistics: {sqlite_memstatus.turn_off()} (as the Store does)")
    runs = [floor(csv) for _ in range(args.repeat)]
    steps = min(runs, key=lambda s: sum(s.values()))
    total = sum(steps.values())
    budget = 8 * polars_only["seconds"]
    save("sqlite_floor", {"rows": args.rows, "polars_read_csv": polars_only, "steps": steps,
                          "total": round(total, 3), "budget_8x": round(budget, 3)})
    print(f"| SQLite alone, {args.rows:,} parsed rows | seconds |")
    print("|---|---|")
    for name, s in steps.items():
        print(f"| {name} | {s:.2f} |")
    print(f"| **sum** | **{total:.2f}** |")
    print(f"polars.read_csv process {polars_only['seconds']:.2f} s: the 8x budget is {budget:.2f} s for the whole "
          f"import (process start, parse, identities, review, store); SQLite's share alone is {total:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
