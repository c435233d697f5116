"""The bookkeeper's dashboard: composes one model + view per panel around one Session.

``DashboardApp(session)`` builds the models (state, no ipywidgets) and the
views, wires the client pick to every panel and displays itself in a notebook
or under Voila. Panels other than the overview are built the first time their
tab is opened and reload only when they are shown, so opening the page and
switching clients stay fast on big clients.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import ipywidgets as w

from . import format as fmt
from . import review_access
from .checks_model import ChecksModel
from .checks_view import ChecksView
from .client_data import ClientData
from .clients_model import ClientsModel
from .clients_view import ClientsView
from .export_model import ExportModel
from .export_view import ExportView
from .overview_model import OverviewModel
from .overview_view import OverviewView
from .rules_model import RulesModel
from .rules_view import RulesView
from .statements_model import StatementsModel
from .statements_view import StatementsView
from .status_model import StatusModel
from .status_view import StatusView
from .style import CSS
from .transactions_model import TransactionsModel
from .transactions_view import TransactionsView
from .upload_model import UploadModel
from .upload_view import UploadView
from .wizard_model import WizardModel
from .wizard_view import WizardView

WARM_UP_LEARNING_S = 3.0      # suggestion models learned at start-up (after the learner's import)


class Panel:
    """A tab: built on first show, reloaded when shown for a different client or after a change."""

    def __init__(self, title: str, build: Callable[[], tuple[object, w.Widget]], load: Callable[[object, int], None],
                 on_change: Callable[[Panel], None] | None = None):
        self.title = title
        self.on_change = on_change
        self._build = build
        self._load = load
        self.box = w.VBox()
        self.box.add_class(f"lk-panel-{title.lower().replace(' ', '-')}")
        self.model = None
        self.view = None
        self.loaded_for: tuple[int, int] | None = None   # (client id, data revision)

    def show(self, client_id: int, revision: int) -> None:
        if self.view is None:
            self.model, self.view = self._build()
            self.box.children = [self.view]
            if self.on_change is not None and self.model.has_trait("changes"):
                self.model.observe(lambda _c: self.on_change(self), names="changes")
        if self.loaded_for != (client_id, revision):
            self.loaded_for = (client_id, revision)
            self._load(self.model, client_id)


class DashboardApp:
    def __init__(self, session, *, start_client: int | str | None = None):
        self.session = session
        self.status = StatusModel()
        self.data = ClientData(session)
        self.revision = 0                       # bumped whenever the picked client's data changed
        self.clients = ClientsModel(session, self.status)
        self.upload = UploadModel(session, self.status)
        self.wizard = WizardModel(session, self.status, self.upload)
        self.overview = OverviewModel(session, self.data, self.status)
        guard = self.status.guard

        self.status_view = StatusView(self.status)
        self.clients_view = ClientsView(self.clients, on_add=self.start_wizard)
        self.upload_view = UploadView(self.upload)
        self.wizard_view = WizardView(self.wizard, on_close=self._wizard_closed)
        self.overview_view = OverviewView(self.overview, on_open_account=self.open_account)

        self.panels: list[Panel] = [Panel("Overview", lambda: (self.overview, self.overview_view),
                                          self._load_overview)]
        def load(model, client_id: int) -> None:
            model.load(client_id)

        changed = guard(self._panel_changed, doing="refresh the counts")
        self.panels += [
            Panel("Transactions", self._build_transactions, load, changed),
            Panel("Checks", lambda: self._build_checks("check"), load, changed),
            Panel("Deposits", lambda: self._build_checks("deposit"), load, changed),
            Panel("Statements", self._build_statements, load),
            Panel("Rules", self._build_rules, load, changed),
            Panel("Export", self._build_export, load, changed),
        ]
        self.tabs = w.Tab(children=[p.box for p in self.panels])
        for i, p in enumerate(self.panels):
            self.tabs.set_title(i, p.title)
        self.tabs.add_class("lk-tabs")
        self.tabs.observe(guard(self._on_tab, doing="open the panel"), names="selected_index")

        self.title = w.HTML()
        self.undo = w.Button(description="↶ Undo last change", tooltip="Undo the last change you made",
                             layout=w.Layout(width="auto"))
        self.undo.add_class("lk-undo")
        self.undo.on_click(guard(self._undo, doing="undo"))
        self.client_header = w.VBox([w.HBox([self.title, self.undo],
                                            layout=w.Layout(justify_content="space-between",
                                                            align_items="center")),
                                     self.upload_view])
        self.client_header.add_class("lk-client-header")
        self.welcome = w.HTML(
            '<div class="lk-panel"><div class="lk-section-title">Welcome</div>Pick a client on the left to see '
            "its accounts and review its transactions, or add a new client.</div>")
        self.main = w.VBox([self.status_view, self.welcome], layout=w.Layout(flex="1 1 auto", width="100%"))
        self.main.add_class("lk-main")
        sidebar = w.VBox([self.clients_view], layout=w.Layout(width="300px", flex="0 0 300px"))
        sidebar.add_class("lk-sidebar")
        topbar = w.HTML('<div class="lk-brand">ledgerkit<small>bank-feed review</small></div>')
        topbar.add_class("lk-topbar")
        self.widget = w.VBox([w.HTML(CSS), topbar, w.HBox([sidebar, self.main])],
                             layout=w.Layout(width="100%"))
        self.widget.add_class("lk-app")

        self.clients.observe(guard(self._on_pick, doing="open the client"), names="selected")
        self.upload.observe(guard(self._on_imported, doing="refresh after the import"), names="revision")
        guard(lambda: self.clients.refresh(self.warm_up()), doing="list the clients")()
        if start_client is not None:
            self.clients.pick(session.client(start_client).id)

    def warm_up(self) -> dict[int, dict]:
        """Every client's counts per review state, and their suggestion models. Imports evaluate their
        own rows (from the page or the command line), so this only reads; under Voila's preheated kernel
        it also loads the review engine and the suggestion learner (scikit-learn, seconds to import)
        before anyone opens the page, so the first edit is as fast as the others. Models of clients
        past the time budget are learned when their transactions are first shown."""
        counts = {}
        clients = list(self.session.clients())
        for client in clients:
            try:
                counts[client.id] = review_access.state_counts(self.session, client)
            except Exception as e:          # one client's problem must not keep the others away
                self.status.report(e, f"read {client.name}'s review states")
        deadline = None
        for client in clients:
            if deadline is not None and time.monotonic() > deadline:
                break
            try:
                review_access.learn_suggestions(self.session, client)
                self.data.learned.add(client.id)
            except Exception as e:
                self.status.report(e, f"learn {client.name}'s suggestions")
            if deadline is None:            # the first one imported the learner
                deadline = time.monotonic() + WARM_UP_LEARNING_S
        return counts

    # -- panels ---------------------------------------------------------------

    def _build_transactions(self):
        model = TransactionsModel(self.session, self.data, self.status)
        return model, TransactionsView(model)

    def _build_checks(self, kind: str):
        model = ChecksModel(self.session, self.data, self.status, kind=kind)
        return model, ChecksView(model)

    def _build_rules(self):
        model = RulesModel(self.session, self.data, self.status)
        return model, RulesView(model)

    def _build_export(self):
        model = ExportModel(self.session, self.data, self.status)
        return model, ExportView(model)

    def _build_statements(self):
        model = StatementsModel(self.session, self.status)
        return model, StatementsView(model)

    def panel(self, title: str) -> Panel:
        return next(p for p in self.panels if p.title == title)

    def show_panel(self, title: str) -> None:
        index = next(i for i, p in enumerate(self.panels) if p.title == title)
        if self.tabs.selected_index == index:
            self._show_current()
        else:
            self.tabs.selected_index = index

    def _on_tab(self, _change) -> None:
        self._show_current()

    def _show_current(self) -> None:
        index = self.tabs.selected_index
        if index is None or not self.clients.selected:
            return
        self.panels[index].show(self.clients.selected, self.revision)

    def _load_overview(self, model: OverviewModel, client_id: int) -> None:
        model.load(client_id)          # accounts and balances show at once
        with self.status.task("Counting what waits and drawing the balances") as step:
            step(0.3)
            model.fill()

    # -- client pick, wizard, imports ----------------------------------------

    def _on_pick(self, change) -> None:
        client_id = change["new"]
        self.wizard_view.layout.display = "none"
        if not client_id:
            self.main.children = [self.status_view, self.welcome]
            return
        self.status.clear()
        self.data.check(client_id)     # a cached frame stays only if no file arrived since it was read
        row = self.clients.row(client_id) or {}
        self.title.value = (f'<span class="lk-client-title">{fmt.esc(row.get("name", ""))}</span> '
                            f'<span class="lk-muted">{fmt.esc(row.get("email", ""))}</span>')
        self.upload.set_client(client_id)
        self.main.children = [self.status_view, self.client_header, self.tabs]
        self._show_current()

    def start_wizard(self) -> None:
        self.status.clear()
        self.wizard.reset()
        self.wizard_view.layout.display = "flex"
        self.main.children = [self.status_view, self.wizard_view]

    def _wizard_closed(self, client_id: int) -> None:
        self.wizard_view.layout.display = "none"
        if client_id:                       # a new client (created even if the wizard was cancelled later)
            self.clients.refresh_one(client_id)
            self.clients.selected = 0      # re-pick so every panel loads the new client
            self.clients.pick(client_id)
        elif self.clients.selected:
            self.main.children = [self.status_view, self.client_header, self.tabs]
        else:
            self.main.children = [self.status_view, self.welcome]

    def _on_imported(self, _change) -> None:
        client_id = self.upload.changed_client
        if client_id == self.clients.selected:
            self.data_changed()
        else:
            self.data.invalidate(client_id)
            self.clients.refresh_one(client_id)

    def _panel_changed(self, panel: Panel) -> None:
        """A panel changed data and shows it already: recount, mark the other panels stale.
        The count comes from the cached frame (brought up to date by the rows the change touched) or,
        when the panel dropped it, from the store's counts: never a whole client read just for a card."""
        client_id = getattr(panel.model, "client_id", 0) or self.clients.selected
        if panel.title == "Rules":          # a firm rule re-codes every client
            self.clients.refresh()
        else:
            self.clients.refresh_one(client_id, self.data.frame(client_id) if self.data.cached(client_id) else None)
        self.revision += 1
        if client_id == self.clients.selected:
            panel.loaded_for = (client_id, self.revision)

    def data_changed(self) -> None:
        """Something changed the picked client's data: recount, reload what is shown, mark the rest stale."""
        client_id = self.clients.selected
        self.data.invalidate(client_id)
        self.clients.refresh_one(client_id, self.data.frame(client_id))
        self.revision += 1
        self.upload.set_client(client_id)
        self._show_current()

    def open_account(self, account_id: int) -> None:
        """From the overview: the transactions of one account."""
        self.show_panel("Transactions")
        self.panel("Transactions").model.account = account_id

    def _undo(self, _b=None) -> None:
        client_id = self.clients.selected
        if not client_id:
            return
        result = review_access.undo(self.session, client_id)
        self.data_changed()
        self.status.success(f"Undone: {result.get('summary') or result.get('undone') or 'the last change'}.")

    # -- display --------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
