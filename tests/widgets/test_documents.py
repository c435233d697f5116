"""Checks and deposits side by side; statements in the page."""

from __future__ import annotations

import base64

import pytest

from widgets.checks_model import ChecksModel
from widgets.checks_view import ChecksView, browser_image
from widgets.client_data import ClientData
from widgets.statements_model import StatementsModel
from widgets.statements_view import StatementsView
from widgets.status_model import StatusModel

from .conftest import needs


@pytest.fixture
def checks(session, firm):
    model = ChecksModel(session, ClientData(session), StatusModel(), kind="check")
    model.load(firm["acme"].id)
    return model


def test_check_is_shown_with_its_transaction(checks, session):
    view = ChecksView(checks)
    assert len(checks.items) == 1
    item = checks.current
    assert item["number"] == "1044" and item["bank_amount"] == "-250.00" and item["image_amount"] == "250.00"
    assert checks.image.startswith(b"\x89PNG")
    assert bytes(view.image.value).startswith(b"\x89PNG")
    assert "1044" in view.facts.value and "matches" in view.facts.value
    assert "1 of 1 checks to code" in view.position.value
    assert view.prev.disabled and view.next.disabled
    for cls in ("lk-key-next", "lk-key-prev", "lk-key-save"):
        assert any(cls in b._dom_classes for b in (view.next, view.prev, view.save))


def test_zoom_changes_the_image_width(checks):
    view = ChecksView(checks)
    view.zoom_in.click()
    view.zoom_in.click()
    assert checks.zoom == 150 and view.image.layout.width == "150%"
    view.zoom_fit.click()
    assert view.image.layout.width == "100%"


def test_save_needs_an_account(checks):
    view = ChecksView(checks)
    view.save.click()
    assert checks.status.level == "error"


def test_save_codes_the_check_and_moves_on(checks, session, firm):
    needs(session, "code")
    view = ChecksView(checks)
    view.payee.value, view.account.value = "Oak Street Properties", "Rent"
    view.save.click()
    assert checks.status.level == "success", checks.status.message
    assert checks.items == []                     # nothing left to code
    assert "No checks need coding" in view.position.value


def test_deposits_panel_uses_the_same_view(session, firm):
    model = ChecksModel(session, ClientData(session), StatusModel(), kind="deposit")
    model.load(firm["acme"].id)
    ChecksView(model)
    assert [i["bank_amount"] for i in model.items] == ["1,200.00"]


def test_browser_image_converts_tiff_to_png():
    import io

    from PIL import Image
    buf = io.BytesIO()
    Image.new("L", (20, 10), 255).save(buf, format="TIFF")
    data, kind = browser_image(buf.getvalue())
    assert kind == "png" and data.startswith(b"\x89PNG")


def test_statements_listed_by_account_and_period_and_shown(session, firm):
    model = StatementsModel(session, StatusModel())
    view = StatementsView(model)
    model.load(firm["acme"].id)
    assert [(i["account"], i["period"]) for i in model.items] == [("Checking 1001 ****1001",
                                                                   "2025-01-01 – 2025-01-31")]
    assert model.pdf.startswith(b"%PDF")
    assert "<iframe" in view.viewer.value
    b64 = view.viewer.value.split("base64,")[1].split('"')[0].split("#")[0]
    assert base64.b64decode(b64) == model.pdf
    assert 'download="statement_1001_2025-01-01_2025-01-31.pdf"' in view.viewer.value


def test_no_statements_says_so(session, firm):
    model = StatementsModel(session, StatusModel())
    view = StatementsView(model)
    model.load(firm["birch"].id)
    assert model.items == [] and "No statements yet" in view.empty.value
