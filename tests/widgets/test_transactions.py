"""Transaction grid: filters, paging for big clients, grid-safe dtypes, edits, bulk actions."""

from __future__ import annotations

import datetime as dt

import pytest

from widgets.client_data import ClientData
from widgets.status_model import StatusModel
from widgets.transactions_model import GRID_COLUMNS, TransactionsModel
from widgets.transactions_view import TransactionsView

from . import support
from .conftest import needs


@pytest.fixture
def tx(session, firm):
    model = TransactionsModel(session, ClientData(session), StatusModel())
    model.state = "all"
    model.load(firm["acme"].id)
    return model


def test_loads_one_page_with_grid_safe_dtypes(tx):
    assert tx.total == 30
    frame = tx.page_frame
    assert list(frame.columns) == GRID_COLUMNS
    assert frame.index.name == "id" and frame.index.dtype == object      # ids as str: int64 would wrap
    assert all(isinstance(i, str) for i in frame.index)
    assert str(frame["amount"].dtype) == "float64"
    for col in ("payee", "description", "account"):
        assert frame[col].dtype == object, col                         # editable columns stay plain str
    assert not any(str(t).startswith("int") for t in frame.dtypes)
    assert frame.loc["5", "check"] == "1044" and frame.loc["5", "amount"] == -250.0
    assert frame.loc["5", "date"] == "2025-01-05"


def test_filters_by_account_date_text_and_sort(tx, session, firm):
    acc_1001 = next(a.id for a in session.accounts(firm["acme"]) if a.number == "1001")
    tx.account = acc_1001
    assert tx.total == 20
    tx.date_from, tx.date_to = dt.date(2025, 1, 10), dt.date(2025, 1, 19)
    assert all("2025-01-10" <= d <= "2025-01-19" for d in tx.page_frame["date"])
    tx.text = "vendor 3"
    assert len(tx.page_frame) and all("VENDOR 3" in d for d in tx.page_frame["description"])
    tx.account, tx.date_from, tx.date_to, tx.text = 0, None, None, ""
    tx.sort, tx.descending = "amount", False
    assert tx.page_frame["amount"].iloc[0] == -250.0
    tx.descending = True
    assert tx.page_frame["amount"].iloc[0] == 1200.0
    tx.text = "no such thing"
    assert tx.total == 0 and tx.range_text() == "No transactions match."


def test_pages_a_big_client(session, fake_importer):
    big = session.add_client("Big Co")
    session.import_bytes(big, "big.csv", support.random_csv(1234, ("1", "2"), seed=5))
    data = ClientData(session)
    tx = TransactionsModel(session, data, StatusModel(), page_size=200)
    tx.state = "all"
    tx.load(big.id)
    assert tx.total == 1234 and len(tx.page_frame) == 200 and tx.pages == 7
    first = list(tx.page_frame.index)
    tx.go("next")
    assert tx.range_text() == "Rows 201–400 of 1,234"
    assert not set(first) & set(tx.page_frame.index)
    tx.go("last")
    assert len(tx.page_frame) == 34
    tx.text = "staples"                 # a filter goes back to the first page
    assert tx.page == 0
    assert data.reads == 1              # one read of the store for all of this


def test_view_shows_page_and_pager(tx):
    view = TransactionsView(tx)
    assert view.grid.data.shape[0] == 30
    assert "Rows 1–30 of 30" in view.range.value
    assert view.pager_buttons["next"].disabled
    view.state.value = "gold"
    assert tx.state == "gold"


def test_edit_of_a_read_only_column_is_refused_and_put_back(tx):
    view = TransactionsView(tx)
    row = list(view.grid.data.index).index("5")
    view.grid._data["data"].loc[row, "date"] = "1999-01-01"    # what the grid does when a person types
    view.grid._cell_change_handlers({"row": row, "column": "date", "column_index": 1, "value": "1999-01-01"})
    assert tx.status.level == "error" and "cannot be edited" in tx.status.message
    assert view.grid.get_cell_value_by_index("date", row) == "2025-01-05"


def test_edit_saves_by_id_and_survives_reload(tx, session, firm):
    needs(session, "edit")
    view = TransactionsView(tx)
    row = list(view.grid.data.index).index("5")
    view.grid._data["data"].loc[row, "description"] = "Rent for January"
    view.grid._cell_change_handlers({"row": row, "column": "description", "column_index": 6,
                                     "value": "Rent for January"})
    assert tx.status.level == "success", tx.status.message
    fresh = TransactionsModel(session, ClientData(session), StatusModel())
    fresh.state = "all"
    fresh.load(firm["acme"].id)
    assert fresh.page_frame.loc["5", "description"] == "Rent for January"


def test_bulk_needs_a_selection(tx):
    view = TransactionsView(tx)
    view.approve.click()
    assert tx.status.level == "error"
    assert "Select rows" in tx.status.message or "not available" in tx.status.message


def test_bulk_code_then_approve_and_gold_rows_are_skipped(tx, session, firm):
    needs(session, "code_many", "approve")
    view = TransactionsView(tx)
    tx.select([1, 2, 3])
    view.code_account.value, view.code_payee.value = "Office Supplies", "Vendor Zero"
    view.code.click()
    assert tx.status.level == "success", tx.status.message
    states = {r["id"]: r["state"] for r in session.review(firm["acme"])["transactions"]}
    assert [states[i] for i in (1, 2, 3)] == ["red", "red", "red"]
    assert states[4] == "red"                   # the same card payee, remembered: RED without a touch
    assert states[5] == "gold"                  # the check is still GOLD
    tx.select([1, 2, 3, 5])
    view.approve.click()                        # the GOLD check is skipped, and the page says so
    assert tx.status.level == "warning" and "code GOLD rows first" in tx.status.hint
    states = {r["id"]: r["state"] for r in session.review(firm["acme"])["transactions"]}
    assert [states[i] for i in (1, 2, 3, 5)] == ["approved", "approved", "approved", "gold"]
    tx.state = "approved"
    assert set(tx.page_frame.index) == {"1", "2", "3"}
    assert tx.page_frame.loc["1", "account"] == "Office Supplies"


def test_undo_takes_back_the_last_change(session, firm):
    needs(session, "code_many", "undo_last")
    from widgets.app import DashboardApp
    app = DashboardApp(session, start_client="Acme Dental")
    app.show_panel("Transactions")
    tx = app.panel("Transactions").model
    tx.select([5])
    tx.bulk("code", account="Rent")
    assert tx.row(5)["state"] == "red"
    app.undo.click()
    assert app.status.level == "success" and "Undone" in app.status.message
    assert tx.row(5)["state"] == "gold"
    assert tx.page_frame.loc["5", "state"] == "GOLD"          # the shown page followed


def test_selection_maps_grid_rows_to_ids(tx):
    view = TransactionsView(tx)
    view.grid.selections = [{"r1": 2, "c1": 0, "r2": 4, "c2": 3}]
    assert tx.selected_ids == [3, 4, 5]
    assert "3 rows selected" in view.selection.value
