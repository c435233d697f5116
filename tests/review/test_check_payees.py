"""A check's payee comes from its image: coding one check remembers the payee, and the
next month's check to the same payee arrives RED, whichever of check and image comes first."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from ledgerkit import Session
from ledgerkit.demo import build_demo, load_manifest

from ..conftest import SAMPLE


@pytest.fixture
def demo(tmp_path):
    if not (SAMPLE / "firm.json").exists():
        pytest.skip("sample_data/firm is not generated")
    s = Session(tmp_path / "ws", actor="tester")
    build_demo(s)
    yield s
    s.close()


def _june(client_name: str, kind: str) -> list[Path]:
    (mc,) = [c for c in load_manifest()["clients"] if c["name"] == client_name]
    out = []
    for ma in mc["accounts"]:
        if kind == "bank":
            out += [SAMPLE / f for f in ma.get("next_month_files", [])]
        else:
            out += [SAMPLE / d["path"] for d in ma.get(kind, []) if d["path"].startswith("next_month/")]
    return out


@pytest.mark.parametrize("images_first", [False, True])
def test_coding_a_check_remembers_its_payee_for_next_month(demo, images_first):
    s = demo
    client = "Acme Dental"
    rows = s.review_frame(client)
    check = rows.filter(rows["check_number"] == "1042").row(0, named=True)
    assert check["state"] == "gold" and check["payee"].startswith("Smith & Sons")   # from the image
    s.code(client, check["id"], "Rent Expense", "Smith & Sons Property Mgmt")
    first, second = (_june(client, "checks"), _june(client, "bank"))
    if not images_first:
        first, second = second, first
    s.import_files(client, first)
    s.import_files(client, second)
    june = s.review_frame(client)
    later = june.filter((june["check_number"] != "") & june["payee"].str.starts_with("Smith & Sons")
                        & (june["posted"].dt.month() == 6))
    assert later.height >= 1
    assert set(later["state"].to_list()) == {"red"}, later.select("check_number", "state", "explanation").rows()
    assert set(later["account"].to_list()) == {"Rent Expense"}


def test_warm_up_model_serves_the_first_edit(demo, monkeypatch):
    """The dashboard's warm-up learns a client's suggestions from the same history an
    edit's evaluation sees (coded checks by the payee on their image), so the first edit
    does not train the model again."""
    from ledgerkit.review import suggest

    s = demo
    client = "Acme Dental"
    assert s.learn_suggestions(client)
    trained = []
    real = suggest._Model.__init__
    monkeypatch.setattr(suggest._Model, "__init__", lambda self, h: (trained.append(h.height), real(self, h))[1])
    gold = s.review_frame(client).filter(pl.col("state") == "gold")
    s.edit(client, int(gold["id"][0]), description="warm-up check: an edited description")
    assert trained == []
