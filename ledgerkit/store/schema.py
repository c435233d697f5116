"""The database schema, dialect-neutral SQLAlchemy Core tables.

Amounts are BIGINT minor units; currency lives on the account. Dates are DATE,
instants are timezone-aware UTC timestamps stored as ISO text via DateTime.
A transaction's identity within its account (``identity``) is unique, which
is what makes imports idempotent. Later migrations add to this file; the
version number in ``meta`` says which migrations a database has had.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

meta = sa.Table(
    "meta", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

clients = sa.Table(
    "clients", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("email", sa.Text, nullable=False, server_default=""),
    sa.Column("invite", sa.String(16), nullable=False, server_default="none"),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("name", name="uq_clients_name"),
)

accounts = sa.Table(
    "accounts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("client_id", sa.Integer, sa.ForeignKey("clients.id"), nullable=False, index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False, server_default="USD"),
    sa.Column("institution", sa.Text, nullable=False, server_default=""),
    sa.Column("bank_id", sa.Text, nullable=False, server_default=""),
    sa.Column("number", sa.Text, nullable=False, server_default=""),
    # how files find this account again: "ofx:BANKID:ACCTID" or "layout:NAME"
    sa.Column("external_key", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("client_id", "external_key", name="uq_accounts_external"),
)

files = sa.Table(
    "files", metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("original_name", sa.Text, nullable=False),
    sa.Column("stored_path", sa.Text, nullable=False),
    sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
)

imports = sa.Table(
    "imports", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("client_id", sa.Integer, sa.ForeignKey("clients.id"), nullable=False, index=True),
    sa.Column("sha256", sa.String(64), sa.ForeignKey("files.sha256"), nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("importer", sa.String(64), nullable=False),
    sa.Column("added", sa.Integer, nullable=False),
    sa.Column("duplicates", sa.Integer, nullable=False),
    sa.Column("issues", sa.JSON, nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("client_id", "sha256", name="uq_imports_client_file"),
)

transactions = sa.Table(
    "transactions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("identity", sa.String(300), nullable=False),
    sa.Column("posted", sa.Date, nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("payee", sa.Text, nullable=False, server_default=""),
    sa.Column("description", sa.Text, nullable=False, server_default=""),
    sa.Column("memo", sa.Text, nullable=False, server_default=""),
    sa.Column("check_number", sa.String(32), nullable=False, server_default=""),
    sa.Column("bank_id", sa.Text, nullable=False, server_default=""),
    sa.Column("type", sa.String(16), nullable=False, server_default=""),
    sa.Column("source_sha256", sa.String(64), nullable=False),
    sa.Column("source_row", sa.Integer, nullable=False),
    sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.id"), nullable=False),
    # a named index (not a constraint) so that bulk loads may rebuild it
    sa.Index("uq_transactions_identity", "account_id", "identity", unique=True),
    sa.Index("ix_transactions_account_posted", "account_id", "posted"),
)

balances = sa.Table(
    "balances", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("source_sha256", sa.String(64), nullable=False),
    sa.UniqueConstraint("account_id", "kind", "as_of", "source_sha256", name="uq_balances"),
)

documents = sa.Table(
    "documents", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("client_id", sa.Integer, sa.ForeignKey("clients.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("sha256", sa.String(64), sa.ForeignKey("files.sha256"), nullable=False),
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=True),
    sa.Column("transaction_id", sa.Integer, sa.ForeignKey("transactions.id"), nullable=True),
    sa.Column("check_number", sa.String(32), nullable=False, server_default=""),
    sa.Column("payee", sa.Text, nullable=False, server_default=""),   # a check's "pay to the order of"
    sa.Column("amount", sa.BigInteger, nullable=True),
    sa.Column("posted", sa.Date, nullable=True),
    sa.Column("period_start", sa.Date, nullable=True),
    sa.Column("period_end", sa.Date, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("client_id", "sha256", name="uq_documents_client_file"),
)

audit = sa.Table(
    "audit", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("entity", sa.String(32), nullable=False),
    sa.Column("entity_id", sa.Text, nullable=False),
    sa.Column("before", sa.JSON, nullable=True),
    sa.Column("after", sa.JSON, nullable=True),
)


# The bookkeeper's work on a transaction, kept apart from the bank's facts above
# (which never change after import). One row per reviewed transaction.
codings = sa.Table(
    "codings", metadata,
    sa.Column("transaction_id", sa.Integer, sa.ForeignKey("transactions.id"), primary_key=True),
    # gold | red | blue | approved | exported | excluded
    sa.Column("state", sa.String(16), nullable=False, index=True),
    sa.Column("description", sa.Text, nullable=False, server_default=""),   # edited; "" = the bank's
    sa.Column("payee", sa.Text, nullable=False, server_default=""),
    sa.Column("account", sa.Text, nullable=False, server_default=""),       # category / GL account name
    sa.Column("class_", sa.Text, nullable=False, server_default=""),
    sa.Column("memo", sa.Text, nullable=False, server_default=""),
    # [{"account": str, "amount": int minor units, "memo": str, "class": str}], summing to the amount
    sa.Column("splits", sa.JSON, nullable=True),
    sa.Column("transfer_to", sa.Integer, sa.ForeignKey("accounts.id"), nullable=True),
    sa.Column("rule_id", sa.Integer, nullable=True),
    sa.Column("match_id", sa.Integer, nullable=True),                        # register entry
    sa.Column("explanation", sa.Text, nullable=False, server_default=""),
    sa.Column("suggestions", sa.JSON, nullable=True),                        # [{"account", "confidence"}]
    sa.Column("manual", sa.Boolean, nullable=False, server_default=sa.false()),  # coded by a person
    sa.Column("approved_by", sa.Text, nullable=True),
    sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("batch_id", sa.Integer, nullable=True),                        # export batch
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
)

# Tables owned by later stages live in their own modules on the same metadata.
from . import export_tables, review_tables  # noqa: E402,F401
