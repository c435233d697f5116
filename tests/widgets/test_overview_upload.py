"""Overview (accounts, balances, chart) and uploads through the import path."""

from __future__ import annotations

import datetime as dt

from widgets.client_data import ClientData
from widgets.overview_model import OverviewModel, balance_series
from widgets.overview_view import OverviewView, chart_png
from widgets.status_model import StatusModel
from widgets.upload_model import UploadModel
from widgets.upload_view import UploadView

from . import support


def test_overview_lists_every_account_with_balance_and_date(session, firm):
    data = ClientData(session)
    model = OverviewModel(session, data, StatusModel())
    view = OverviewView(model)
    model.load(firm["acme"].id)
    assert model.rows[0]["gold"] is None and "counting" in view.summary.value   # balances first
    model.fill()
    assert {r["name"] for r in model.rows} == {"Checking 1001", "Checking 2002"}
    r1001 = next(r for r in model.rows if r["name"] == "Checking 1001")
    frame = session.transactions_frame(firm["acme"])
    expected = frame.filter(frame["account_name"] == "Checking 1001")["amount"].sum()
    assert r1001["balance"] == f"{expected / 100:,.2f}"
    assert r1001["balance_date"] == "2025-01-30" and r1001["source"] == "computed"
    assert r1001["number"] == "****1001"
    assert len(view.table.children) == 8 * (1 + 2)
    assert sum(r["gold"] for r in model.rows) == model.totals["gold"] == 30
    assert set(model.series) == {r["id"] for r in model.rows}
    assert bytes(view.chart.value).startswith(b"\x89PNG") and view.chart.layout.display == "block"


def test_open_account_button_calls_back(session, firm):
    opened = []
    model = OverviewModel(session, ClientData(session), StatusModel())
    view = OverviewView(model, on_open_account=opened.append)
    model.load(firm["acme"].id)
    buttons = [c for c in view.table.children if "lk-open-account" in c._dom_classes]
    buttons[0].click()
    assert opened == [model.rows[0]["id"]]


def test_balance_series_is_anchored_on_the_bank_balance():
    import polars as pl

    class Acc:
        id, name, currency = 7, "Op", "USD"
    frame = pl.DataFrame({"account_id": [7, 7, 7], "posted": [dt.date(2025, 1, 1), dt.date(2025, 1, 2),
                                                              dt.date(2025, 1, 5)],
                          "amount": [1000, -250, 500]})
    from decimal import Decimal
    bank = [{"account": Acc(), "source": "bank", "balance": Decimal("100.00"), "balance_date": dt.date(2025, 1, 3)}]
    s = balance_series(frame, bank)[7]
    # on 2025-01-03 the bank says 100.00: running total then is 750, so the offset is 9250
    assert s["balances"] == [10250, 10000, 10500]
    computed = [{**bank[0], "source": "computed"}]
    assert balance_series(frame, computed)[7]["balances"] == [1000, 750, 1250]
    assert chart_png(balance_series(frame, computed)).startswith(b"\x89PNG")


def test_upload_imports_through_the_session_and_reports(session, firm):
    status = StatusModel()
    model = UploadModel(session, status)
    view = UploadView(model)
    model.set_client(firm["birch"].id)
    revision = model.revision
    view.picker.value = ({"name": "more.csv", "type": "text/csv", "size": 1, "last_modified": dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
                          "content": memoryview(support.random_csv(3, ("3003",), seed=99))},)
    assert model.results[0]["status"] == "imported" and model.results[0]["added"] == 3
    assert status.level == "success" and "3 new transactions" in status.message
    assert model.revision == revision + 1 and model.changed_client == firm["birch"].id
    assert view.picker.value == ()
    assert session.transactions_frame(firm["birch"]).height == 8


def test_rejected_upload_says_what_to_do(session, firm):
    status = StatusModel()
    model = UploadModel(session, status)
    model.set_client(firm["birch"].id)
    rows = model.upload([("notes.txt", b"hello, this is not a bank file")])
    assert rows[0]["status"] == "rejected"
    assert status.level == "error" and "rejected" in status.message
    assert "changed nothing" in status.hint and "notes.txt" in status.details
    assert model.revision == 0


def test_upload_without_a_client_warns(session):
    status = StatusModel()
    assert UploadModel(session, status).upload([("a.csv", b"x")]) == []
    assert status.level == "warning"
