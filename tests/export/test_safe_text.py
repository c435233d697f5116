"""Whatever a bank or a person typed, every format keeps every row and its structure."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledgerkit.export import FORMATS, iif, qbo_csv, qif, xero_csv

from .conftest import parse_ofx
from .helpers import ctx, frame

nasty = st.text(alphabet=st.sampled_from(list("aZ9 \t\r\n\"',;|&<>=+-@^/[]:#é東€\x00\x7f\u00a0")), max_size=30)
rows = st.lists(st.tuples(st.integers(-10**8, 10**8), nasty, nasty, nasty, nasty), min_size=1, max_size=12)


def build(data):
    return frame([{"posted": dt.date(2026, 1, 1) + dt.timedelta(days=i % 5), "amount": a, "payee": p, "memo": m,
                   "category": c or "", "class_": k, "check_number": "1" if i % 3 == 0 else ""}
                  for i, (a, p, m, c, k) in enumerate(data)])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows)
def test_every_format_keeps_every_row(data):
    f = build(data)
    n = f.height
    total = Decimal(int(f["amount"].sum())).scaleb(-2)
    out = {name: spec.render(f, ctx()) for name, spec in FORMATS.items()}

    stmt = parse_ofx(out["qbo"][0].data).statements[0]
    assert len(stmt.transactions) == n and sum(t.trnamt for t in stmt.transactions) == total
    assert len(parse_ofx(out["ofx"][0].data).statements[0].transactions) == n

    ts = iif.read_iif(out["iif"][0].data)["transactions"]
    assert len(ts) == n and sum(Decimal(t["AMOUNT"]) for t in ts) == total
    assert all(Decimal(t["AMOUNT"]) + sum(Decimal(s["AMOUNT"]) for s in t["splits"]) == 0 for t in ts)
    for line in out["iif"][0].data.decode("ascii").split("\r\n"):
        assert '"' not in line
        if line.startswith("TRNS\t"):
            assert line.count("\t") == 11
        elif line.startswith("SPL\t"):
            assert line.count("\t") == 10

    for name, reader in (("qbo-csv", qbo_csv.read_qbo_csv), ("xero-csv", xero_csv.read_xero_csv)):
        data_ = out[name][0].data
        back = reader(data_)
        assert len(back) == n
        assert sum(Decimal(r["amount"]) for r in back) == total
        for record in list(csv.reader(io.StringIO(data_.decode(), newline="")))[1:]:
            assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in record[2:] if name == "xero-csv")

    back = qif.read_qif(out["qif"][0].data)
    assert len(back) == n and sum(Decimal(b["amount"]) for b in back) == total

    for name in ("beancount", "ledger"):
        text = out[name][0].data.decode("utf-8")
        entries = [b for b in text.strip().split("\n\n") if re.match(r"\d{4}-", b)]
        assert len(entries) == n
        amounts = re.findall(r"^ {2,4}\S.*?  (-?\d+\.\d\d) USD", text, re.M)
        assert sum(Decimal(a) for a in amounts) == 0
