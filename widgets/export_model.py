"""Export: choose format, account and dates; see what will go; write the batch; download it.

The preview (how many approved transactions and what total) is recomputed by
the session whenever a choice changes. ``export`` records a batch through the
session (which writes the file into the workspace's ``exports`` folder and
archives it); the bytes come back from the session for the browser to
download. ``history`` lists earlier batches, each downloadable again exactly
as it was sent.
"""

from __future__ import annotations

import datetime as dt
import os

from traitlets import Dict, HasTraits, Instance, Int, List, Unicode, observe

from ledgerkit.errors import Conflict, Invalid

from . import format as fmt
from . import review_access
from .client_data import ClientData
from .status_model import StatusModel

FORMAT_TITLES = {
    "qbo": "QuickBooks Web Connect (.qbo): Desktop and Online",
    "ofx": "OFX 2 statement (.ofx)",
    "iif": "QuickBooks Desktop IIF with accounts and splits (.iif)",
    "qbo-csv": "QuickBooks Online bank CSV (.csv)",
    "xero-csv": "Xero bank statement CSV (.csv)",
    "qif": "Quicken QIF (.qif)",
    "beancount": "beancount journal (.beancount)",
    "ledger": "ledger / hledger journal (.journal)",
}
MIME = {".qbo": "application/vnd.intu.qbo", ".ofx": "application/x-ofx", ".iif": "text/plain",
        ".csv": "text/csv", ".qif": "application/qif", ".beancount": "text/plain", ".journal": "text/plain"}


def mime_for(filename: str) -> str:
    return MIME.get(os.path.splitext(filename)[1].lower(), "application/octet-stream")


class ExportModel(HasTraits):
    client_id = Int(0)
    formats = List()                      # [(title, name)]
    format = Unicode("qbo")
    accounts = List()                     # [(label, id)]
    account = Int(0)                      # 0 = all accounts
    date_from = Instance(dt.date, allow_none=True)
    date_to = Instance(dt.date, allow_none=True)
    preview = Dict()                      # count, total, matched, already, warnings (display values)
    downloads = List()                    # [{"name", "data", "mime"}] offered to the browser now
    history = List()                      # earlier batches (display values)
    changes = Int(0)                      # bumped after an export (exported rows change state)

    def __init__(self, session, data: ClientData, status: StatusModel, **kwargs):
        super().__init__(**kwargs)
        self.session = session
        self.data = data
        self.status = status
        names = list(getattr(session, "export_formats", ()) or FORMAT_TITLES)
        self.formats = [(FORMAT_TITLES.get(n, n), n) for n in names]
        self._loading = False

    def load(self, client_id: int) -> None:
        self._loading = True
        try:
            accounts = [(a.name + (f" {a.masked_number}" if a.number else ""), a.id)
                        for a in self.session.accounts(client_id)] if client_id else []
            with self.hold_trait_notifications():
                self.client_id = client_id
                self.accounts = accounts
                if self.account not in [i for _l, i in accounts]:
                    self.account = 0
                self.downloads = []
        finally:
            self._loading = False
        self.refresh()

    def refresh(self) -> None:
        self.refresh_preview()
        self.refresh_history()

    @observe("format", "account", "date_from", "date_to")
    def _choice_changed(self, _change) -> None:
        if not self._loading and self.client_id:
            self.refresh_preview()

    def _args(self) -> dict:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise Invalid("The 'from' date is after the 'to' date.")
        return {"account": self.account or None, "date_from": self.date_from, "date_to": self.date_to}

    def refresh_preview(self) -> None:
        if not self.client_id:
            self.preview = {}
            return
        preview_fn = review_access.require(self.session, "export_preview", "Export preview")
        p = preview_fn(self.client_id, self.format, **self._args())
        totals = p.get("totals") or {}
        if len(totals) > 1:
            total = " + ".join(fmt.money(v, c, symbol=True) for c, v in sorted(totals.items()))
        else:
            currency = next(iter(totals), "USD")
            total = fmt.money(p.get("total"), currency, symbol=True)
        self.preview = {"count": int(p.get("transactions", 0)), "total": total,
                        "matched": int(p.get("matched", 0)), "already": int(p.get("already_exported", 0)),
                        "warnings": [str(w) for w in p.get("warnings", ())]}

    def refresh_history(self) -> None:
        if not self.client_id or not review_access.has(self.session, "batches"):
            self.history = []
            return
        names = dict((i, label) for label, i in self.accounts)
        rows = []
        for b in self.session.batches(self.client_id):
            created = b.get("created_at")
            rows.append({
                "batch": b["batch"], "format": b["format"], "kind": b.get("kind", "export"),
                "when": created.strftime("%Y-%m-%d %H:%M") if hasattr(created, "strftime") else str(created or ""),
                "who": b.get("actor", ""), "account": names.get(b.get("account"), "all accounts"),
                "period": f"{fmt.date(b.get('from')) or '…'} – {fmt.date(b.get('to')) or '…'}",
                "transactions": b.get("transactions", 0),
                "total": f"{b.get('total', '')} {b.get('currency', '')}".strip(),
                "files": [{"seq": f["seq"], "name": os.path.basename(f["path"])} for f in b.get("files", [])],
            })
        self.history = rows

    def export(self) -> dict:
        """Write the batch (through the session) and offer its files for download."""
        if not self.client_id:
            raise Invalid("Pick a client first.")
        if self.preview.get("count", 0) == 0:
            raise Invalid("Nothing to export: approve transactions first (Transactions tab), or widen the dates "
                          "or accounts." + (" Everything selected was exported before: download it again from "
                                            "the history below." if self.preview.get("already") else ""))
        export_fn = review_access.require(self.session, "export", "Export")
        out = str(self.session.workspace / "exports") + os.sep
        with self.status.task(f"Exporting {fmt.count(self.preview['count'], 'transaction')}") as step:
            try:
                result = export_fn(self.client_id, self.format, out, **self._args())
            except Conflict as e:
                raise Conflict(f"{e} Download the earlier batch again from the history below.") from None
            step(0.7, "Preparing the download")
            self.downloads = [self._download(result.batch, i + 1) for i in range(len(result.files))]
            self.refresh()
        self.data.invalidate(self.client_id)
        self.changes += 1
        names = ", ".join(d["name"] for d in self.downloads)
        totals = getattr(result, "totals", None) or {}
        total = (" + ".join(fmt.money(v, c, symbol=True) for c, v in sorted(totals.items())) if totals
                 else fmt.money(result.total))
        self.status.success(
            f"Exported {fmt.count(result.transactions, 'transaction')} (total {total}) as batch "
            f"{result.batch}: {names}.", "Click the download link below to save the file, then import it into "
            "the accounting package.")
        return {"batch": result.batch, "files": [d["name"] for d in self.downloads]}

    def _download(self, batch: int, seq: int) -> dict:
        name = self.session.batch_file_name(batch, seq, client=self.client_id)
        data = self.session.batch_file(batch, seq, client=self.client_id)
        return {"name": name, "data": data, "mime": mime_for(name), "batch": batch}

    def redownload(self, batch: int) -> None:
        row = next((r for r in self.history if r["batch"] == batch), None)
        if row is None:
            raise Invalid(f"There is no batch {batch} for this client.")
        self.downloads = [self._download(batch, f["seq"]) for f in row["files"]]
        self.status.info(f"Batch {batch} is ready to download again, exactly as it was sent.")
