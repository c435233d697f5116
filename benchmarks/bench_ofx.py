"""OFX import speed: ledgerkit's reader against ofxtools' bare parse, as whole processes.

Why: bank files of a busy firm reach tens of thousands of transactions, and the
tolerant reader exists partly to be fast. This script writes a deterministic
100k-transaction OFX 1.02 SGML file into ``benchmarks/out/`` and times, each in
its own process (wall clock and peak RSS of that child):

  a. ofxtools: ``OFXTree().parse(f); tree.convert()``
  b. ledgerkit: ``OfxImporter().extract(path, data)`` (the reader, to an Extract)
  c. ledgerkit CLI: ``ledgerkit --workspace TMP import --client X FILE --json``
     (after ``clients add``), when the CLI is installed

It prints a markdown table and writes ``benchmarks/out/ofx.json``.

    .venv/bin/python benchmarks/bench_ofx.py [--transactions 100000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
REPO = HERE.parent

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
    start = dt.date(2020, 1, 1)
    parts = [HEADER, "<OFX>\r\n<SIGNONMSGSRSV1>\r\n<SONRS>\r\n<STATUS>\r\n<CODE>0\r\n<SEVERITY>INFO\r\n</STATUS>\r\n"
             "<DTSERVER>20260101120000.000[-5:EST]\r\n<LANGUAGE>ENG\r\n<FI>\r\n<ORG>BENCH BANK\r\n<FID>9999\r\n"
             "</FI>\r\n<INTU.BID>9999\r\n</SONRS>\r\n</SIGNONMSGSRSV1>\r\n<BANKMSGSRSV1>\r\n<STMTTRNRS>\r\n"
             "<TRNUID>1\r\n<STATUS>\r\n<CODE>0\r\n<SEVERITY>INFO\r\n</STATUS>\r\n<STMTRS>\r\n<CURDEF>USD\r\n"
             "<BANKACCTFROM>\r\n<BANKID>123456789\r\n<ACCTID>000111222333\r\n<ACCTTYPE>CHECKING\r\n"
             "</BANKACCTFROM>\r\n<BANKTRANLIST>\r\n"
             f"<DTSTART>{start:%Y%m%d}120000.000[-5:EST]\r\n", "DTEND"]
    balance = 0
    day = start
    for i in range(1, n + 1):
        if rng.random() < 0.2:
            day += dt.timedelta(days=1)
        kind = TYPES[i % len(TYPES)]
        cents = rng.randint(1, 250_000)
        if kind in ("CREDIT", "DIRECTDEP", "INT"):
            amount = cents
        else:
            amount = -cents
        balance += amount
        sign = "-" if amount < 0 else ""
        txn = [f"<STMTTRN>\r\n<TRNTYPE>{kind}\r\n<DTPOSTED>{day:%Y%m%d}120000.000[-5:EST]\r\n"
               f"<TRNAMT>{sign}{abs(amount) // 100}.{abs(amount) % 100:02d}\r\n<FITID>{day:%Y%m%d}{i:08d}\r\n"]
        if kind == "CHECK":
            txn.append(f"<CHECKNUM>{1000 + i}\r\n")
        txn.append(f"<NAME>{PAYEES[rng.randrange(len(PAYEES))]}\r\n")
        if i % 3 == 0:
            txn.append(f"<MEMO>REF {rng.randrange(10**9):09d} POS PURCHASE TERMINAL {i % 97}\r\n")
        txn.append("</STMTTRN>\r\n")
        parts.append("".join(txn))
    sign = "-" if balance < 0 else ""
    parts[2] = f"<DTEND>{day:%Y%m%d}120000.000[-5:EST]\r\n"
    parts.append(f"</BANKTRANLIST>\r\n<LEDGERBAL>\r\n<BALAMT>{sign}{abs(balance) // 100}.{abs(balance) % 100:02d}"
                 f"\r\n<DTASOF>{day:%Y%m%d}120000.000[-5:EST]\r\n</LEDGERBAL>\r\n</STMTRS>\r\n</STMTTRNRS>\r\n"
                 "</BANKMSGSRSV1>\r\n</OFX>\r\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("".join(parts).encode("ascii"))
    return path
