"""Export: the choices, what will go, the Export button, download links and the batch history."""

from __future__ import annotations

import ipywidgets as w

from . import format as fmt
from .export_model import ExportModel
from .statements_view import download_link


class ExportView(w.VBox):
    def __init__(self, model: ExportModel):
        self.model = model
        guard = model.status.guard
        self.format = w.Dropdown(options=model.formats, value=model.format, description="Format",
                                 layout=w.Layout(width="480px"))
        self.format.add_class("lk-export-format")
        self.account = w.Dropdown(options=[("All accounts", 0)], value=0, description="Account",
                                  layout=w.Layout(width="480px"))
        self.account.add_class("lk-export-account")
        self.date_from = w.DatePicker(description="From")
        self.date_to = w.DatePicker(description="To")
        self.preview = w.HTML()
        self.preview.add_class("lk-export-preview")
        self.button = w.Button(description="Export", button_style="primary", icon="download",
                               tooltip="Write the batch and offer the file for download")
        self.button.add_class("lk-export-button")
        self.downloads = w.HTML()
        self.downloads.add_class("lk-export-downloads")
        self.history = w.VBox()
        self.history.add_class("lk-export-history")
        for widget, name in ((self.format, "format"), (self.date_from, "date_from"), (self.date_to, "date_to")):
            widget.observe(guard(lambda ch, n=name: setattr(model, n, ch["new"]), doing="update the preview"),
                           names="value")
        self.account.observe(guard(lambda ch: setattr(model, "account", int(ch["new"] or 0)),
                                   doing="update the preview"), names="value")
        self.button.on_click(guard(lambda _b: model.export(), doing="export"))
        super().__init__([
            w.HTML('<div class="lk-section-title">Export approved transactions</div>'),
            self.format, self.account, w.HBox([self.date_from, self.date_to]), self.preview,
            w.HBox([self.button, self.downloads], layout=w.Layout(align_items="center")),
            w.HTML('<div class="lk-section-title">Earlier exports</div>'), self.history])
        self.add_class("lk-export")
        model.observe(self._render_accounts, names="accounts")
        model.observe(self._render_preview, names="preview")
        model.observe(self._render_downloads, names="downloads")
        model.observe(self._render_history, names="history")
        self._render_accounts()
        self._render_preview()
        self._render_history()

    def _render_accounts(self, _change=None) -> None:
        options = [("All accounts", 0), *self.model.accounts]
        self.account.options = options
        self.account.value = self.model.account if self.model.account in [v for _l, v in options] else 0

    def _render_preview(self, _change=None) -> None:
        p = self.model.preview
        if not p:
            self.preview.value = ""
            self.button.disabled = True
            return
        lines = [f'<div style="font-size:15px"><b>{p["count"]:,}</b> approved '
                 f'{"transaction" if p["count"] == 1 else "transactions"} will go, total <b>{fmt.esc(p["total"])}</b>'
                 "</div>"]
        if p["matched"]:
            lines.append(f'<div class="lk-muted">{fmt.count(p["matched"], "approved BLUE transaction")} already '
                         "in the books are left out by this format.</div>")
        if p["already"]:
            lines.append(f'<div class="lk-muted">{fmt.count(p["already"], "transaction")} exported before '
                         "are not sent again (download the earlier batch below).</div>")
        for warning in p["warnings"]:
            lines.append(f'<div class="lk-attention">⚠ {fmt.esc(warning)}</div>')
        if not p["count"]:
            lines.append('<div class="lk-muted">Approve transactions in the Transactions tab first.</div>')
        self.preview.value = "".join(lines)
        self.button.disabled = p["count"] == 0

    def _render_downloads(self, _change=None) -> None:
        self.downloads.value = " ".join(
            download_link(d["data"], d["name"], d["mime"], f"⬇ Download {d['name']}") for d in self.model.downloads)

    def _render_history(self, _change=None) -> None:
        rows = self.model.history
        if not rows:
            self.history.children = [w.HTML('<div class="lk-muted">No exports yet.</div>')]
            return
        heads = ("batch", "when", "who", "format", "account", "period", "transactions", "total", "files", "")
        cells: list[w.Widget] = [w.HTML(f'<b class="lk-muted">{h}</b>') for h in heads]
        guard = self.model.status.guard
        for r in rows:
            again = w.Button(description="Download again", layout=w.Layout(width="140px"))
            again.add_class("lk-export-again")
            again.on_click(guard(lambda _b, b=r["batch"]: self.model.redownload(b), doing="prepare the download"))
            batch = f"#{r['batch']}" + (" (re-export)" if r["kind"] != "export" else "")
            cells += [w.HTML(fmt.esc(v)) for v in (batch, r["when"], r["who"], r["format"], r["account"],
                                                   r["period"])]
            cells += [w.HTML(f'<div class="lk-num">{r["transactions"]:,}</div>'),
                      w.HTML(f'<div class="lk-num">{fmt.esc(r["total"])}</div>'),
                      w.HTML(fmt.esc(", ".join(f["name"] for f in r["files"]))), again]
        grid = w.GridBox(cells, layout=w.Layout(
            grid_template_columns="70px 130px 90px 80px 160px 190px 100px 130px minmax(160px, 1fr) 150px",
            width="100%"))
        self.history.children = [grid]
