"""Session: the one facade over a workspace.

The dashboard, the CLI and analysts' notebooks all talk to a Session and
nothing below it. Each public method is one unit of work with a clear result;
user mistakes raise ``LedgerkitError`` subclasses with a message fit to show.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from . import accounts as accounts_mod
from . import audit, ingest
from . import clients as clients_mod
from . import documents as documents_mod
from .model import Account, Client, Document, FileResult, ImportRecord, Transaction
from .money import from_minor
from .session_export import ExportMixin
from .session_review import ReviewMixin
from .store import Store, schema

DEFAULT_WORKSPACE = "workspace"


def resolve_workspace(workspace: str | Path | None = None) -> Path:
    """``--workspace``, else ``LEDGERKIT_WORKSPACE``, else ``./workspace``."""
    return Path(workspace or os.environ.get("LEDGERKIT_WORKSPACE") or DEFAULT_WORKSPACE)


class Session(ReviewMixin, ExportMixin):
    """A workspace opened for one person (``actor``). Review and export methods
    come from ``session_review`` and ``session_export``."""

    def __init__(self, workspace: str | Path | None = None, *, url: str | None = None, actor: str | None = None):
        self.workspace = resolve_workspace(workspace)
        self.url = url or os.environ.get("LEDGERKIT_DATABASE_URL") or None
        self.store = Store.open(self.workspace, self.url)
        self.actor = actor or audit.current_actor()

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- clients ---------------------------------------------------------

    def add_client(self, name: str, email: str = "", invite: str = "none") -> Client:
        with self.store.begin() as conn:
            return clients_mod.add(conn, name, email, invite, self.actor)

    def clients(self) -> list[Client]:
        with self.store.connect() as conn:
            return clients_mod.all(conn)

    def client(self, ref: str | int | Client) -> Client:
        if isinstance(ref, Client):
            return ref
        with self.store.connect() as conn:
            return clients_mod.find(conn, ref)

    # -- accounts --------------------------------------------------------

    def add_account(self, client: str | int | Client, name: str, kind: str = "checking", currency: str = "USD",
                    institution: str = "", bank_id: str = "", number: str = "") -> Account:
        c = self.client(client)
        key = f"ofx:{bank_id}:{number}" if number else None
        with self.store.begin() as conn:
            return accounts_mod.create(conn, c.id, name, kind, currency, institution, bank_id, number, key,
                                       self.actor)

    def accounts(self, client: str | int | Client) -> list[Account]:
        c = self.client(client)
        with self.store.connect() as conn:
            return accounts_mod.for_client(conn, c.id)

    def account(self, client: str | int | Client, ref: str | int) -> Account:
        c = self.client(client)
        with self.store.connect() as conn:
            return accounts_mod.find(conn, c.id, ref)

    def balances(self, client: str | int | Client) -> list[dict]:
        """Each account with ``balance`` (Decimal), ``balance_date``, ``source`` ("bank"/"computed")."""
        c = self.client(client)
        with self.store.connect() as conn:
            rows = accounts_mod.balances(conn, c.id)
        for r in rows:
            r["balance"] = from_minor(r["balance"], r["account"].currency)
        return rows

    # -- import ----------------------------------------------------------

    def import_files(self, client: str | int | Client, paths: list[str | Path], account: str | int | None = None,
                     **options) -> ImportRecord:
        c = self.client(client)
        account_id = self.account(c, account).id if account is not None else None
        # new transactions land in a review state within their import (ReviewMixin)
        record = ingest.import_files(self.store, c.id, paths, account_id=account_id, actor=self.actor,
                                     options=options, on_added=self._review_added(c),
                                   on_linked=self._review_linked(c))
        return record

    def import_bytes(self, client: str | int | Client, filename: str, data: bytes,
                     account: str | int | None = None, **options) -> FileResult:
        """Import an uploaded file (dashboard drag-and-drop): the same path as the CLI."""
        c = self.client(client)
        account_id = self.account(c, account).id if account is not None else None
        result = ingest.import_file(self.store, c.id, Path(filename), data=data, account_id=account_id,
                                    actor=self.actor, options=options, display_name=filename,
                                    on_added=self._review_added(c),   # ReviewMixin
                                    on_linked=self._review_linked(c))
        return result

    # -- transactions and documents --------------------------------------

    def transactions_frame(self, client: str | int | Client, account: str | int | None = None) -> pl.DataFrame:
        """All transactions of a client as polars (``amount`` Int64 minor units, ``currency`` per row)."""
        c = self.client(client)
        T, A = schema.transactions, schema.accounts
        q = (sa.select(T.c.id, T.c.account_id, A.c.name.label("account_name"), A.c.currency, T.c.posted,
                       T.c.amount, T.c.payee, T.c.description, T.c.memo, T.c.check_number, T.c.bank_id,
                       T.c.type, T.c.source_sha256, T.c.source_row, T.c.identity)
             .join(A, A.c.id == T.c.account_id).where(A.c.client_id == c.id).order_by(T.c.posted, T.c.id))
        if account is not None:
            q = q.where(T.c.account_id == self.account(c, account).id)
        with self.store.connect() as conn:
            frame = self.store.read_frame(conn, q, schema_overrides={
                "id": pl.Int64, "account_id": pl.Int64, "amount": pl.Int64, "source_row": pl.Int64,
                "account_name": pl.String, "currency": pl.String, "payee": pl.String, "description": pl.String,
                "memo": pl.String, "check_number": pl.String, "bank_id": pl.String, "type": pl.String,
                "source_sha256": pl.String, "identity": pl.String})
        if frame.height and frame["posted"].dtype == pl.String:
            frame = frame.with_columns(pl.col("posted").str.to_date())
        elif not frame.height:
            frame = frame.with_columns(pl.col("posted").cast(pl.Date))
        return frame

    def transactions(self, client: str | int | Client, account: str | int | None = None) -> list[Transaction]:
        frame = self.transactions_frame(client, account)
        return [Transaction(id=r["id"], account_id=r["account_id"], posted=r["posted"],
                            amount=from_minor(r["amount"], r["currency"]), currency=r["currency"],
                            payee=r["payee"], description=r["description"], memo=r["memo"],
                            check_number=r["check_number"], bank_id=r["bank_id"], type=r["type"],
                            source_sha256=r["source_sha256"], source_row=r["source_row"], identity=r["identity"])
                for r in frame.iter_rows(named=True)]

    def documents(self, client: str | int | Client, kind: str | None = None) -> list[Document]:
        c = self.client(client)
        with self.store.connect() as conn:
            return documents_mod.for_client(conn, c.id, kind)

    def document_bytes(self, document: Document) -> bytes:
        return self.store.archive.read(document.sha256)
