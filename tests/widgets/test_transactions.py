"""Transaction grid: filters, paging for big clients, grid-safe dtypes, edits, bulk actions."""

from __future__ import annotations

import asyncio
import datetime as dt

import polars as pl
import pytest

from widgets import review_access
from widgets.client_data import ClientData
from widgets.status_model import StatusModel
from widgets.transactions_model import GRID_COLUMNS, TransactionsModel
from widgets.transactions_view import SETTLE_DELAY, TransactionsView, later

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
    type_into(view, "5", "description", "Rent for January")
    assert tx.status.level == "success", tx.status.message
    fresh = TransactionsModel(session, ClientData(session), StatusModel())
    fresh.state = "all"
    fresh.load(firm["acme"].id)
    assert fresh.page_frame.loc["5", "description"] == "Rent for January"


def type_into(view: TransactionsView, txn_id: str, column: str, value: str) -> int:
    """What the grid does when a person edits a cell and presses Enter; returns the grid row."""
    row = list(view.grid.data.index).index(txn_id)
    view.grid._data["data"].loc[row, column] = value
    view.grid._cell_change_handlers({"row": row, "column": column, "column_index": 0, "value": value})
    return row


def test_an_edit_recoding_other_rows_shows_them_without_reading_the_client_again(session, firm):
    needs(session, "edit", "code", "review_versions")
    data = ClientData(session)
    tx = TransactionsModel(session, data, StatusModel())
    tx.state = "all"
    tx.load(firm["acme"].id)
    view = TransactionsView(tx)
    assert tx.page_frame.loc["11", "state"] == "GOLD"          # another card purchase, not coded yet
    reads = data.reads
    type_into(view, "1", "account", "Office Supplies")       # coding remembers the card payee
    assert tx.status.level == "success", tx.status.message
    assert "re-coded" in tx.status.message and "transaction 1" in tx.status.message
    row = list(view.grid.data.index).index("11")
    assert view.grid.get_cell_value_by_index("state", row) == "RED"
    assert view.grid.get_cell_value_by_index("account", row) == "Office Supplies"
    cached = data.frame(firm["acme"].id)
    assert cached.filter(pl.col("id") == 11)["state"][0] == "red"    # the shared frame caught up...
    assert data.reads == reads                                      # ...from the changed rows only
    assert cached.equals(review_access.review_frame(session, firm["acme"].id))    # the same as reading it all


def test_a_suggestion_applied_codes_the_row_and_the_shared_frame_catches_up(session, firm):
    needs(session, "code", "review_versions")
    data = ClientData(session)
    tx = TransactionsModel(session, data, StatusModel())
    tx.state = "all"
    tx.load(firm["acme"].id)
    reads = data.reads
    tx.apply_suggestion(5, "Rent")
    assert tx.status.level == "success" and tx.page_frame.loc["5", "state"] == "RED"
    assert tx.page_frame.loc["5", "account"] == "Rent"
    assert data.reads == reads
    assert data.frame(firm["acme"].id).equals(review_access.review_frame(session, firm["acme"].id))


def test_saved_is_said_before_the_grid_hears_what_else_changed(session, firm):
    """Under Voila the confirmation goes out at once and the grid's changed cells a moment later, so
    the browser paints "Saved" before it repaints the grid again."""
    needs(session, "edit", "code")
    tx = TransactionsModel(session, ClientData(session), StatusModel())
    tx.state = "all"
    tx.load(firm["acme"].id)
    view = TransactionsView(tx)
    row = list(view.grid.data.index).index("11")

    async def edit_and_wait():
        type_into(view, "1", "account", "Office Supplies")
        at_once = (tx.status.message, view.grid.get_cell_value_by_index("state", row))
        await asyncio.sleep(SETTLE_DELAY + 0.5)
        return at_once, (tx.status.message, view.grid.get_cell_value_by_index("state", row))

    (first, state_first), (then, state_then) = asyncio.run(edit_and_wait())
    assert first == "Saved the account of transaction 1." and state_first == "GOLD"
    assert "re-coded" in then and state_then == "RED"


def test_a_quick_second_edit_back_to_the_old_value_is_saved_too(session, firm):
    needs(session, "edit")
    tx = TransactionsModel(session, ClientData(session), StatusModel())
    tx.state = "all"
    tx.load(firm["acme"].id)
    view = TransactionsView(tx)
    before = tx.page_frame.loc["2", "description"]

    async def edit_twice():
        type_into(view, "2", "description", "A typo")
        type_into(view, "2", "description", before)        # put back before the page settled
        await asyncio.sleep(SETTLE_DELAY + 0.3)

    asyncio.run(edit_twice())
    stored = review_access.review_rows(session, firm["acme"].id, [2])
    assert stored["coded_description"][0] == "" and stored["description"][0] == before
    assert tx.page_frame.loc["2", "description"] == before


def test_later_runs_on_the_loop_or_at_once():
    ran: list[str] = []
    later(0.01, lambda: ran.append("no loop"))
    assert ran == ["no loop"]

    async def main():
        later(0.05, lambda: ran.append("loop"))
        seen = list(ran)
        await asyncio.sleep(0.15)
        return seen

    assert asyncio.run(main()) == ["no loop"] and ran == ["no loop", "loop"]


def test_paging_back_after_an_edit_shows_the_stored_value(session, fake_importer):
    needs(session, "edit")
    big = session.add_client("Big Co")
    session.import_bytes(big, "big.csv", support.random_csv(450, ("1",), seed=7))
    tx = TransactionsModel(session, ClientData(session), StatusModel(), page_size=200)
    tx.state = "all"
    tx.load(big.id)
    view = TransactionsView(tx)
    key = tx.page_frame.index[3]
    type_into(view, key, "description", "Edited, then paged away")
    tx.go("next")
    tx.go("first")
    assert tx.page_frame.loc[key, "description"] == "Edited, then paged away"


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
