"""Session methods of the exporters (export batches, re-export, history, settings).

Mixed into ``Session``; every method uses ``self.store``, ``self.actor`` and
``self.client(ref)`` from the core session. The work happens in
``ledgerkit.export.batches``; these are the one-line entry points the CLI and
the dashboard call.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa

from . import audit
from .errors import Invalid, NotFound
from .export import FORMATS, batches, spec
from .export.base import DEFAULT_BID
from .store import export_tables as xt
from .store import utcnow

_SETTINGS = ("intu_bid", "org", "fid", "bank_id", "acct_id", "book_account")


def _date(value: str | dt.date | None, what: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise Invalid(f"{what} must be a date as YYYY-MM-DD, not {value!r}") from None


class ExportMixin:
    """Export approved transactions as recorded batches."""

    export_formats = tuple(FORMATS)

    def _export_account_ids(self, c, account) -> list[int] | None:
        if account is None or account == "":
            return None
        return [self.account(c, account).id]

    def export(self, client, format: str | None, out: str | Path, account: str | int | None = None,
               date_from: str | dt.date | None = None, date_to: str | dt.date | None = None,
               reexport: int | None = None, *, date_order: str = "mdy",
               lists: bool = False) -> batches.ExportResult:
        """Export the client's approved transactions (or re-export batch ``reexport``) to ``out``.

        ``out`` is a file path (split and per-account files get ``-<account>``
        and ``-<n>`` before the extension) or an existing folder. Returns the
        recorded batch with its files, SHA-256s, count and total. Raises
        ``Conflict`` when everything selected was exported before (use
        ``reexport``), ``Invalid`` when nothing is approved.
        """
        c = self.client(client)
        if format is None and reexport is None:
            raise Invalid(f"choose an export format: {', '.join(FORMATS)}")
        if format is not None:
            spec(format)
        return batches.run(self.store, c.id, c.name, format, out, actor=self.actor,
                           account_ids=self._export_account_ids(c, account),
                           date_from=_date(date_from, "--from"), date_to=_date(date_to, "--to"),
                           reexport=None if reexport in (None, "") else int(reexport),
                           date_order=date_order, lists=lists)

    def export_preview(self, client, format: str = "qbo", account: str | int | None = None,
                       date_from: str | dt.date | None = None, date_to: str | dt.date | None = None) -> dict:
        """What ``export`` would send now: ``transactions``, ``total`` (Decimal), ``totals``
        per currency, ``matched`` (approved BLUE a format that adds transactions leaves
        out), ``already_exported`` (in the selection but exported before, and the
        ``already_batches``), ``accounts``, ``warnings``."""
        c = self.client(client)
        fmt = spec(format)
        batches._ready(self.store)
        account_ids = self._export_account_ids(c, account)
        start, end = _date(date_from, "--from"), _date(date_to, "--to")
        with self.store.connect() as conn:
            plan = batches.prepare(self.store, conn, c.id, fmt, account_ids=account_ids, date_from=start,
                                   date_to=end)
            done = batches.exported_batches(conn, c.id, account_ids, start, end)
        total, totals, _, _ = batches._totals(plan.frame)
        already = {t for v in [*plan.already.values(), *done.values()] for t in v}
        return {"format": fmt.name, "transactions": plan.frame.height, "total": total, "totals": totals,
                "matched": plan.matched.height, "already_exported": len(already),
                "already_batches": sorted(set(plan.already) | set(done)),
                "accounts": sorted(set(plan.frame["account_id"].to_list())), "warnings": plan.warnings}

    def batches(self, client) -> list[dict]:
        """Every export batch of the client, newest first, with files and SHA-256s."""
        c = self.client(client)
        return batches.history(self.store, c.id)

    def batch_file(self, batch_id: int, seq: int = 1, client=None) -> bytes:
        """The exact bytes of a batch's file (``seq`` for split exports), for download again."""
        return batches.file_bytes(self.store, self._batch_client(batch_id, client), batch_id, seq)[1]

    def batch_file_name(self, batch_id: int, seq: int = 1, client=None) -> str:
        return batches.file_bytes(self.store, self._batch_client(batch_id, client), batch_id, seq)[0]

    def _batch_client(self, batch_id: int, client=None) -> int:
        if client is not None:
            return self.client(client).id
        batches._ready(self.store)
        with self.store.connect() as conn:
            row = batches.batch_row(conn, batch_id)
        if row is None:
            raise NotFound(f"no export batch {batch_id}")
        return row["client_id"]

    # -- per-account settings (Web Connect) ------------------------------------

    def export_settings(self, client, account) -> dict:
        """The account's Web Connect identity: intu_bid, org, fid, bank_id, acct_id,
        book_account. Unset values are None (the first Web Connect export fills
        them: the BID found in the bank's own files, else 3000)."""
        c = self.client(client)
        acc = self.account(c, account)
        batches._ready(self.store)
        S = xt.export_settings
        with self.store.connect() as conn:
            r = conn.execute(sa.select(S).where(S.c.account_id == acc.id)).first()
        values = {k: (getattr(r, k) if r is not None else None) for k in _SETTINGS}
        return {"account": acc.id, "default_bid": DEFAULT_BID, **values}

    def set_export_settings(self, client, account, **values) -> dict:
        """Set some of intu_bid, org, fid, bank_id, acct_id, book_account for an account.

        Changing INTU.BID or ACCTID of an account QuickBooks already knows makes it
        ask to map the account again; the change is recorded in the audit log.
        """
        unknown = set(values) - set(_SETTINGS)
        if unknown:
            raise Invalid(f"unknown export setting(s): {', '.join(sorted(unknown))}")
        values = {k: (None if v is None else str(v).strip()) for k, v in values.items()}
        if values.get("intu_bid") and not values["intu_bid"].isdigit():
            raise Invalid("INTU.BID is a number (e.g. 3000)")
        if values.get("bank_id") and (not values["bank_id"].isdigit() or len(values["bank_id"]) > 9):
            raise Invalid("BANKID is at most 9 digits (the routing number)")
        if values.get("acct_id") and len(values["acct_id"]) > 22:
            raise Invalid("ACCTID is at most 22 characters")
        for k in ("org", "fid"):
            if values.get(k) and len(values[k]) > 32:
                raise Invalid(f"{k.upper()} is at most 32 characters")
        c = self.client(client)
        acc = self.account(c, account)
        batches._ready(self.store)
        S = xt.export_settings
        now = utcnow()
        with self.store.begin() as conn:
            r = conn.execute(sa.select(S).where(S.c.account_id == acc.id)).first()
            before = {k: getattr(r, k) for k in _SETTINGS} if r is not None else None
            if r is None:
                conn.execute(sa.insert(S).values(account_id=acc.id, updated_at=now, **values))
            elif values:
                conn.execute(sa.update(S).where(S.c.account_id == acc.id).values(updated_at=now, **values))
            audit.record(conn, self.actor, "export.settings", "account", acc.id, before=before, after=values)
        return self.export_settings(c, acc.id)

