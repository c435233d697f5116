"""Rules panel, export panel, and the composed app (client pick, lazy panels, recounts)."""

from __future__ import annotations

import base64
import datetime as dt

import polars as pl
import pytest

from widgets.app import DashboardApp
from widgets.client_data import ClientData
from widgets.export_model import ExportModel
from widgets.export_view import ExportView
from widgets.rules_model import RulesModel, describe
from widgets.rules_view import RulesView
from widgets.status_model import StatusModel

from .conftest import needs


@pytest.fixture
def rules(session, firm):
    needs(session, "rules_list", "preview_rules", "save_rule")
    model = RulesModel(session, ClientData(session), StatusModel())
    model.load(firm["acme"].id)
    return model


def test_rule_needs_a_preview_before_it_is_saved(rules, session, firm):
    view = RulesView(rules)
    assert view.save.disabled
    view.name.value = "Vendor 2 is supplies"
    rules.set_condition(0, field="description", op="contains", value="VENDOR 2")
    view.account.value = "Office Supplies"
    view.save.click()
    assert rules.status.level == "error" and "Preview" in rules.status.message
    view.preview_button.click()
    assert rules.preview.get("matched_by_new_rules", {}).get("Vendor 2 is supplies", 0) == 5, rules.status.message
    assert "would change" in view.preview.value and not view.save.disabled
    view.memo.value = "changed after the preview"          # any change needs a new preview
    assert view.save.disabled
    view.preview_button.click()
    view.save.click()
    assert rules.status.level == "success", rules.status.message
    names = [r["name"] for r in rules.rows if r["group"] == "client"]
    assert names == ["Vendor 2 is supplies"]
    states = {r["id"]: (r["state"], r["account"]) for r in session.review(firm["acme"])["transactions"]}
    vendor2 = [i for i in range(1, 31) if i not in (5, 8) and (i - 1) % 5 == 2]
    assert all(states[i] == ("red", "Office Supplies") for i in vendor2)


def test_rules_reorder_and_disable(rules, session):
    for name, text in (("First", "VENDOR 1"), ("Second", "VENDOR 2")):
        rules.new_rule()
        rules.name = name
        rules.set_condition(0, value=text)
        rules.account = "Supplies"
        rules.run_preview()
        rules.save()
    view = RulesView(rules)
    order = [r["name"] for r in rules.rows if r["group"] == "client"]
    assert order == ["First", "Second"]
    grid = view.list.children[1]                    # the client's rules: up, down, enabled, text, edit per rule
    assert grid.children[0].disabled and grid.children[5 + 1].disabled     # first can't go up, last can't go down
    grid.children[5].click()                        # "Second" up
    assert [r["name"] for r in rules.rows if r["group"] == "client"] == ["Second", "First"]
    grid = view.list.children[1]
    grid.children[5 + 2].value = False              # disable "First" (now second)
    assert next(r for r in rules.rows if r["name"] == "First")["enabled"] is False
    assert "lk-muted" in view.list.children[1].children[5 + 3].value
    rules.undo()
    assert next(r for r in rules.rows if r["name"] == "First")["enabled"] is True


def test_rule_form_refuses_incomplete_rules(rules):
    rules.name = ""
    with pytest.raises(Exception, match="name"):
        rules.run_preview()
    rules.name = "x"
    with pytest.raises(Exception, match="needs a value"):
        rules.run_preview()
    rules.set_condition(0, field="amount", op="between", value="10")
    with pytest.raises(Exception, match="two amounts"):
        rules.run_preview()


def test_describe_reads_like_a_sentence():
    when, then = describe({"when": {"all": [{"field": "description", "op": "contains", "value": "SHELL"},
                                            {"field": "amount", "op": "lt", "value": "0"}]},
                           "then": {"payee": "Shell", "account": "Fuel"}})
    assert when == "description contains 'SHELL' and amount < '0'"
    assert then == "payee = Shell, account = Fuel"


def test_export_previews_writes_and_offers_the_download(session, firm):
    needs(session, "export", "export_preview", "code_many", "approve")
    acme = firm["acme"]
    ids = [i for i in range(1, 31) if i not in (5, 8)]
    session.code_many(acme, [{"id": i, "account": "Supplies"} for i in ids])
    session.approve(acme, ids=ids[:10])
    model = ExportModel(session, ClientData(session), StatusModel())
    view = ExportView(model)
    model.load(acme.id)
    assert model.preview["count"] == 10 and "10</b> approved" in view.preview.value
    view.date_to.value = dt.date(2025, 1, 5)
    assert model.preview["count"] < 10
    view.date_to.value = None
    view.button.click()
    assert model.status.level == "success", model.status.message
    assert len(model.downloads) >= 1
    d = model.downloads[0]
    assert d["data"].lstrip().startswith(b"OFXHEADER") and d["name"].endswith(".qbo")
    link = view.downloads.value
    assert f'download="{d["name"]}"' in link
    assert base64.b64decode(link.split("base64,")[1].split('"')[0]) == d["data"]
    assert model.history and model.history[0]["transactions"] == 10
    assert model.preview["count"] == 0                      # nothing left to send
    again = [c for c in view.history.children[0].children if "lk-export-again" in c._dom_classes]
    model.downloads = []
    again[0].click()
    assert model.downloads[0]["data"] == d["data"]          # the same bytes, again


def test_export_with_nothing_approved_says_what_to_do(session, firm):
    needs(session, "export_preview")
    model = ExportModel(session, ClientData(session), StatusModel())
    view = ExportView(model)
    model.load(firm["birch"].id)
    assert model.preview["count"] == 0 and view.button.disabled
    assert "Approve transactions" in view.preview.value


def test_app_picks_a_client_and_builds_panels_lazily(session, firm):
    app = DashboardApp(session)
    assert app.main.children[1] is app.welcome
    assert [p.view for p in app.panels[1:]] == [None] * (len(app.panels) - 1)
    app.clients.pick(firm["acme"].id)
    assert app.main.children[1] is app.client_header
    assert "Acme Dental" in app.title.value
    assert app.overview.rows and app.overview.series
    assert app.panels[1].view is None                       # the transaction grid is not built yet
    app.show_panel("Transactions")
    tx = app.panel("Transactions").model
    assert tx.client_id == firm["acme"].id and tx.total > 0
    app.clients.pick(firm["birch"].id)                      # the shown panel follows the client
    assert tx.client_id == firm["birch"].id
    assert app.panel("Checks").view is None


def test_app_open_account_filters_the_grid(session, firm):
    app = DashboardApp(session, start_client="Acme Dental")
    account = app.overview.rows[0]["id"]
    app.open_account(account)
    tx = app.panel("Transactions").model
    assert app.tabs.selected_index == 1 and tx.account == account
    name = app.overview.rows[0]["name"]
    assert tx.total and set(tx.page_frame["bank account"]) == {name}


def test_app_recounts_after_a_change(session, firm):
    needs(session, "code_many")
    app = DashboardApp(session, start_client="Acme Dental")
    before = app.clients.row(firm["acme"].id)["gold"]
    app.show_panel("Transactions")
    tx = app.panel("Transactions").model
    tx.state = "gold"
    tx.select([int(tx.page_frame.index[0])])
    tx.bulk("code", account="Supplies")
    assert app.clients.row(firm["acme"].id)["gold"] < before
    assert app.panel("Overview").loaded_for != (firm["acme"].id, app.revision)   # stale: reloads when shown


def test_app_shows_errors_in_the_page(session, firm):
    app = DashboardApp(session, start_client="Acme Dental")
    app.undo.click()
    assert app.status.level == "error" and "undo" in app.status.message.lower()


def test_notebook_is_thin_and_has_no_outputs():
    import json
    from pathlib import Path
    nb = json.loads((Path(__file__).resolve().parents[2] / "notebooks" / "dashboard.ipynb").read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert 2 <= len(nb["cells"]) <= 4
    assert all(not c.get("outputs") and not c.get("execution_count") for c in code)
    assert "DashboardApp(session)" in "".join("".join(c["source"]) for c in code)


def test_client_data_keeps_the_last_clients_and_notices_new_files(session, firm, fake_importer):
    from widgets.client_data import ClientData

    from . import support
    data = ClientData(session, keep=1)
    acme, birch = firm["acme"].id, firm["birch"].id
    data.frame(acme)
    data.frame(acme)
    assert data.reads == 1
    data.frame(birch)                     # keep=1: acme is dropped
    data.frame(acme)
    assert data.reads == 3
    data.check(acme)                      # nothing arrived: still cached
    data.frame(acme)
    assert data.reads == 3
    session.import_bytes(firm["acme"], "more.csv", support.random_csv(2, ("1001",), seed=42))
    data.check(acme)                      # a file arrived (from anywhere): read again
    assert data.frame(acme).height == 32 and data.reads == 4


def test_warm_up_learns_suggestions_so_no_edit_waits_for_them(session, firm):
    needs(session, "learn_suggestions")
    app = DashboardApp(session)
    assert app.data.learned == {firm["acme"].id, firm["birch"].id}


def test_client_data_catches_up_on_touched_rows_and_drops_what_it_cannot(session, firm, fake_importer):
    needs(session, "edit", "review_versions")
    from widgets import review_access

    from . import support
    data = ClientData(session)
    acme = firm["acme"].id
    data.frame(acme)
    session.edit(acme, 2, description="Edited elsewhere in this process")
    data.touched(acme, [2])
    assert data.frame(acme).filter(pl.col("id") == 2)["coded_description"][0] == "Edited elsewhere in this process"
    assert data.reads == 1
    session.import_bytes(firm["acme"], "more.csv", support.random_csv(2, ("1001",), seed=42))
    data.touched(acme, [3])               # rows came: the frame cannot catch up, so it is read again
    assert data.frame(acme).height == 32 and data.reads == 2
    assert data.frame(acme).equals(review_access.review_frame(session, acme))


def test_a_failing_client_does_not_keep_the_dashboard_away(session, firm, monkeypatch):
    real = session.state_counts

    def state_counts(client, *args, **kwargs):
        if session.client(client).name == "Birch Bakery":
            raise RuntimeError("engine fault")
        return real(client, *args, **kwargs)

    monkeypatch.setattr(session, "state_counts", state_counts)
    app = DashboardApp(session)
    assert [r["name"] for r in app.clients.rows] == ["Acme Dental", "Birch Bakery"]
    assert app.status.level == "error" and "Birch Bakery" in app.status.message


def test_the_voila_template_strips_exactly_the_cdn_links_voila_ships():
    """If a Voila upgrade changes its lab template, the replace in ours must follow (else fonts come back)."""
    import re
    import sys
    from pathlib import Path
    repo = Path(__file__).resolve().parents[2]
    ours = (repo / "notebooks/jupyter/voila/templates/ledgerkit/index.html.j2").read_text()
    lab = Path(sys.prefix, "share/jupyter/voila/templates/lab/index.html.j2").read_text()
    links = re.findall(r'<link rel="stylesheet" href="https://cdn[^"]+" type="text/css" />', lab)
    assert links and all(link in ours for link in links)
    assert "{% include 'static/ledgerkit.js' %}" in ours
