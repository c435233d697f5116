"""IIF for QuickBooks Desktop: one test per gotcha of formats.md section 2, and round trips
through ``read_iif`` that give back the same transactions and codings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from ledgerkit.export import iif

from .helpers import ctx, frame

D = dt.date


def render(rows, **kw):
    c = ctx(lists=kw.pop("lists", False), known_accounts=kw.pop("known_accounts", frozenset()),
            known_names=kw.pop("known_names", frozenset()))
    out = iif.format_iif(frame(rows, **kw), c)
    assert len(out) == 1
    return out[0].data


def row(**over):
    return {"posted": D(2026, 1, 5), "amount": -1500, "payee": "Corner Cafe", "category": "Meals", **over}


def test_headers_tabs_crlf_ascii_and_column_counts():
    data = render([row(), row(amount=2500, payee="Acme", category="Sales")])
    text = data.decode("ascii")
    lines = text.split("\r\n")
    assert lines[0].split("\t")[:4] == ["!TRNS", "TRNSID", "TRNSTYPE", "DATE"]
    assert lines[1].startswith("!SPL\tSPLID\t") and lines[2] == "!ENDTRNS"
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    heads = {}
    for line in lines:
        if not line:
            continue
        cells = line.split("\t")
        if cells[0].startswith("!"):
            heads[cells[0][1:]] = len(cells)
        elif cells[0] != "ENDTRNS":
            assert len(cells) == heads[cells[0]], line          # no stray tab shifts a column


def test_every_transaction_sums_to_zero_with_splits():
    rows = [row(amount=-8420, splits=[{"account": "Repairs:Building", "amount": -6000, "memo": "Roof", "class": "Ops"},
                                      {"account": "Office Supplies", "amount": -2420, "memo": "", "class": ""}]),
            row(amount=12345, payee="Client", category="Sales"),
            row(amount=-1, category="")]
    parsed = iif.read_iif(render(rows))
    assert len(parsed["transactions"]) == 3
    for t in parsed["transactions"]:
        total = Decimal(t["AMOUNT"]) + sum(Decimal(s["AMOUNT"]) for s in t["splits"])
        assert total == 0
        assert all(s["DATE"] == t["DATE"] and s["TRNSTYPE"] == t["TRNSTYPE"] for s in t["splits"])
    split = parsed["transactions"][0]["splits"]
    assert [(s["ACCNT"], s["AMOUNT"], s["CLASS"], s["MEMO"]) for s in split] == [
        ("Repairs:Building", "60.00", "Ops", "Roof"), ("Office Supplies", "24.20", "", "")]


def test_transaction_types_and_signs():
    rows = [row(amount=-1500),                                           # bank money out
            row(amount=2500, payee="Acme"),                               # bank money in
            row(amount=-6499, account_kind="credit_card", account_name="Visa"),
            row(amount=2000, account_kind="credit_card", account_name="Visa"),
            row(amount=-50000, transfer_account="Savings", transfer_kind="savings", category=""),
            row(amount=100000, account_kind="credit_card", account_name="Visa", transfer_account="Checking",
                transfer_kind="checking", category=""),
            row(amount=-100000, transfer_account="Visa", transfer_kind="credit_card", category="")]
    ts = iif.read_iif(render(rows))["transactions"]
    assert [t["TRNSTYPE"] for t in ts] == ["CHECK", "DEPOSIT", "CREDIT CARD", "CCARD REFUND", "TRANSFER",
                                          "CCARD REFUND", "CHECK"]
    assert [t["AMOUNT"] for t in ts] == ["-15.00", "25.00", "-64.99", "20.00", "-500.00", "1000.00", "-1000.00"]
    assert ts[4]["splits"][0]["ACCNT"] == "Savings" and ts[4]["NAME"] == ""
    assert ts[5]["splits"][0]["ACCNT"] == "Checking" and ts[6]["splits"][0]["ACCNT"] == "Visa"
    assert ts[1]["NAME"] == "" and ts[1]["splits"][0]["NAME"] == "Acme"        # deposits: name per line


def test_dates_mm_dd_yyyy_and_check_docnum():
    ts = iif.read_iif(render([row(posted=D(2026, 3, 4), check_number="1042")]))["transactions"]
    assert ts[0]["DATE"] == "03/04/2026" and ts[0]["DOCNUM"] == "1042"
    assert iif.parse_date(ts[0]["DATE"]) == D(2026, 3, 4)


def test_tabs_newlines_quotes_made_safe():
    data = render([row(payee='Bob\t"The Plumber"\r\nInc', memo="line1\nline2\tx", category="Repairs\tX")])
    t = iif.read_iif(data)["transactions"][0]
    assert t["NAME"] == "Bob 'The Plumber' Inc" and t["MEMO"] == "line1 line2 x"
    assert t["splits"][0]["ACCNT"] == "Repairs X"


def test_non_ascii_and_long_names():
    t = iif.read_iif(render([row(payee="Café Müller " + "x" * 60)]))["transactions"][0]
    assert t["NAME"].startswith("Cafe Muller") and len(t["NAME"]) <= 41


def test_lists_only_for_unknown_accounts_and_names():
    rows = [row(), row(amount=2500, payee="Acme Corp", category="Consulting Income"),
            row(category="Repairs:Building", payee="Smith & Sons")]
    parsed = iif.read_iif(render(rows, lists=True, known_accounts=frozenset({"meals", "Operating Checking"}),
                                 known_names=frozenset({"corner cafe"})))
    accounts = {a["NAME"]: a["ACCNTTYPE"] for a in parsed["accounts"]}
    assert accounts == {"Consulting Income": "INC", "Repairs": "EXP", "Repairs:Building": "EXP"}
    names = {(n["list"], n["NAME"]) for n in parsed["names"]}
    assert names == {("VEND", "Smith & Sons"), ("CUST", "Acme Corp")}
    text = render(rows, lists=True).decode()
    assert "ACCNT\tOperating Checking\tBANK" in text      # the bank account itself, so no typo creates one
    assert text.index("!ACCNT") < text.index("!TRNS")
    assert "!ACCNT" not in render(rows).decode()           # off unless asked


def test_uncoded_falls_back_to_uncategorized():
    ts = iif.read_iif(render([row(category=""), row(category="", amount=10)]))["transactions"]
    assert [t["splits"][0]["ACCNT"] for t in ts] == ["Uncategorized Expense", "Uncategorized Income"]


def test_round_trip_codings(session, firm, tmp_path):
    res = session.export(firm["client"], "iif", tmp_path / "out.iif")
    parsed = iif.read_iif(Path(res.files[0].path).read_bytes())
    ts = parsed["transactions"]
    assert len(ts) == res.transactions == 14            # 16 approved - 2 BLUE
    by_amount = {(t["DATE"], t["AMOUNT"], t["ACCNT"]): t for t in ts}
    rent = by_amount[("01/02/2026", "-1500.00", "Operating Checking")]
    assert (rent["NAME"], rent["DOCNUM"], rent["MEMO"]) == ("Smith & Sons Property", "1042", "January rent")
    assert [(s["ACCNT"], s["AMOUNT"]) for s in rent["splits"]] == [("Rent Expense", "1500.00")]
    assert "Office Depot" not in Path(res.files[0].path).read_bytes().decode()          # BLUE: in the books
    assert sum(Decimal(t["AMOUNT"]) for t in ts) == res.total
