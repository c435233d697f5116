"""Transactions: filters, a coloured, editable ipydatagrid page, a pager, bulk actions and suggestions."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import ipywidgets as w
from ipydatagrid import DataGrid, TextRenderer, VegaExpr

from . import format as fmt
from .style import GRID_HEIGHT, GRID_MAX_WIDTH
from .transactions_model import EDITABLE, SORTS, STATE_FILTERS, TransactionsModel

ROW_SIZE, HEADER_SIZE, ROW_HEADER_SIZE = 24, 28, 60
# id .. account (the three editable columns) fit the grid's 1000 px viewport (style.GRID_MAX_WIDTH)
COLUMN_WIDTHS = {"date": 88, "bank account": 124, "amount": 92, "state": 70, "payee": 160, "description": 232,
                 "account": 170, "explanation": 280, "suggested": 160, "check": 60}
# After an edit the kernel says "Saved" at once and sends the grid its changed cells this much later, so
# the browser paints the confirmation before the grid's second repaint (not in the same frame after it).
SETTLE_DELAY = 0.5
_S = "cell.metadata.data['state']"
BACKGROUND = VegaExpr(
    f"{_S} == 'GOLD' ? '{fmt.STATE_COLOURS['gold'][0]}' : {_S} == 'RED' ? '{fmt.STATE_COLOURS['red'][0]}' : "
    f"{_S} == 'BLUE' ? '{fmt.STATE_COLOURS['blue'][0]}' : "
    f"({_S} == 'approved' || {_S} == 'exported' || {_S} == 'excluded') ? '#f4f5f7' : 'white'")
TEXT = VegaExpr(f"({_S} == 'approved' || {_S} == 'exported' || {_S} == 'excluded') ? '#8a94a0' : '#1f2933'")


def grid_renderers() -> tuple[TextRenderer, dict]:
    default = TextRenderer(background_color=BACKGROUND, text_color=TEXT)
    amount = TextRenderer(background_color=BACKGROUND, text_color=TEXT, format=",.2f", horizontal_alignment="right")
    editable = TextRenderer(background_color=BACKGROUND, text_color=TEXT, font="bold 12px sans-serif")
    renderers = {"amount": amount, **{c: editable for c in EDITABLE}}
    return default, renderers


class TransactionsView(w.VBox):
    def __init__(self, model: TransactionsModel):
        self.model = model
        guard = model.status.guard
        self._syncing = False
        self._last_edit = ("", "")
        # filters
        self.state = w.Dropdown(options=[(label, key) for key, (label, _s) in STATE_FILTERS.items()],
                                value=model.state, description="Show", layout=w.Layout(width="290px"))
        self.state.add_class("lk-tx-state")
        self.account = w.Dropdown(options=[("All accounts", 0)], value=0, description="Account",
                                  layout=w.Layout(width="290px"))
        self.account.add_class("lk-tx-account")
        self.date_from = w.DatePicker(description="From", layout=w.Layout(width="210px"))
        self.date_to = w.DatePicker(description="To", layout=w.Layout(width="190px"))
        self.text = w.Text(placeholder="Search payee, description, memo, check…", continuous_update=False,
                           layout=w.Layout(width="260px"))
        self.text.add_class("lk-tx-search")
        self.sort = w.Dropdown(options=[(v, k) for k, v in SORTS.items()], value=model.sort, description="Sort",
                               layout=w.Layout(width="210px"))
        self.descending = w.ToggleButton(value=model.descending, description="descending",
                                         tooltip="Reverse the sort order", layout=w.Layout(width="120px"))
        for widget, name in ((self.state, "state"), (self.date_from, "date_from"), (self.date_to, "date_to"),
                             (self.text, "text"), (self.sort, "sort"), (self.descending, "descending")):
            widget.observe(guard(lambda ch, n=name: setattr(model, n, ch["new"]), doing="filter"), names="value")
        self.account.observe(guard(lambda ch: setattr(model, "account", int(ch["new"] or 0)), doing="filter"),
                             names="value")
        # grid
        default, renderers = grid_renderers()
        self.grid = DataGrid(model.page_frame, editable=True, selection_mode="cell", base_row_size=ROW_SIZE,
                             base_column_size=110, base_column_header_size=HEADER_SIZE,
                             base_row_header_size=ROW_HEADER_SIZE, column_widths=COLUMN_WIDTHS,
                             default_renderer=default, renderers=renderers,
                             layout=w.Layout(height=f"{GRID_HEIGHT}px", width="100%",
                                             max_width=f"{GRID_MAX_WIDTH}px"))
        self.grid.add_class("lk-grid")
        self.grid.on_cell_change(guard(self._on_cell_change, doing="save the edit"))
        self.grid.observe(guard(self._on_selection, doing="select rows"), names="selections")
        # pager
        self.pager_buttons = {}
        for key, label in (("first", "« First"), ("prev", "‹ Prev"), ("next", "Next ›"), ("last", "Last »")):
            b = w.Button(description=label, layout=w.Layout(width="auto"))
            b.add_class(f"lk-page-{key}")
            b.on_click(guard(lambda _b, k=key: model.go(k), doing="change page"))
            self.pager_buttons[key] = b
        self.range = w.HTML()
        self.range.add_class("lk-tx-range")
        pager = w.HBox([self.pager_buttons["first"], self.pager_buttons["prev"], self.range,
                        self.pager_buttons["next"], self.pager_buttons["last"]],
                       layout=w.Layout(align_items="center"))
        # bulk actions
        self.scope = w.ToggleButtons(options=[("Selected rows", "selected"), ("All matching the filters", "filtered")],
                                     value="selected", style={"button_width": "auto"})
        self.scope.add_class("lk-tx-scope")
        self.approve = w.Button(description="Approve", button_style="success", tooltip="Approve (ready to export)")
        self.approve.add_class("lk-tx-approve")
        self.exclude = w.Button(description="Exclude", tooltip="Leave out of the books (personal, duplicate…)")
        self.exclude.add_class("lk-tx-exclude")
        self.code_account = w.Combobox(placeholder="account, e.g. Office Supplies", ensure_option=False,
                                       layout=w.Layout(width="230px"))
        self.code_account.add_class("lk-tx-code-account")
        self.code_payee = w.Text(placeholder="payee (optional)", layout=w.Layout(width="170px"))
        self.code = w.Button(description="Code", button_style="warning", tooltip="Code to this account")
        self.code.add_class("lk-tx-code")
        self.approve.on_click(guard(lambda _b: model.bulk("approve", self.scope.value), doing="approve"))
        self.exclude.on_click(guard(lambda _b: model.bulk("exclude", self.scope.value), doing="exclude"))
        self.code.on_click(guard(lambda _b: model.bulk("code", self.scope.value, self.code_account.value,
                                                       self.code_payee.value), doing="code"))
        self.selection = w.HTML()
        self.selection.add_class("lk-tx-selection")
        self.suggest_box = w.HBox(layout=w.Layout(align_items="center"))
        self.suggest_box.add_class("lk-suggest")
        legend = w.HTML('<div class="lk-card-meta lk-legend">' + "".join(
            f'<span>{fmt.badge(s, s.upper() if s in fmt.WAITING else s)}</span>'
            for s in ("gold", "red", "blue", "approved")) + "Double-click a bold cell (payee, description, "
            "account) to edit it; Enter saves.</div>")
        actions = w.HBox([self.scope, self.approve, self.exclude, w.HTML("&nbsp;or code as"), self.code_account,
                          self.code_payee, self.code], layout=w.Layout(align_items="center", flex_flow="row wrap"))
        super().__init__([
            w.HBox([self.state, self.account, self.sort, self.descending], layout=w.Layout(flex_flow="row wrap")),
            w.HBox([self.date_from, self.date_to, self.text], layout=w.Layout(flex_flow="row wrap")),
            legend, self.grid, pager, self.selection, self.suggest_box, actions])
        self.add_class("lk-transactions")
        model.observe(self._render_page, names="page_revision")
        model.observe(self._render_accounts, names="accounts")
        model.observe(self._render_selection, names=["selected_ids", "suggestions"])
        for name in ("state", "account", "sort", "descending", "text", "date_from", "date_to"):
            model.observe(self._render_filters, names=name)
        self._render_accounts()
        self._render_page()

    # -- model -> view ------------------------------------------------------------

    def _render_filters(self, change) -> None:
        widget = {"state": self.state, "account": self.account, "sort": self.sort,
                  "descending": self.descending, "text": self.text, "date_from": self.date_from,
                  "date_to": self.date_to}[change["name"]]
        if widget.value != change["new"]:
            widget.value = change["new"]

    def _render_accounts(self, _change=None) -> None:
        options = [("All accounts", 0), *self.model.accounts]
        self.account.options = options
        self.account.value = self.model.account if self.model.account in [v for _l, v in options] else 0
        if self.model.client_id:
            self.code_account.options = self.model.account_names()

    def _render_page(self, _change=None) -> None:
        m = self.model
        self._syncing = True
        try:
            self.grid.data = m.page_frame
        finally:
            self._syncing = False
        total = f" · total {fmt.esc(m.total_amount)}" if m.total_amount else ""
        self.range.value = f"<b>{fmt.esc(m.range_text())}</b>{total} · page {m.page + 1:,} of {m.pages:,}"
        self.pager_buttons["first"].disabled = self.pager_buttons["prev"].disabled = m.page == 0
        self.pager_buttons["next"].disabled = self.pager_buttons["last"].disabled = m.page >= m.pages - 1

    def _render_selection(self, _change=None) -> None:
        m = self.model
        n = len(m.selected_ids)
        self.selection.value = (f'<span class="lk-muted">{fmt.count(n, "row")} selected</span>' if n else
                                '<span class="lk-muted">Click a row to select it; shift-click to select a range.'
                                "</span>")
        buttons = []
        if m.suggestions and n == 1:
            txn_id = int(m.selected_ids[0])
            for s in m.suggestions[:4]:
                conf = s.get("confidence")
                label = s["account"] + (f" · {round(float(conf) * 100)}%" if conf is not None else "")
                b = w.Button(description=label, tooltip=f"Code to {s['account']}")
                b.add_class("lk-suggestion")
                b.on_click(m.status.guard(lambda _b, a=s["account"]: m.apply_suggestion(txn_id, a),
                                          doing="apply the suggestion"))
                buttons.append(b)
        self.suggest_box.children = ([w.HTML("<b>Suggested:</b>"), *buttons] if buttons else [])

    # -- view -> model ------------------------------------------------------------

    def _on_cell_change(self, cell: dict) -> None:
        if self._syncing:
            return
        row, column, value = cell["row"], cell["column"], cell["value"]
        key = str(self.grid.get_cell_value_by_index("id", row))
        frame = self.model.page_frame
        old = frame.loc[key, column] if column in frame.columns and key in frame.index else None
        if _same(old, value):
            return      # no change: the browser echoing a value the kernel just set
        try:
            self.model.edit(int(key), column, value)      # saved, and "Saved" is on its way to the page
        except Exception:
            self._set_cells(row, {column: old})
            raise
        self._last_edit = (key, column)
        later(SETTLE_DELAY, self.model.status.guard(self._settle, doing="show what the edit changed"))

    def _settle(self) -> None:
        """After the confirmation is on screen: the rows the edit changed, re-read and shown."""
        if not self.model.unsettled:
            return          # settled already (several quick edits, one read)
        updates = self.model.settle()
        positions = {k: i for i, k in enumerate(self.model.page_frame.index)}
        for k, values in updates.items():
            if k in positions:
                self._set_cells(positions[k], values)
        key, column = self._last_edit
        others = len(updates) - (1 if key in updates else 0)
        if others > 0:
            self.model.status.success(f"Saved the {column} of transaction {key}; {fmt.count(others, 'other row')} "
                                      "on this page re-coded by it.")

    def _set_cells(self, row: int, values: dict) -> None:
        self._syncing = True
        try:
            for col, v in values.items():
                if self.grid.get_cell_value_by_index(col, row) != v:
                    self.grid.set_cell_value_by_index(col, row, v)
        finally:
            self._syncing = False

    def _on_selection(self, _change) -> None:
        rows: list[int] = []
        for rect in self.grid.selections:
            rows.extend(range(rect["r1"], rect["r2"] + 1))
        if not rows:
            self.model.select([])
            return
        visible = self.grid.get_visible_data()
        ids = [int(visible.index[r]) for r in sorted(set(rows)) if 0 <= r < len(visible.index)]
        self.model.select(ids)


def later(delay: float, fn: Callable[[], None]) -> None:
    """Run ``fn`` ``delay`` seconds from now on the kernel's event loop, between messages (Voila, Jupyter);
    at once where no loop runs (plain Python, the headless tests)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        fn()
        return
    loop.call_later(delay, fn)


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    return a == b or (a in (None, "") and b in (None, ""))
