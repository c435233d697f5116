"""The demo firm builds into a workspace with every file imported, balances that agree
with the generator, and all three review states in realistic proportions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledgerkit import Session
from ledgerkit.demo import build_demo, load_manifest

from .conftest import SAMPLE


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    if not (SAMPLE / "firm.json").exists():
        pytest.skip("sample_data/firm is not generated")
    s = Session(tmp_path_factory.mktemp("demo") / "ws", actor="tester")
    summary = build_demo(s)
    yield s, summary
    s.close()


def test_every_file_imports(demo):
    s, summary = demo
    assert "0 files rejected" in summary
    manifest = load_manifest()
    assert len(s.clients()) == len(manifest["clients"]) >= 3
    assert sum(len(s.accounts(c)) for c in s.clients()) >= 7


def test_rebuilding_adds_nothing(demo):
    s, _ = demo
    before = sum(len(s.transactions(c)) for c in s.clients())
    assert "0 transactions added" in build_demo(s)
    assert sum(len(s.transactions(c)) for c in s.clients()) == before


def test_counts_and_balances_agree_with_the_generator(demo):
    s, _ = demo
    for mc in load_manifest()["clients"]:
        balances = {b["account"].name: b for b in s.balances(mc["name"])}
        for ma in mc["accounts"]:
            txns = s.transactions(mc["name"], balances[ma["name"]]["account"].id)
            assert len(txns) == ma["expected"]["transactions"], ma["name"]
            opening = Decimal(ma["opening_balance"]["amount"])
            assert opening + sum(t.amount for t in txns) == Decimal(ma["expected"]["closing_before_next_month"])


def test_all_three_states_in_realistic_proportions(demo):
    s, _ = demo
    totals = {"gold": 0, "red": 0, "blue": 0}
    for c in s.clients():
        counts = s.state_counts(c)
        for k in totals:
            totals[k] += counts[k]
    n = sum(totals.values())
    assert n > 500
    for state, count in totals.items():
        assert 0.15 < count / n < 0.6, (state, totals)


def test_documents_are_linked(demo):
    s, _ = demo
    for c in s.clients():
        checks = s.documents(c, "check")
        statements = s.documents(c, "statement")
        assert statements and all(d.account_id for d in statements)
        assert all(d.transaction_id for d in checks), [d.filename for d in checks if not d.transaction_id]
