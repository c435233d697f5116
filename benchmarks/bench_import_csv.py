"""Benchmark: `ledgerkit import` of a generated 1M-row bank CSV into a fresh workspace,
side by side with a process that only runs polars.read_csv on the same file.

Target (issue 2): within 8x of the polars.read_csv process; peak memory under 1.5 GB.
Run: .venv/bin/python benchmarks/bench_import_csv.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
import tempfile
from pathlib import Path

from common import BIN, OUT, best_of, run_process, save

MERCHANTS = ["STARBUCKS STORE 05521", "AMZN Mktp US*2K4LL0Q92", "SQ *BLUE BOTTLE COF 0423 SAN FRANCISCO CA",
             "SHELL OIL 57442", "PG&E WEB ONLINE", "PAYROLL ACME CORP", "TRADER JOE S #123", "UBER *TRIP",
             "COMCAST CABLE", "CHECK", "TRANSFER TO SAVINGS", "INTEREST PAYMENT"]


def generate(path: Path, rows: int) -> None:
    rng = random.Random(42)
    start = dt.date(2020, 1, 1)
    with path.open("w") as fh:
        fh.write("Date,Description,Amount\n")
        for i in range(rows):
            d = start + dt.timedelta(days=i * 2000 // rows)
            cents = rng.randint(-250000, 300000)
            sign = "-" if cents < 0 else ""
            fh.write(f"{d:%m/%d/%Y},{rng.choice(MERCHANTS)} {rng.randint(1, 9999)},"
                     f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}\n")


def bank_csv_and_baseline(argv: list[str] | None = None) -> tuple[argparse.Namespace, Path, dict]:
    """The ``--rows``/``--repeat`` arguments, the generated bank CSV, and the reference: the best
    of ``--repeat`` processes that only run polars.read_csv on it."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    csv = OUT / f"bank_{args.rows}.csv"
    if not csv.exists():
        generate(csv, args.rows)
    polars_only = best_of(args.repeat, lambda: run_process(
        [sys.executable, "-c", f"import polars as pl; df = pl.read_csv({str(csv)!r}); print(df.height)"]))
    return args, csv, polars_only


def main() -> int:
    args, csv, polars_only = bank_csv_and_baseline()

    daily = OUT / "bank_daily.csv"     # the big file's last 500 rows again, and 500 new ones
    lines = csv.read_text().splitlines()
    daily.write_text("\n".join([lines[0], *lines[-500:], *(line.replace("/2025,", "/2026,") for line in lines[-500:])])
                     + "\n")
    after: list[dict] = []

    def ledgerkit_import():
        ws = Path(tempfile.mkdtemp(prefix="lk-bench-"))
        lk = [str(BIN / "ledgerkit"), "--workspace", str(ws)]
        try:
            run_process([*lk, "clients", "add", "Bench Co"])
            big = run_process([*lk, "import", "--client", "Bench Co", str(csv), "--json"])
            # the next day's file into the account that now holds the big one
            after.append(run_process([*lk, "import", "--client", "Bench Co", str(daily), "--json"]))
            return big
        finally:
            shutil.rmtree(ws, ignore_errors=True)

    lk = best_of(args.repeat, ledgerkit_import)
    next_day = min(after, key=lambda r: r["seconds"])
    ratio = lk["seconds"] / polars_only["seconds"]
    result = {"rows": args.rows, "file_mb": round(csv.stat().st_size / 2**20, 1),
              "polars_read_csv": polars_only, "ledgerkit_import": lk, "ratio": round(ratio, 2),
              "next_day_1000_rows_into_big_account": next_day,
              "targets": {"ratio_max": 8, "peak_mb_max": 1536}}
    save("import_csv", result)
    print(f"| {args.rows:,}-row CSV ({result['file_mb']} MB) | seconds | peak MB |")
    print("|---|---|---|")
    print(f"| polars.read_csv process | {polars_only['seconds']:.2f} | {polars_only['peak_mb']:.0f} |")
    print(f"| ledgerkit import (fresh workspace) | {lk['seconds']:.2f} | {lk['peak_mb']:.0f} |")
    print(f"| then a 1,000-row file (500 already known) into that account | {next_day['seconds']:.2f} | "
          f"{next_day['peak_mb']:.0f} |")
    print(f"ratio {ratio:.2f}x (target <= 8x), peak {lk['peak_mb']:.0f} MB (target < 1536 MB)")
    return 0 if ratio <= 8 and lk["peak_mb"] < 1536 else 1


if __name__ == "__main__":
    sys.exit(main())
