"""Tables of the exporters: recorded export batches, their files and items, and
per-account export settings.

- ``export_batches``: one row per export or re-export (format, who, when, the
  filters used, counts and the signed total in minor units).
- ``export_files``: the files a batch wrote (a split export has several), each
  with its SHA-256 and the ids of the transactions it carries (a JSON array, in
  file order); the bytes are kept in the workspace archive so a batch can be
  downloaded again exactly as it was sent.
- ``export_items``: one row per transaction in a batch, with the FITID it was
  given (re-exports and later exports reuse it, so ids never drift) and the
  coding version that was exported. ``written`` is false for approved-BLUE
  transactions that a format which adds transactions left out (they are already
  in the books).
- ``export_settings``: per bank/card account, what Web Connect files say about
  it: INTU.BID, FI ORG/FID, BANKID/ACCTID, and the account's name in the books.
  Filled on the first Web Connect export and then kept, because QuickBooks
  remembers BID+ACCTID and asks to map the account again when they change.
"""

from __future__ import annotations

import sqlalchemy as sa

from .schema import metadata

export_batches = sa.Table(
    "export_batches", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("client_id", sa.Integer, sa.ForeignKey("clients.id"), nullable=False, index=True),
    sa.Column("format", sa.String(16), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),                 # export | reexport
    sa.Column("reexport_of", sa.Integer, sa.ForeignKey("export_batches.id"), nullable=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=True),   # --account filter
    sa.Column("date_from", sa.Date, nullable=True),
    sa.Column("date_to", sa.Date, nullable=True),
    sa.Column("transactions", sa.Integer, nullable=False),            # written into the files
    sa.Column("matched", sa.Integer, nullable=False),                 # approved BLUE left out
    sa.Column("total", sa.BigInteger, nullable=False),                # signed sum written, minor units
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("options", sa.JSON, nullable=True),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

export_files = sa.Table(
    "export_files", metadata,
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("export_batches.id"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),                   # 1-based order within the batch
    sa.Column("path", sa.Text, nullable=False),                       # where it was written
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=True),
    sa.Column("transactions", sa.Integer, nullable=False),
    sa.Column("part", sa.Integer, nullable=False, server_default="1"),
    sa.Column("parts", sa.Integer, nullable=False, server_default="1"),
    sa.Column("transaction_ids", sa.JSON, nullable=True),             # what the file carries, in file order
)

export_items = sa.Table(
    "export_items", metadata,
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("export_batches.id"), primary_key=True),
    sa.Column("transaction_id", sa.Integer, sa.ForeignKey("transactions.id"), primary_key=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("fitid", sa.String(255), nullable=False),
    sa.Column("written", sa.Boolean, nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("coding_version", sa.Integer, nullable=False),
    sa.Index("ix_export_items_transaction", "transaction_id"),
)

export_settings = sa.Table(
    "export_settings", metadata,
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), primary_key=True),
    sa.Column("intu_bid", sa.String(16), nullable=True),
    sa.Column("org", sa.String(32), nullable=True),
    sa.Column("fid", sa.String(32), nullable=True),
    sa.Column("bank_id", sa.String(9), nullable=True),                # BANKID in Web Connect files
    sa.Column("acct_id", sa.String(22), nullable=True),               # ACCTID in Web Connect files
    sa.Column("book_account", sa.Text, nullable=True),                # the account's name in the books
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

TABLES = (export_batches, export_files, export_items, export_settings)


def ensure(conn: sa.Connection) -> None:
    """Create the export tables in a database made before they existed (idempotent)."""
    metadata.create_all(conn, tables=list(TABLES), checkfirst=True)
