"""Statements: each account's statement PDFs by period; the picked one's bytes for the viewer."""

from __future__ import annotations

from traitlets import Bytes, HasTraits, Int, List, Unicode, observe

from . import format as fmt
from .status_model import StatusModel


class StatementsModel(HasTraits):
    client_id = Int(0)
    items = List()            # {"doc_id", "account", "period", "filename"}, by account then newest period first
    selected = Int(0)         # document id shown, 0 = none
    pdf = Bytes(b"")
    filename = Unicode("")

    def __init__(self, session, status: StatusModel, **kwargs):
        super().__init__(**kwargs)
        self.session = session
        self.status = status
        self._docs: dict[int, object] = {}

    def load(self, client_id: int) -> None:
        self.client_id = client_id
        docs = self.session.documents(client_id, "statement") if client_id else []
        names = {a.id: a.name + (f" {a.masked_number}" if a.number else "")
                 for a in self.session.accounts(client_id)} if client_id else {}
        self._docs = {d.id: d for d in docs}
        items = [{
            "doc_id": d.id,
            "account": names.get(d.account_id, "Account not recognised"),
            "period": (f"{fmt.date(d.period_start)} – {fmt.date(d.period_end)}" if d.period_end
                       else "period not stated"),
            "end": fmt.date(d.period_end) or "",
            "filename": d.filename,
        } for d in docs]
        items.sort(key=lambda i: i["end"], reverse=True)
        items.sort(key=lambda i: i["account"])
        with self.hold_trait_notifications():
            self.items = items
            self.selected = items[0]["doc_id"] if items else 0
        self._show()

    @observe("selected")
    def _selected_changed(self, _change) -> None:
        self._show()

    def _show(self) -> None:
        doc = self._docs.get(self.selected)
        with self.hold_trait_notifications():
            self.pdf = self.session.document_bytes(doc) if doc is not None else b""
            self.filename = doc.filename if doc is not None else ""
