"""100k transactions: exact totals (0 cents of drift), unique FITIDs, every file parsed back."""

from __future__ import annotations

import json
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from ledgerkit.export import iif

from .conftest import parse_ofx

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    import bench_export
    ws = tmp_path_factory.mktemp("big") / "ws"
    bench_export.build(ws, 100_000)
    return ws


def db_total(session, batch: int) -> Decimal:
    with session.store.connect() as conn:
        units = conn.execute(sa.text("SELECT SUM(t.amount) FROM transactions t JOIN export_items i "
                                     "ON i.transaction_id = t.id WHERE i.batch_id = :b AND i.written"),
                             {"b": batch}).scalar()
    return Decimal(int(units)).scaleb(-2)


@pytest.mark.slow
def test_100k_qbo_and_iif_without_drift(big, tmp_path):
    from ledgerkit import Session
    s = Session(big, actor="bench")
    res = s.export("Bench Co", "qbo", tmp_path / "big.qbo")
    assert res.transactions == 100_000 and len(res.files) > 1 and all(f.size <= 350_000 for f in res.files)
    total, fitids = Decimal(0), set()
    for i, f in enumerate(res.files):
        data = Path(f.path).read_bytes()
        amounts = [Decimal(a.decode()) for a in re.findall(rb"<TRNAMT>([-0-9.]+)", data)]
        total += sum(amounts, Decimal(0))
        ids = re.findall(rb"<FITID>([^\r]+)", data)
        assert len(ids) == len(amounts) == f.transactions
        fitids.update((f.account_id, x) for x in ids)
        if i in (0, len(res.files) - 1):                       # strict parse of the first and last file
            stmt = parse_ofx(data).statements[0]
            assert [t.trnamt for t in stmt.transactions] == amounts
    assert len(fitids) == 100_000
    assert total == res.total == db_total(s, res.batch)
    with s.store.connect() as conn:      # each file lists what it carries: every written item once
        listed = [json.loads(r[0]) for r in conn.execute(sa.text(
            "SELECT transaction_ids FROM export_files WHERE batch_id = :b ORDER BY seq"), {"b": res.batch})]
        written = conn.execute(sa.text("SELECT transaction_id FROM export_items WHERE batch_id = :b AND written "
                                       "ORDER BY 1"), {"b": res.batch}).scalars().all()
    assert [len(ids) for ids in listed] == [f.transactions for f in res.files]
    assert sorted(t for ids in listed for t in ids) == written

    again = s.export("Bench Co", "iif", tmp_path / "big.iif", reexport=res.batch)
    parsed = iif.read_iif(Path(again.files[0].path).read_bytes())["transactions"]
    assert len(parsed) == again.transactions == 100_000 - again.matched
    assert all(Decimal(t["AMOUNT"]) + sum(Decimal(x["AMOUNT"]) for x in t["splits"]) == 0 for t in parsed)
    assert sum(Decimal(t["AMOUNT"]) for t in parsed) == again.total == db_total(s, again.batch)
    s.close()
