"""QIF with categories, classes, splits and transfers: formats.md section 7.1, round trips."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from ledgerkit.export import qif

from .helpers import ctx, frame

D = dt.date


def row(**over):
    return {"posted": D(2026, 1, 5), "amount": -1500, "payee": "Corner Cafe", "category": "Meals", **over}


def render(rows, **kw):
    out = qif.format_qif(frame(rows, **kw.pop("defaults", {})), ctx(**kw))
    assert len(out) == 1
    return out[0].data


def test_account_header_type_and_record_ends():
    text = render([row()]).decode("ascii")
    assert text.startswith("!Account\r\nNOperating Checking\r\nTBank\r\n^\r\n!Type:Bank\r\n")
    assert text.endswith("^\r\n")
    card = render([row()], defaults={"account_kind": "credit_card", "account_name": "Visa"}).decode()
    assert "!Type:CCard\r\n" in card and "TCCard\r\n" in card


def test_round_trip_fields_splits_transfers_classes():
    rows = [row(check_number="1042", memo="January", class_="Admin"),
            row(amount=-8420, category="", splits=[
                {"account": "Repairs:Building", "amount": -6000, "memo": "Roof", "class": "Ops"},
                {"account": "Office Supplies", "amount": -2420, "memo": "", "class": ""}]),
            row(amount=-50000, category="", transfer_account="Savings", transfer_kind="savings"),
            row(amount=2500, payee="Acme", category="Sales")]
    back = qif.read_qif(render(rows))
    assert [b["amount"] for b in back] == ["-15.00", "-84.20", "-500.00", "25.00"]
    assert (back[0]["check"], back[0]["memo"], back[0]["category"], back[0]["klass"]) == ("1042", "January",
                                                                                           "Meals", "Admin")
    assert [(s["category"], s["klass"], s["memo"], s["amount"]) for s in back[1]["splits"]] == [
        ("Repairs:Building", "Ops", "Roof", "-60.00"), ("Office Supplies", "", "", "-24.20")]
    assert sum(Decimal(s["amount"]) for s in back[1]["splits"]) == Decimal(back[1]["amount"])
    assert back[2]["transfer"] == "Savings" and "category" not in back[2]
    assert all(b["account"] == "Operating Checking" and b["type"] == "Bank" for b in back)
    assert back[0]["date"] == D(2026, 1, 5)


def test_brackets_and_slash_in_category_cannot_turn_into_transfer_or_class():
    back = qif.read_qif(render([row(category="[Old] Meals/Travel", class_="A/B")]))
    assert back[0]["category"] == "(Old) Meals-Travel" and back[0]["klass"] == "A-B"
    assert "transfer" not in back[0]


def test_dates_four_digit_year_and_dmy():
    assert b"D03/04/2026\r\n" in render([row(posted=D(2026, 3, 4))])
    assert b"D04/03/2026\r\n" in render([row(posted=D(2026, 3, 4))], date_order="dmy")
    assert qif.read_qif(render([row(posted=D(2026, 3, 4))], date_order="dmy"), "dmy")[0]["date"] == D(2026, 3, 4)


def test_text_safe_ascii_single_line():
    data = render([row(payee="Café\nMüller ^", memo="a\tb")])
    assert data.isascii()
    b = qif.read_qif(data)[0]
    assert b["payee"] == "Cafe Muller ^" and b["memo"] == "a b"


def test_uncoded_has_no_category_line():
    assert b"\r\nL" not in render([row(category="")])


def test_round_trip_session(session, firm, tmp_path):
    res = session.export(firm["client"], "qif", tmp_path / "out.qif")
    back = [b for f in res.files for b in qif.read_qif(Path(f.path).read_bytes())]
    assert len(back) == res.transactions == 14
    assert sum(Decimal(b["amount"]) for b in back) == res.total
    rent = next(b for b in back if b.get("check") == "1042")
    assert (rent["payee"], rent["category"], rent["memo"]) == ("Smith & Sons Property", "Rent Expense",
                                                               "January rent")
    assert next(b for b in back if b["amount"] == "-500.00")["transfer"] == "Savings"
    assert next(b for b in back if b["amount"] == "1000.00")["transfer"] == "Operating Checking"
