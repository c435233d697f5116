"""Statements: a list by account and period, and the picked PDF shown in the page."""

from __future__ import annotations

import base64

import ipywidgets as w

from . import format as fmt
from .statements_model import StatementsModel


def download_link(data: bytes, filename: str, mime: str, label: str, cls: str = "lk-download") -> str:
    """An <a download> link carrying the bytes: the browser saves them, the kernel writes nothing."""
    b64 = base64.b64encode(data).decode("ascii")
    return (f'<a class="{cls}" download="{fmt.esc(filename)}" href="data:{mime};base64,{b64}">'
            f"{fmt.esc(label)}</a>")


class StatementsView(w.VBox):
    def __init__(self, model: StatementsModel):
        self.model = model
        self.list = w.Select(options=[], rows=24, layout=w.Layout(width="320px", flex="0 0 320px"))
        self.list.add_class("lk-statement-list")
        self.viewer = w.HTML()
        self.viewer.add_class("lk-statement-viewer")
        self.empty = w.HTML()
        super().__init__([self.empty, w.HBox([self.list, w.VBox([self.viewer], layout=w.Layout(
            flex="1 1 auto", min_width="0"))], layout=w.Layout(width="100%"))])
        self.add_class("lk-statements")
        self.list.observe(model.status.guard(self._on_pick, doing="show the statement"), names="value")
        model.observe(self._render_list, names="items")
        model.observe(self._render_pdf, names="pdf")
        self._render_list()
        self._render_pdf()

    def _on_pick(self, change) -> None:
        if change["new"]:
            self.model.selected = int(change["new"])

    def _render_list(self, _change=None) -> None:
        items = self.model.items
        self.list.options = [(f"{i['account']} · {i['period']}", i["doc_id"]) for i in items]
        if items and self.model.selected in [i["doc_id"] for i in items]:
            self.list.value = self.model.selected
        self.empty.value = ("" if items else '<div class="lk-panel lk-muted">No statements yet: statement PDFs '
                            "arrive with the bank connection, or drop them on this page.</div>")
        self.list.layout.display = "flex" if items else "none"

    def _render_pdf(self, _change=None) -> None:
        m = self.model
        if not m.pdf:
            self.viewer.value = ""
            return
        b64 = base64.b64encode(m.pdf).decode("ascii")
        link = download_link(m.pdf, m.filename or "statement.pdf", "application/pdf", "Download the PDF",
                             "lk-statement-download")
        self.viewer.value = (f'<div class="lk-muted">{fmt.esc(m.filename)} · {link}</div>'
                             f'<iframe class="lk-pdf" title="{fmt.esc(m.filename)}" '
                             f'src="data:application/pdf;base64,{b64}#view=FitH"></iframe>')
