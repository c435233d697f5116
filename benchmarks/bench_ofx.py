"""Benchmark: OFX reading, ledgerkit against ofxtools' bare parse, each as a whole process.

Why: a busy firm's bank files reach tens of thousands of transactions, and the
tolerant reader exists partly to be fast. This writes a deterministic
100k-transaction OFX 1.02 SGML file into ``benchmarks/out/`` and times, each in
its own process (wall clock and that child's peak RSS, see ``common.run_process``):

  a. ofxtools: ``OFXTree().parse(f); tree.convert()``
  b. ledgerkit's reader: ``OfxImporter().extract(path, data)`` (bytes to an Extract)
  c. ledgerkit CLI: ``ledgerkit --workspace TMP import --client X FILE --json`` after
     ``clients add`` (the whole import: archive, accounts, identities, database)

Targets: (b) under half of (a); (c) at least 2x faster than (a).
Prints a markdown table and writes ``benchmarks/out/ofx.json``.
Run: .venv/bin/python benchmarks/bench_ofx.py [--transactions 100000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from common import BIN, OUT, best_of, run_process, save

HEADER = (
    "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\n"
    "CHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"
)
PAYEES = ["CORNER CAFE", "ACME SUPPLY CO", "CITY WATER UTILITY", "PAYROLL DEPOSIT", "SHELL OIL 5521",
          "SMITH &amp; SONS HARDWARE", "OFFICE DEPOT #1123", "AMAZON MKTPLACE", "ATM WITHDRAWAL",
          "INTEREST PAID", "MONTHLY SERVICE FEE", "TRANSFER TO SAVINGS"]
TYPES = ["DEBIT", "POS", "CHECK", "CREDIT", "DIRECTDEP", "ATM", "XFER", "FEE", "INT", "PAYMENT"]


def generate(path: Path, n: int, seed: int = 20260101) -> Path:
    """Write an OFX 1.02 SGML checking statement with ``n`` transactions (same bytes every run)."""
    rng = random.Random(seed)
    start = day = dt.date(2020, 1, 1)
    balance = 0
    txns = []
    for i in range(1, n + 1):
        if rng.random() < 0.2:
            day += dt.timedelta(days=1)
        kind = TYPES[i % len(TYPES)]
        cents = rng.randint(1, 250_000)
        amount = cents if kind in ("CREDIT", "DIRECTDEP", "INT") else -cents
        balance += amount
        txn = [f"<STMTTRN>\r\n<TRNTYPE>{kind}\r\n<DTPOSTED>{day:%Y%m%d}120000.000[-5:EST]\r\n"
               f"<TRNAMT>{_money(amount)}\r\n<FITID>{day:%Y%m%d}{i:08d}\r\n"]
        if kind == "CHECK":
            txn.append(f"<CHECKNUM>{1000 + i}\r\n")
        txn.append(f"<NAME>{PAYEES[rng.randrange(len(PAYEES))]}\r\n")
        if i % 3 == 0:
            txn.append(f"<MEMO>REF {rng.randrange(10**9):09d} POS PURCHASE TERMINAL {i % 97}\r\n")
        txn.append("</STMTTRN>\r\n")
        txns.append("".join(txn))
    head = ("<OFX>\r\n<SIGNONMSGSRSV1>\r\n<SONRS>\r\n<STATUS>\r\n<CODE>0\r\n<SEVERITY>INFO\r\n</STATUS>\r\n"
            "<DTSERVER>20260101120000.000[-5:EST]\r\n<LANGUAGE>ENG\r\n<FI>\r\n<ORG>BENCH BANK\r\n<FID>9999\r\n"
            "</FI>\r\n<INTU.BID>9999\r\n</SONRS>\r\n</SIGNONMSGSRSV1>\r\n<BANKMSGSRSV1>\r\n<STMTTRNRS>\r\n"
            "<TRNUID>1\r\n<STATUS>\r\n<CODE>0\r\n<SEVERITY>INFO\r\n</STATUS>\r\n<STMTRS>\r\n<CURDEF>USD\r\n"
            "<BANKACCTFROM>\r\n<BANKID>123456789\r\n<ACCTID>000111222333\r\n<ACCTTYPE>CHECKING\r\n"
            "</BANKACCTFROM>\r\n<BANKTRANLIST>\r\n"
            f"<DTSTART>{start:%Y%m%d}120000.000[-5:EST]\r\n<DTEND>{day:%Y%m%d}120000.000[-5:EST]\r\n")
    tail = (f"</BANKTRANLIST>\r\n<LEDGERBAL>\r\n<BALAMT>{_money(balance)}\r\n"
            f"<DTASOF>{day:%Y%m%d}120000.000[-5:EST]\r\n</LEDGERBAL>\r\n</STMTRS>\r\n</STMTTRNRS>\r\n"
            "</BANKMSGSRSV1>\r\n</OFX>\r\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((HEADER + head + "".join(txns) + tail).encode("ascii"))
    return path


def _money(cents: int) -> str:
    return f"{'-' if cents < 0 else ''}{abs(cents) // 100}.{abs(cents) % 100:02d}"


OFXTOOLS = ("import sys, warnings; warnings.simplefilter('ignore'); from ofxtools.Parser import OFXTree; "
            "t = OFXTree(); t.parse(sys.argv[1]); o = t.convert(); print(len(o.statements[0].banktranlist))")
# also records the in-process time of extract() alone, apart from interpreter start and package imports
READER = ("import sys, time; from pathlib import Path; from ledgerkit.importers.ofx import OfxImporter; "
          "p = Path(sys.argv[1]); t = time.perf_counter(); ex = OfxImporter().extract(p, p.read_bytes()); "
          "Path(sys.argv[2]).write_text(str(time.perf_counter() - t)); print(ex.transactions.height)")


def _cli_available() -> bool:
    exe = BIN / "ledgerkit"
    if not exe.exists():
        return False
    try:
        out = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and "import" in out.stdout


def _cli_import(path: Path) -> dict:
    ws = Path(tempfile.mkdtemp(prefix="lk-bench-ofx-"))
    try:
        run_process([str(BIN / "ledgerkit"), "--workspace", str(ws), "clients", "add", "Bench Co"])
        return run_process([str(BIN / "ledgerkit"), "--workspace", str(ws), "import", "--client", "Bench Co",
                            str(path), "--json"])
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--transactions", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    path = OUT / f"ofx_{args.transactions}.ofx"
    generate(path, args.transactions)
    py = sys.executable
    ofxtools = best_of(args.repeat, lambda: run_process([py, "-c", OFXTOOLS, str(path)]))
    inner = OUT / "ofx_reader_extract_seconds.txt"

    def run_reader() -> dict:
        r = run_process([py, "-c", READER, str(path), str(inner)])
        return r | {"extract_seconds": round(float(inner.read_text()), 3)}

    reader = best_of(args.repeat, run_reader)
    imports = best_of(args.repeat, lambda: run_process([py, "-c", "import ledgerkit.importers.ofx"]))
    cli = best_of(args.repeat, lambda: _cli_import(path)) if _cli_available() else None
    base = ofxtools["seconds"]
    result = {
        "transactions": args.transactions, "file_mb": round(path.stat().st_size / 2**20, 1),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "ofxtools_parse_convert": ofxtools, "ledgerkit_reader": reader, "ledgerkit_cli_import": cli,
        "ledgerkit_import_only": imports,
        "speedup_reader": round(base / reader["seconds"], 2),
        "speedup_cli_import": round(base / cli["seconds"], 2) if cli else None,
        "targets": {"reader_max_fraction_of_ofxtools": 0.5, "cli_import_min_speedup": 2.0},
    }
    save("ofx", result)
    print(f"| {args.transactions:,}-transaction OFX 1.02 SGML ({result['file_mb']} MB) | seconds | peak MB "
          "| vs ofxtools |")
    print("|---|---|---|---|")
    rows = [("ofxtools OFXTree.parse + convert", ofxtools), ("ledgerkit reader (bytes to Extract)", reader),
            ("ledgerkit import CLI (fresh workspace)", cli),
            ("(baseline: a process that only imports ledgerkit.importers.ofx)", imports)]
    for label, r in rows:
        if r is None:
            print(f"| {label} | n/a (CLI not available) | | |")
        else:
            print(f"| {label} | {r['seconds']:.2f} | {r['peak_mb']:.0f} | {base / r['seconds']:.1f}x |")
    print(f"(extract() alone, inside the reader process: {reader['extract_seconds']:.2f} s; the rest is "
          "interpreter start and imports)")
    ok = reader["seconds"] <= 0.5 * base and (cli is None or cli["seconds"] * 2 <= base)
    print("targets met" if ok else "target missed: reader <= 0.5x ofxtools, CLI import >= 2x faster")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
