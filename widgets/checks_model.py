"""Checks (and deposits) side by side: the image next to the coding form, one at a time.

``items`` lists the client's check (or deposit) images with the transaction
each proves; ``only_waiting`` narrows it to those whose transaction still
needs coding. ``index`` points at the one shown; the form fields are the
coded payee/account/memo, prefilled from the transaction. ``save`` codes the
transaction through the session (the engine remembers the payee, so the
next month's check to that payee arrives RED) and moves to the next one.
"""

from __future__ import annotations

import polars as pl
from traitlets import Bool, Bytes, HasTraits, Int, List, Unicode, observe

from ledgerkit.errors import Invalid

from . import format as fmt
from . import review_access
from .client_data import ClientData
from .status_model import StatusModel
from .transactions_model import normalise

KINDS = {"check": "Checks", "deposit": "Deposits"}


class ChecksModel(HasTraits):
    kind = Unicode("check")            # check | deposit
    client_id = Int(0)
    only_waiting = Bool(True)          # only images whose transaction needs coding
    items = List()                     # dicts, see ``_item``
    index = Int(0)
    image = Bytes(b"")                 # the current image's bytes
    image_name = Unicode("")
    payee = Unicode("")
    account = Unicode("")
    memo = Unicode("")
    zoom = Int(100)                    # percent of the panel's width
    changes = Int(0)                   # bumped after every saved coding (the app recounts)

    def __init__(self, session, data: ClientData, status: StatusModel, kind: str = "check", **kwargs):
        super().__init__(kind=kind, **kwargs)
        self.session = session
        self.data = data
        self.status = status
        self._docs: dict[int, object] = {}

    # -- loading --------------------------------------------------------------------

    def load(self, client_id: int) -> None:
        self.client_id = client_id
        self.reload()

    def reload(self, keep: int | None = None) -> None:
        """Rebuild the list; stay on document ``keep`` if it is still listed."""
        if not self.client_id:
            self.items, self.index = [], 0
            self._show()
            return
        docs = self.session.documents(self.client_id, self.kind)
        self._docs = {d.id: d for d in docs}
        frame = normalise(self.data.frame(self.client_id))
        ids = [d.transaction_id for d in docs if d.transaction_id]
        rows = {r["id"]: r for r in frame.filter(pl.col("id").is_in(ids)).iter_rows(named=True)} if ids else {}
        items = [self._item(d, rows.get(d.transaction_id)) for d in docs]
        if self.only_waiting:
            items = [i for i in items if i["waiting"]]
        items.sort(key=lambda i: (i["date"] or "9999", i["number"]))
        with self.hold_trait_notifications():
            self.items = items
            positions = [i for i, it in enumerate(items) if it["doc_id"] == keep]
            self.index = positions[0] if positions else min(self.index, max(0, len(items) - 1))
        self._show()

    @staticmethod
    def _item(doc, row: dict | None) -> dict:
        state = (row or {}).get("state") or ""
        currency = (row or {}).get("currency") or "USD"
        return {
            "doc_id": doc.id, "txn_id": doc.transaction_id or 0, "filename": doc.filename,
            "number": doc.check_number or (row or {}).get("check_number") or "",
            "image_amount": fmt.money(doc.amount, currency) if doc.amount is not None else "",
            "bank_amount": fmt.money(row["amount"], currency, minor=True) if row else "",
            "date": fmt.date(row["posted"]) if row else "",
            "description": (row or {}).get("coded_description") or (row or {}).get("description") or "",
            "payee": (row or {}).get("coded_payee") or "",          # read from the image, not the bank text
            "account": (row or {}).get("coded_account") or "",
            "memo": (row or {}).get("coded_memo") or "",
            "state": state,
            "waiting": bool(row) and state in ("gold", ""),         # "" = not evaluated yet
            "linked": row is not None,
            "currency": currency,
        }

    def frame(self):
        return normalise(self.data.frame(self.client_id))

    @observe("only_waiting")
    def _waiting_changed(self, _change) -> None:
        if self.client_id:
            current = self.current
            self.reload(keep=current["doc_id"] if current else None)

    @observe("index")
    def _index_changed(self, _change) -> None:
        self._show()

    @property
    def current(self) -> dict | None:
        return self.items[self.index] if 0 <= self.index < len(self.items) else None

    def _show(self) -> None:
        item = self.current
        if item is None:
            with self.hold_trait_notifications():
                self.image, self.image_name, self.payee, self.account, self.memo = b"", "", "", "", ""
            return
        doc = self._docs.get(item["doc_id"])
        data = self.session.document_bytes(doc) if doc is not None else b""
        with self.hold_trait_notifications():
            self.image, self.image_name = data, item["filename"]
            self.payee, self.account, self.memo = item["payee"], item["account"], item["memo"]

    # -- navigation and saving ----------------------------------------------------------

    def next(self) -> None:
        if self.items:
            self.index = min(len(self.items) - 1, self.index + 1)

    def previous(self) -> None:
        if self.items:
            self.index = max(0, self.index - 1)

    def position_text(self) -> str:
        label = KINDS.get(self.kind, self.kind).lower()
        if not self.items:
            return f"No {label} need coding." if self.only_waiting else f"No {label} yet."
        return f"{self.index + 1} of {len(self.items)} {label}" + (" to code" if self.only_waiting else "")

    def save(self) -> None:
        """Code the current image's transaction with the form, then show the next one."""
        item = self.current
        if item is None:
            raise Invalid(f"There is no {self.kind} to save.")
        if not item["txn_id"]:
            raise Invalid(f"This {self.kind} image is not matched to a bank transaction yet; it is coded once the "
                          "statement with its transaction is imported.")
        if not self.account.strip():
            raise Invalid("Choose the account to code it to.")
        review_access.code(self.session, self.client_id, [item["txn_id"]], self.account.strip(),
                           payee=self.payee.strip() or None, memo=self.memo.strip() or None)
        self.data.invalidate(self.client_id)
        self.changes += 1
        who = f" to {self.payee.strip()}" if self.payee.strip() else ""
        self.status.success(f"Coded {self.kind} {item['number']}{who} as {self.account.strip()}; "
                            "the payee is remembered for next time.")
        following = self.items[self.index + 1]["doc_id"] if self.index + 1 < len(self.items) else None
        self.reload(keep=following if self.only_waiting else item["doc_id"])
        if not self.only_waiting:
            self.next()

    def zoom_by(self, step: int) -> None:
        self.zoom = max(25, min(400, self.zoom + step))
