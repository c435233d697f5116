"""Client picker and add-client wizard, against a real workspace."""

from __future__ import annotations

import datetime as dt

import pytest

from ledgerkit.errors import Invalid
from widgets.clients_model import ClientsModel, account_attention
from widgets.clients_view import ClientsView
from widgets.status_model import StatusModel
from widgets.upload_model import UploadModel
from widgets.wizard_model import WizardModel
from widgets.wizard_view import WizardView

from . import support


def test_rows_show_accounts_newest_data_and_counts(session, firm):
    model = ClientsModel(session, StatusModel())
    model.refresh()
    assert [r["name"] for r in model.rows] == ["Acme Dental", "Birch Bakery"]
    acme = model.row(firm["acme"].id)
    assert acme["accounts"] == 2
    assert acme["newest"] == dt.date(2025, 1, 30)
    assert {"gold", "red", "blue", "attention", "attention_why"} <= set(acme)


def test_search_filters_by_name_and_email(session, firm):
    model = ClientsModel(session, StatusModel())
    model.refresh()
    model.query = "birch"
    assert model.visible == [firm["birch"].id]
    model.query = "ACME.TEST"
    assert model.visible == [firm["acme"].id]
    model.query = ""
    assert len(model.visible) == 2


def test_view_hides_cards_and_picks_on_click(session, firm):
    model = ClientsModel(session, StatusModel())
    view = ClientsView(model)
    model.refresh()
    assert len(view.list.children) == 2
    view.search.value = "acm"
    shown = [c for c in view.list.children if c.layout.display != "none"]
    assert len(shown) == 1
    shown[0].children[0].click()
    assert model.selected == firm["acme"].id
    assert "lk-card-selected" in shown[0]._dom_classes
    view.search.value = "zzz"
    assert view.empty.layout.display == "block"


def test_attention_flags_accounts_without_data_or_far_behind():
    class A:
        def __init__(self, i, name):
            self.id, self.name = i, name
    rows = [{"account": A(1, "a"), "newest": dt.date(2025, 6, 1), "balance_date": None},
            {"account": A(2, "b"), "newest": dt.date(2025, 1, 1), "balance_date": None},
            {"account": A(3, "c"), "newest": None, "balance_date": None}]
    why = account_attention(rows, {1: "login failed"})
    assert why == {1: "login failed", 2: "data stops at 2025-01-01", 3: "no data yet"}


@pytest.fixture
def wizard(session):
    status = StatusModel()
    return WizardModel(session, status, UploadModel(session, status))


def test_wizard_walks_name_invitation_accounts(session, wizard, fake_importer):
    view = WizardView(wizard)
    view.next.click()                       # no name: refused, stays on step 0
    assert wizard.step == 0 and "name" in wizard.error
    assert "lk-error-inline" in view.error.value
    view.name.value, view.email.value = "Cedar Clinic", "desk@cedar.test"
    view.next.click()
    assert wizard.step == 1
    view.invite.value = "custom"
    assert view.message in view.body.children
    view.next.click()                       # custom without a message: refused
    assert wizard.step == 1 and "message" in wizard.error
    view.invite.value = "none"
    view.next.click()
    assert wizard.step == 2 and wizard.client_id
    client = session.client(wizard.client_id)
    assert (client.name, client.email) == ("Cedar Clinic", "desk@cedar.test")
    view.acc_name.value, view.acc_number.value = "Operating", "99887766"
    view.acc_add.click()
    assert [a.name for a in session.accounts(client)] == ["Operating"]
    wizard.import_files([("first.csv", support.random_csv(4, ("99887766",)))])
    assert session.transactions_frame(client).height == 4
    view.next.click()
    assert wizard.step == 3
    closed = []
    view.on_close = closed.append
    view.next.click()
    assert closed == [client.id] and wizard.step == 0


def test_wizard_needs_email_for_an_email_invitation(session, wizard):
    wizard.name = "No Mail Ltd"
    wizard.next()
    wizard.invite = "default"
    with pytest.raises(Invalid, match="email"):
        wizard.next()
    assert wizard.client_id == 0 and session.clients() == []


def test_wizard_reports_duplicate_names(session, wizard):
    session.add_client("Taken")
    wizard.name = "Taken"
    wizard.next()
    view = WizardView(wizard)
    view.next.click()
    assert wizard.step == 1
    assert "already exists" in wizard.status.message
