"""Export speed: 100k approved transactions to QuickBooks Web Connect and IIF.

Why: a busy firm's year of card and bank activity reaches six figures, and an
export is something a bookkeeper waits for. Target: the whole recorded export
under 1 s per format for 100k rows on the development machine.

The script builds a workspace with one client, a checking and a card account,
``--transactions`` rows (a tenth split three ways, some checks, transfers and
BLUE matches) approved in ``codings``, then times:

  a. formatting only: ``FORMATS[f].render(frame, ctx)`` on the selected frame
  b. the whole ``Session.export`` (select, FITIDs, render, archive, atomic
     write, batch + items recorded, codings moved to exported), each format on
     a fresh copy of the workspace, with the time of each stage of the best run
     (some run on second threads beside the main one, so the stages add up to
     more than the whole)

and checks that the written total equals the database total to the cent.
It prints markdown tables and writes ``benchmarks/out/export.json``; the exit
status is 1 when an export misses the target.

    .venv/bin/python benchmarks/bench_export.py [--transactions 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import functools
import json
import platform
import random
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

import polars as pl  # noqa: E402
import sqlalchemy as sa  # noqa: E402

import ledgerkit.export as export_pkg  # noqa: E402
from ledgerkit import Session  # noqa: E402
from ledgerkit.export import FORMATS, batches  # noqa: E402
from ledgerkit.export.base import Context  # noqa: E402
from ledgerkit.store import schema, sha256_bytes, sqlite_memstatus, utcnow  # noqa: E402
from ledgerkit.store.archive import Archive  # noqa: E402

PAYEES = ["CORNER CAFE", "ACME SUPPLY CO", "CITY WATER UTILITY", "PAYROLL DEPOSIT", "SHELL OIL 5521",
          "SMITH & SONS <HARDWARE>", "OFFICE DEPOT #1123", "AMAZON MKTPLACE", "CAFÉ MÜLLER", "INTEREST PAID",
          "MONTHLY SERVICE FEE", "A VERY LONG PAYEE NAME THAT QUICKBOOKS WILL NOT TAKE WHOLE"]
ACCOUNTS = ["Office Supplies", "Meals", "Utilities", "Rent Expense", "Sales", "Repairs:Building", "Fuel"]


def build(workspace: Path, n: int, seed: int = 20260101, days: int = 365) -> None:
    """Create the workspace: client "Bench Co", checking + card, ``n`` approved codings
    (every 10th split three ways, every 50th BLUE, some checks and transfers) spread over
    about ``days`` days (a year of a busy client by default)."""
    rng = random.Random(seed)
    s = Session(workspace, actor="bench")
    c = s.add_client("Bench Co")
    chk = s.add_account(c, "Operating Checking", "checking", bank_id="121000248", number="55501234")
    card = s.add_account(c, "Business Visa", "credit_card", number="4111111111111111")
    data = b"bench source"
    sha = sha256_bytes(data)
    s.store.archive.put(data, sha)
    T, C = schema.transactions, schema.codings
    with s.store.begin() as conn:
        conn.execute(sa.insert(schema.files).values(sha256=sha, size=len(data), original_name="bench",
                                                    stored_path="x", first_seen=utcnow()))
        iid = conn.execute(sa.insert(schema.imports).values(
            client_id=c.id, sha256=sha, path="bench", importer="bench", added=n, duplicates=0, issues=[],
            actor="bench", created_at=utcnow())).inserted_primary_key[0]
    start = dt.date(2020, 1, 1)
    rows, codes = [], []
    day = start
    for i in range(1, n + 1):
        if rng.random() < days / n:
            day += dt.timedelta(days=1)
        acct = chk.id if i % 4 else card.id
        amount = rng.randint(1, 250_000) * (1 if rng.random() < 0.2 else -1)
        check = str(1000 + i) if acct == chk.id and i % 17 == 0 and amount < 0 else ""
        payee = PAYEES[rng.randrange(len(PAYEES))]
        rows.append((acct, f"F:{day:%Y%m%d}{i:08d}", day, amount, payee, payee.lower(), "", check,
                     f"{day:%Y%m%d}{i:08d}", "CHECK" if check else ("CREDIT" if amount > 0 else "DEBIT"),
                     sha, i, iid))
        splits = None
        if i % 10 == 0:
            a = amount // 3
            splits = [{"account": ACCOUNTS[0], "amount": a, "memo": "part", "class": ""},
                      {"account": ACCOUNTS[1], "amount": a, "memo": "", "class": "Ops"},
                      {"account": ACCOUNTS[2], "amount": amount - 2 * a, "memo": "", "class": ""}]
        codes.append({"state": "approved", "payee": payee.title(), "account": ACCOUNTS[i % len(ACCOUNTS)],
                      "splits": json.dumps(splits) if splits else None, "match_id": 9 if i % 50 == 0 else None,
                      "transfer_to": card.id if (acct == chk.id and i % 97 == 0) else None})
    frame = pl.DataFrame(rows, schema=["account_id", "identity", "posted", "amount", "payee", "description", "memo",
                                       "check_number", "bank_id", "type", "source_sha256", "source_row",
                                       "import_id"], orient="row")
    with s.store.begin() as conn:
        s.store.insert_frame(conn, T, frame)
        ids = [r[0] for r in conn.execute(sa.select(T.c.id).order_by(T.c.source_row))]
        now = utcnow()
        cf = pl.DataFrame({"transaction_id": ids, "state": [x["state"] for x in codes],
                           "payee": [x["payee"] for x in codes], "account": [x["account"] for x in codes],
                           "splits": [x["splits"] for x in codes], "match_id": [x["match_id"] for x in codes],
                           "transfer_to": [x["transfer_to"] for x in codes]},
                          schema_overrides={"match_id": pl.Int64, "transfer_to": pl.Int64, "splits": pl.String})
        cf = cf.with_columns(pl.lit(now.isoformat(sep=" ")).alias("updated_at"), pl.lit(1).alias("version"))
        s.store.insert_frame(conn, C, cf)
    s.close()


def time_render(workspace: Path, fmt_name: str, repeat: int) -> dict:
    s = Session(workspace, actor="bench")
    c = s.client("Bench Co")
    fmt = FORMATS[fmt_name]
    batches._ready(s.store)
    with s.store.connect() as conn:
        plan = batches.prepare(s.store, conn, c.id, fmt, account_ids=None, date_from=None, date_to=None)
        accs, _ = (batches.statement_accounts(s.store, conn, c.id, plan.frame["account_id"].unique().to_list())
                   if fmt.needs_statement else ({}, {}))
    ctx = Context(generated=utcnow(), accounts=accs, limit=fmt.limit)
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fmt.render(plan.frame, ctx)
        runs.append(time.perf_counter() - t)
    s.close()
    return {"seconds": min(runs), "runs": [round(r, 3) for r in runs], "rows": plan.frame.height,
            "files": len(out), "bytes": sum(len(r.data) for r in out)}


def written_total(paths: list[str], fmt_name: str) -> Decimal:
    total = Decimal(0)
    for p in paths:
        data = Path(p).read_bytes().decode("ascii")
        if fmt_name == "qbo":
            total += sum((Decimal(m) for m in re.findall(r"<TRNAMT>([-0-9.]+)", data)), Decimal(0))
        else:
            total += sum((Decimal(line.split("\t")[7]) for line in data.splitlines() if line.startswith("TRNS\t")),
                         Decimal(0))
    return total


STAGES = {   # stage -> where it runs and what it covers
    "read": "main: select into polars, FITIDs, split and transfer checks (batches.prepare)",
    "move codings": "2nd thread, beside the read: approved -> exported (batches._move_codings)",
    "accounts": "3rd thread, once the read or the move is over: Web Connect BIDs, balances "
                "(batches.statement_accounts)",
    "render": "main, after the read: the format's render",
    "items": "2nd thread, beside the render: one export_items row per transaction (batches._record_items)",
    "archive + stage": "after the render, a thread per file (summed): archived copy and temporary file "
                       "beside the target, each fsync'ed",
    "commit": "main: database commit (the WAL checkpoint runs after it, on a background thread)",
}


@contextlib.contextmanager
def stage_clock(session: Session):
    """Seconds spent per stage (see ``STAGES``) while the block runs, by wrapping the
    functions that do them."""
    spent: dict[str, float] = {}

    def timed(stage, fn):
        @functools.wraps(fn)
        def wrapper(*a, **k):
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[stage] = spent.get(stage, 0.0) + time.perf_counter() - t
        return wrapper

    patches = [(batches, "prepare", "read"), (batches, "statement_accounts", "accounts"),
               (batches, "_move_codings", "move codings"), (batches, "_record_items", "items"),
               (Archive, "put", "archive + stage"), (batches.StagedFiles, "stage", "archive + stage"),
               (session.store.engine.dialect, "do_commit", "commit")]
    saved = [(obj, name, getattr(obj, name)) for obj, name, _ in patches]
    formats = dict(export_pkg.FORMATS)
    try:
        for obj, name, stage in patches:
            setattr(obj, name, timed(stage, getattr(obj, name)))
        for name, fmt in formats.items():
            export_pkg.FORMATS[name] = dataclasses.replace(fmt, render=timed("render", fmt.render))
        yield spent
    finally:
        for obj, name, fn in saved:
            if obj is session.store.engine.dialect:
                delattr(obj, name)
            else:
                setattr(obj, name, fn)
        export_pkg.FORMATS.update(formats)


def time_export(workspace: Path, fmt_name: str, repeat: int) -> dict:
    runs = []
    result = None
    stages: dict[str, float] = {}
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(dir=workspace.parent) as tmp:
            copy = Path(tmp) / "ws"
            shutil.copytree(workspace, copy)
            s = Session(copy, actor="bench")
            with stage_clock(s) as spent:
                t = time.perf_counter()
                result = s.export("Bench Co", fmt_name, Path(tmp) / f"out.{fmt_name}")
                runs.append(time.perf_counter() - t)
            if runs[-1] == min(runs):
                stages = {k: round(spent.get(k, 0.0), 3) for k in STAGES}
            got = written_total([f.path for f in result.files], fmt_name)
            with s.store.connect() as conn:
                exported = conn.execute(sa.text(
                    "SELECT COALESCE(SUM(t.amount), 0) FROM transactions t JOIN export_items i "
                    "ON i.transaction_id = t.id WHERE i.written")).scalar()
            s.close()
            expected = Decimal(int(exported)).scaleb(-2)
            if got != expected or got != result.total:
                raise SystemExit(f"{fmt_name}: written total {got} != database {expected} / result {result.total}")
    return {"seconds": min(runs), "runs": [round(r, 3) for r in runs], "transactions": result.transactions,
            "files": len(result.files), "total": str(result.total), "drift_cents": 0, "stages": stages}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--transactions", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--days", type=int, default=365, help="days the transactions span (one year by default)")
    ap.add_argument("--target", type=float, default=1.0, help="seconds allowed for the whole export of 100k rows")
    ap.add_argument("--sqlite-stats-on", action="store_true",
                    help="keep SQLite's memory statistics on, as in a process that had a SQLite connection "
                         "open before its first workspace (a Jupyter kernel with IPython's history)")
    args = ap.parse_args()
    keep = sqlite3.connect(":memory:") if args.sqlite_stats_on else None
    if keep is not None:
        keep.execute("SELECT 1").fetchall()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        t = time.perf_counter()
        build(ws, args.transactions, days=args.days)
        setup = time.perf_counter() - t
        results = {}
        for f in ("qbo", "iif"):
            results[f] = {"render": time_render(ws, f, args.repeat), "export": time_export(ws, f, args.repeat)}
    print(f"\n{args.transactions} approved transactions (setup {setup:.1f} s), best of {args.repeat}, "
          f"{platform.python_implementation()} {platform.python_version()}, polars {pl.__version__}, "
          f"SQLite memory statistics {sqlite_memstatus.status()}\n")
    target = args.target * max(args.transactions, 1) / 100_000
    print("| format | formatting only | whole export (select+write+record) | files | rows written |")
    print("|---|---|---|---|---|")
    ok = True
    for f, r in results.items():
        print(f"| {f} | {r['render']['seconds']:.3f} s | {r['export']['seconds']:.3f} s | {r['export']['files']} | "
              f"{r['export']['transactions']} |")
        ok &= r["export"]["seconds"] <= target
    print(f"\ntarget: whole export under {target:.2f} s: {'met' if ok else 'NOT met'}")
    print("\nstages of the best whole export (seconds; second threads run beside the main one, so the\n"
          "stages add up to more than the whole)\n")
    print("| stage | " + " | ".join(results) + " | what |")
    print("|---|" + "---|" * len(results) + "---|")
    for stage, what in STAGES.items():
        print(f"| {stage} | " + " | ".join(f"{r['export']['stages'].get(stage, 0):.3f}" for r in results.values())
              + f" | {what} |")
    (HERE / "out").mkdir(exist_ok=True)
    (HERE / "out" / "export.json").write_text(json.dumps({"transactions": args.transactions, **results}, indent=2))
    print("\nwritten totals equal the database totals to the cent (0 drift)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
