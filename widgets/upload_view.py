"""Drop zone for bank files, statements and images; imports through the session like the CLI."""

from __future__ import annotations

import ipywidgets as w

from . import format as fmt
from .upload_model import UploadModel

ACCEPT = ".ofx,.qfx,.qbo,.csv,.qif,.txt,.pdf,.png,.jpg,.jpeg,.tif,.tiff,.gif"


def uploaded_files(value) -> list[tuple[str, bytes]]:
    """ipywidgets 8 FileUpload value -> [(name, bytes)]."""
    return [(f["name"], bytes(f["content"])) for f in (value or ())]


class UploadView(w.VBox):
    def __init__(self, model: UploadModel, compact: bool = True):
        self.model = model
        guard = model.status.guard
        self.picker = w.FileUpload(accept=ACCEPT, multiple=True, description="Upload files",
                                   tooltip="Bank files (OFX/QFX/QBO, CSV, QIF), statement PDFs, check images")
        self.picker.add_class("lk-upload")
        self.account = w.Dropdown(description="Account", options=[("chosen by the file", 0)], value=0,
                                  tooltip="For CSV and QIF files that do not name their account",
                                  layout=w.Layout(width="300px"))
        self.account.add_class("lk-upload-account")
        self.hint = w.HTML('<span class="lk-muted">…or drop statements, images or CSV files anywhere on '
                           "the page</span>")
        self.results = w.HTML()
        self.results.add_class("lk-upload-results")
        row = w.HBox([self.picker, self.account, self.hint], layout=w.Layout(align_items="center"))
        row.add_class("lk-drop")
        super().__init__([row] if compact else [row, self.results])
        self.add_class("lk-upload-box")
        self.picker.observe(guard(self._on_upload, doing="import the files"), names="value")
        self.account.observe(self._on_account, names="value")
        model.observe(self._render_accounts, names="accounts")
        model.observe(self._render_results, names="results")
        self._render_accounts()

    def _on_upload(self, change) -> None:
        files = uploaded_files(change["new"])
        if not files:
            return
        try:
            self.model.upload(files)
        finally:
            self.picker.value = ()

    def _on_account(self, change) -> None:
        self.model.account = int(change["new"] or 0)

    def _render_accounts(self, _change=None) -> None:
        self.account.options = [("chosen by the file", 0), *self.model.accounts]
        self.account.value = self.model.account if self.model.account in dict(self.model.accounts).values() else 0

    def _render_results(self, _change=None) -> None:
        rows = self.model.results
        if not rows:
            self.results.value = ""
            return
        body = "".join(
            f"<tr><td>{fmt.esc(r['name'])}</td><td>{fmt.esc(r['status'])}</td>"
            f"<td class='lk-num'>{r['added']:,}</td><td class='lk-num'>{r['duplicates']:,}</td>"
            f"<td>{'<br>'.join(fmt.esc(i) for i in r['issues'])}</td></tr>" for r in rows)
        self.results.value = ("<table class='lk-table'><tr><th>file</th><th>result</th><th class='lk-num'>added"
                              "</th><th class='lk-num'>already known</th><th>notes</th></tr>" + body + "</table>")
