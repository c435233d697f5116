"""beancount and ledger/hledger journals: balanced entries, coded accounts, valid names."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from ledgerkit.export import journals

from .helpers import ctx, frame

D = dt.date
BEAN_ACCOUNT = re.compile(r"^(Assets|Liabilities|Equity|Income|Expenses)(:[A-Z0-9][A-Za-z0-9-]*)+$")
BEAN_POSTING = re.compile(r"^  (\S+)  (-?\d+\.\d+) ([A-Z]{3})$")
LEDGER_POSTING = re.compile(r"^    (\S(?:\S| (?! ))*)  (-?\d+\.\d+) ([A-Z]{3})(  ; .*)?$")


def row(**over):
    return {"posted": D(2026, 1, 5), "amount": -1500, "payee": "Corner Cafe", "category": "Meals", **over}


ROWS = [row(check_number="1042", memo='say "hi" \\ back'),
        row(amount=-8420, splits=[{"account": "Repairs:Building", "amount": -6000, "memo": "Roof", "class": "Ops"},
                                  {"account": "Office Supplies", "amount": -2420, "memo": "", "class": ""}]),
        row(amount=-50000, category="", transfer_account="Savings", transfer_kind="savings"),
        row(amount=2500, payee="Acme; Inc | x", category="Consulting Income", posted=D(2026, 1, 2)),
        row(amount=-6499, account_kind="credit_card", account_name="Business Visa", category="Office Supplies"),
        row(amount=-99, category="Expenses:Bank Fees"),
        row(amount=-1, category=""),
        row(amount=-100, payee="Café Müller", category="Repas & Réceptions")]


def entries(text: str, posting: re.Pattern) -> list[list[tuple[str, Decimal]]]:
    out = []
    for block in text.strip().split("\n\n"):
        lines = block.split("\n")
        if not re.match(r"\d{4}-\d\d-\d\d \*", lines[0]):
            continue
        out.append([(m.group(1), Decimal(m.group(2))) for m in map(posting.match, lines[1:]) if m])
    return out


def test_beancount_balanced_valid_names_and_metadata():
    text = journals.format_beancount(frame(ROWS), ctx())[0].data.decode("utf-8")
    es = entries(text, BEAN_POSTING)
    assert len(es) == len(ROWS)
    for e in es:
        assert sum(a for _, a in e) == 0 and len(e) >= 2
        assert all(BEAN_ACCOUNT.match(acct) for acct, _ in e), e
    assert text.index("2026-01-02") < text.index("2026-01-05")                    # date order
    assert 'fitid: "LK-' in text and 'check: "1042"' in text
    assert r'"say \"hi\" \\ back"' in text
    accts = {a for e in es for a, _ in e}
    assert {"Assets:Bank:Operating-Checking", "Expenses:Meals", "Expenses:Repairs:Building",
            "Assets:Bank:Savings", "Income:Consulting-Income", "Liabilities:Credit-Card:Business-Visa",
            "Expenses:Bank-Fees", "Expenses:Uncategorized", "Expenses:Repas-Receptions"} <= accts


def test_beancount_open_directives_with_lists():
    text = journals.format_beancount(frame(ROWS), ctx(lists=True,
                                                      known_accounts=frozenset({"Expenses:Meals"})))[0].data.decode()
    opens = re.findall(r"^(\d{4}-\d\d-\d\d) open (\S+)$", text, re.M)
    assert opens and all(d == "2026-01-02" for d, _ in opens)
    used = {a for e in entries(text, BEAN_POSTING) for a, _ in e}
    assert {a for _, a in opens} == used - {"Expenses:Meals"}


def test_ledger_balanced_and_safe_text():
    text = journals.format_ledger(frame(ROWS), ctx())[0].data.decode("utf-8")
    es = entries(text, LEDGER_POSTING)
    assert len(es) == len(ROWS)
    for e in es:
        assert sum(a for _, a in e) == 0 and len(e) >= 2
    assert "2026-01-05 * (1042) Corner Cafe  ; say \"hi\" \\ back" in text
    assert "Acme, Inc / x" in text                      # ; would start a comment, | splits payee|note
    assert "    Expenses:Repairs:Building  60.00 USD  ; Roof, class: Ops" in text
    assert "    Liabilities:Credit Card:Business Visa  -64.99 USD" in text
    assert "    ; fitid: " in text
    with_lists = journals.format_ledger(frame(ROWS), ctx(lists=True))[0].data.decode()
    assert with_lists.startswith("commodity USD\ntag fitid\ntag class\naccount Assets:Bank:Operating Checking\n")


def test_category_roots_follow_the_name_only():
    assert journals.category_path("Consulting Income") == ["Income", "Consulting Income"]
    assert journals.category_path("Loan Payable:Truck") == ["Liabilities", "Loan Payable", "Truck"]
    assert journals.category_path("Owner's Draw") == ["Equity", "Owner's Draw"]
    assert journals.category_path("Meals") == ["Expenses", "Meals"]
    assert journals.category_path("income:interest") == ["Income", "interest"]
    assert journals.bean_account(["Expenses", "office supplies (50%)"]) == "Expenses:Office-supplies-50"


def test_round_trip_session_totals(session, firm, tmp_path):
    for fmt, pattern in (("beancount", BEAN_POSTING), ("ledger", LEDGER_POSTING)):
        res = session.export(firm["client"], fmt, tmp_path / f"out.{fmt}",
                             reexport=None if fmt == "beancount" else 1)
        text = Path(res.files[0].path).read_text(encoding="utf-8")
        es = entries(text, pattern)
        assert len(es) == res.transactions == 14
        assert all(sum(a for _, a in e) == 0 for e in es)
        assert sum(e[0][1] for e in es) == res.total


@pytest.mark.parametrize("tool", ["bean-check", "hledger", "ledger"])
def test_real_tools_accept_the_journals(session, firm, tmp_path, tool):
    """Run the real accounting tools when installed (``bean-check`` from beancount,
    ``hledger``, ``ledger``; or their path in ``LEDGERKIT_<TOOL>``); skipped otherwise."""
    exe = os.environ.get("LEDGERKIT_" + tool.upper().replace("-", "_")) or shutil.which(tool)
    if not exe:
        pytest.skip(f"{tool} is not installed")
    fmt = "beancount" if tool == "bean-check" else "ledger"
    res = session.export(firm["client"], fmt, tmp_path / f"books.{fmt}", lists=True)
    path = res.files[0].path
    cmd = {"bean-check": [exe, path], "hledger": [exe, "-f", path, "check", "--strict"],
           "ledger": [exe, "-f", path, "--strict", "--pedantic", "balance"]}[tool]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "rror" not in proc.stderr, proc.stderr
