"""Overview: the client's accounts (balance, as-of date, waiting counts) and a balance chart."""

from __future__ import annotations

import io

import ipywidgets as w
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from . import format as fmt
from .overview_model import OverviewModel

COLUMNS = ("Account", "Number", "Balance", "As of", "Source", "Transactions", "Waiting", "")
WIDTHS = "minmax(180px, 2fr) 90px 130px 150px 80px 100px 140px minmax(120px, 1fr)"


def chart_png(series: dict, width: float = 10.0, height: float = 3.4) -> bytes:
    """Balance over time, one step line per account (display only: minor units scaled for plotting)."""
    fig = Figure(figsize=(width, height), dpi=96)
    ax = fig.add_subplot(1, 1, 1)
    for s in series.values():
        scale = 10 ** fmt.exponent(s["currency"])
        ax.step(s["dates"], [v / scale for v in s["balances"]], where="post",
                label=f"{s['name']} ({s['currency']})", linewidth=1.6)
    ax.axhline(0, color="#9aa5b1", linewidth=0.8)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.grid(True, color="#eef0f2")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title("Balance over time", loc="left", fontsize=11)
    if series:
        ax.legend(loc="upper left", fontsize=8, frameon=False, ncols=min(3, len(series)))
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


class OverviewView(w.VBox):
    def __init__(self, model: OverviewModel, on_open_account=None):
        self.model = model
        self.on_open_account = on_open_account or (lambda account_id: None)
        self.summary = w.HTML()
        self.table = w.GridBox(layout=w.Layout(grid_template_columns=WIDTHS, width="100%"))
        self.table.add_class("lk-overview-table")
        self.chart = w.Image(format="png", layout=w.Layout(width="100%", max_width="1000px"))
        self.chart.add_class("lk-chart")
        self.chart_note = w.HTML()
        super().__init__([self.summary, self.table, self.chart_note, self.chart])
        self.add_class("lk-overview")
        model.observe(self._render_rows, names="rows")
        model.observe(self._render_chart, names="series")
        self._render_rows()

    def _cell(self, html: str, cls: str = "") -> w.HTML:
        cell = w.HTML(f'<div class="{cls}">{html}</div>')
        return cell

    def _render_rows(self, _change=None) -> None:
        m = self.model
        if not m.client_id:
            self.summary.value = '<div class="lk-muted">Pick a client on the left.</div>'
            self.table.children = []
            return
        t = m.totals
        waiting = (fmt.state_badges(t.get("gold", 0), t.get("red", 0), t.get("blue", 0)) if t
                   else '<span class="lk-muted">counting…</span>')
        self.summary.value = f'<div class="lk-section-title">Accounts</div><div>Waiting: {waiting}</div>'

        cells = [self._cell(f"<b>{c}</b>", "lk-muted") for c in COLUMNS]
        guard = self.model.status.guard
        for r in m.rows:
            open_button = w.Button(description=r["name"], tooltip=f"Review {r['name']}",
                                   layout=w.Layout(width="auto", justify_content="flex-start"))
            open_button.add_class("lk-open-account")
            open_button.on_click(guard(lambda _b, aid=r["id"]: self.on_open_account(aid), doing="open the account"))
            balance_cls = "lk-num lk-negative" if r["negative"] else "lk-num"
            source = "bank" if r["source"] == "bank" else "computed"
            cells += [
                open_button,
                self._cell(fmt.esc(r["number"]), "lk-muted"),
                self._cell(f'{fmt.esc(r["balance"])} <span class="lk-muted">{fmt.esc(r["currency"])}</span>',
                           balance_cls),
                self._cell(f'{fmt.esc(r["balance_date"])}<br><span class="lk-muted">{fmt.esc(r["age"])}</span>'),
                self._cell(source, "lk-muted"),
                self._cell(f"{r['transactions']:,}", "lk-num"),
                self._cell(fmt.state_badges(r["gold"], r["red"], r["blue"]) if r["gold"] is not None
                           else '<span class="lk-muted">…</span>'),
                self._cell(f'⚠ {fmt.esc(r["attention"])}' if r["attention"] else "", "lk-attention"),
            ]
        self.table.children = cells
        if not m.rows:
            self.summary.value += '<div class="lk-muted">No accounts yet: drop the first bank files above.</div>'

    def _render_chart(self, _change=None) -> None:
        if not self.model.series:
            self.chart.layout.display = "none"
            self.chart_note.value = ""
            return
        self.chart.value = chart_png(self.model.series)
        self.chart.layout.display = "block"
